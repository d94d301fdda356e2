// INFO ivrlogs (spec §2.12, "actions taken in IVRs"; columns undocumented): a tenant's IVR choices in a date window,
// one row per choice: when (UTC, as CDRs), which call (linkedid, joins its CDRs), which menu, who called, the keys,
// what they chose and where the call went.
import type { IvrLogRow } from '../../../../services/index.ts';
import { tenantOf } from '../../handler.ts';
import type { InfoType } from './info-type.ts';

export const IVR_LOG_COLUMNS = ['ID', 'date', 'linkedid', 'ivrid', 'ivrname', 'callerid', 'calleridname', 'round', 'keys', 'choice', 'destination'] as const;
type IvrLogLine = Record<(typeof IVR_LOG_COLUMNS)[number], string>;

/** MiRTA's raw rows: every value a string. */
function line(row: IvrLogRow): IvrLogLine {
  return {
    ID: String(row.il_id), date: row.il_date, linkedid: row.il_linkedid, ivrid: String(row.il_iv_id), ivrname: row.il_ivrname, callerid: row.il_callerid,
    calleridname: row.il_calleridname, round: String(row.il_round), keys: row.il_keys, choice: row.il_choice, destination: row.il_destination,
  };
}

export const infoIvrLogs: InfoType = {
  syntax:
    `choices callers made in IVRs: start, end (YYYY-MM-DD[ HH:MM:SS]; default today), by date\n  plain: ${IVR_LOG_COLUMNS.join('|')} with a header;` +
    ' json: array of objects (string values); csv. choice: KEY, EXTENSION, FEATURE, DISA, WRONG, TIMEOUT, HANGUP',
  tenant: 'required',
  formats: ['plain', 'json', 'csv'],
  async handle(ctx) {
    const rows = await ctx.services.ivrLogs.list(tenantOf(ctx).te_id, { start: ctx.params.get('start'), end: ctx.params.get('end') });
    return { kind: 'table', columns: IVR_LOG_COLUMNS, rows: rows.map(line), header: true, formats: ['plain', 'json', 'csv'] };
  },
};
