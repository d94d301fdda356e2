// TRANSFER (spec §2.26): blind transfer of a channel, and optionally of a second one, to a number.
import type { ReqtypeHandler } from '../../handler.ts';
import { scope } from './channel-table.ts';

export const transfer: ReqtypeHandler = {
  syntax: 'Blind transfer.\n  tenant (optional with the admin key), channel, dest (number), extrachannel (optional: moved to dest too)\n  answers OK|<n> channels transferred',
  tenant: 'optional',
  adminOnly: false,
  writes: true,
  async handle(ctx) {
    const name = ctx.params.require('channel').trim();
    const dest = ctx.params.require('dest');
    const extra = ctx.params.get('extrachannel')?.trim() || undefined;
    const count = await ctx.services.calls.blindTransfer(scope(ctx), name, dest, extra);
    return { kind: 'value', plain: `OK|${count} channels transferred`, json: { result: 'OK', transferred: count } };
  },
};
