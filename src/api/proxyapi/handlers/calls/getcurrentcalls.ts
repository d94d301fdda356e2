// GETCURRENTCALLS (spec §2.18): the calls running now for one extension.
import { tenantOf, type ReqtypeHandler } from '../../handler.ts';
import { TABLE_FORMATS, channelTable } from './channel-table.ts';
import { yes } from './yes-no.ts';

export const getCurrentCalls: ReqtypeHandler = {
  syntax: 'Calls running now for an extension.\n  phone (number, or peer name 103-TENANT), tenant, multiple=yes (every channel, not only the oldest)\n  columns: as CHANNELS',
  tenant: 'required',
  adminOnly: false,
  writes: false,
  formats: TABLE_FORMATS,
  async handle(ctx) {
    const views = await ctx.services.calls.currentCalls(tenantOf(ctx).te_id, ctx.params.require('phone').trim());
    return channelTable(yes(ctx.params, 'multiple') ? views : views.slice(0, 1));
  },
};
