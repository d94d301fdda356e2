// ATXTRANSFER (spec §2.14): attended transfer by the party on a channel.
import type { ReqtypeHandler } from '../../handler.ts';
import { scope } from './channel-table.ts';

export const attendedTransfer: ReqtypeHandler = {
  syntax:
    'Attended transfer by the party on a channel: it talks to dest first while its peer waits; when it hangs up,\n  its peer is connected to dest.\n  tenant (optional with the admin key), channel (the called party, e.g. the agent), dest (number)\n  answers OK|Transfer started',
  tenant: 'optional',
  adminOnly: false,
  writes: true,
  async handle(ctx) {
    const name = ctx.params.require('channel').trim();
    const dest = ctx.params.require('dest');
    await ctx.services.calls.attendedTransfer(scope(ctx), name, dest);
    return { kind: 'value', plain: 'OK|Transfer started', json: { result: 'OK', message: 'Transfer started' } };
  },
};
