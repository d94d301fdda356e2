// BLFS (spec §2.4): the BLF (busy-lamp) state of every extension hint and flow hint of the tenant, live.
import type { BlfState } from '../../../services/index.ts';
import { tenantOf, type ReqtypeHandler } from '../handler.ts';

const row = (s: BlfState) => ({ st_extension: s.hint, st_state: s.state, st_timestamp: s.timestamp });

/**
 * plain: MiRTA's PHP rows fetched with both numeric and named keys, imploded: each of the three values twice
 * (positional, then named) and a trailing `|`, one line per hint [OBS-1COM A-72]. A never-known time is empty.
 */
function plainLine(s: BlfState): string {
  const values = [s.hint, s.state, s.timestamp ?? ''];
  return `${[...values, ...values].join('|')}|\n`;
}

export const blfs: ReqtypeHandler = {
  syntax: 'BLF state of every monitored peer and flow.\n  tenant\n  plain: one line per hint, extension|state|timestamp twice and a trailing |; json: [{st_extension, st_state, st_timestamp}]',
  tenant: 'required',
  adminOnly: false,
  writes: false,
  async handle(ctx) {
    const states = await ctx.services.blf.list(tenantOf(ctx).te_id);
    return { kind: 'value', plain: states.map(plainLine).join(''), json: states.map(row) };
  },
};
