// INFO sms (spec §2.12, "list of SMS sent and received"; columns undocumented): a tenant's SMS log in a date window,
// one row per SMS: its id (the one SMS answered), direction, numbers, text, status, provider, time (UTC, as CDRs),
// parts, and why it failed.
import type { SmsRow } from '../../../../services/index.ts';
import { tenantOf } from '../../handler.ts';
import type { InfoType } from './info-type.ts';

export const SMS_COLUMNS = ['ID', 'direction', 'from', 'to', 'text', 'status', 'provider', 'time', 'parts', 'error'] as const;
type SmsLine = Record<(typeof SMS_COLUMNS)[number], string>;

/** MiRTA's raw rows: every value a string. */
function line(row: SmsRow): SmsLine {
  return {
    ID: String(row.sm_id), direction: row.sm_direction, from: row.sm_from, to: row.sm_to, text: row.sm_text, status: row.sm_status,
    provider: row.sm_pr_id === null ? '' : String(row.sm_pr_id), time: row.sm_created, parts: String(row.sm_parts), error: row.sm_error,
  };
}

export const infoSms: InfoType = {
  syntax:
    `SMS sent and received: start, end (YYYY-MM-DD[ HH:MM:SS]; default today), by time\n  plain: ${SMS_COLUMNS.join('|')} with a header;` +
    ' json: array of objects (string values); csv. direction: out, in; status: queued, sent, delivered, failed, received',
  tenant: 'required',
  formats: ['plain', 'json', 'csv'],
  async handle(ctx) {
    const rows = await ctx.services.sms.list(tenantOf(ctx).te_id, { start: ctx.params.get('start'), end: ctx.params.get('end') });
    return { kind: 'table', columns: SMS_COLUMNS, rows: rows.map(line), header: true, formats: ['plain', 'json', 'csv'] };
  },
};
