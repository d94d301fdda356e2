// CHANNELS (spec §2.8): the active channels, one row each.
import type { ReqtypeHandler } from '../../handler.ts';
import { CHANNEL_COLUMNS, TABLE_FORMATS, channelTable, nodeOf, scope } from './channel-table.ts';

export const channels: ReqtypeHandler = {
  syntax: 'Active channels.\n  nodename (optional), tenant (optional with the admin key: all tenants)\n  columns: ' + CHANNEL_COLUMNS.join('|'),
  tenant: 'optional',
  adminOnly: false,
  writes: false,
  formats: TABLE_FORMATS,
  async handle(ctx) {
    return channelTable(await ctx.services.calls.channels(scope(ctx), nodeOf(ctx)));
  },
};
