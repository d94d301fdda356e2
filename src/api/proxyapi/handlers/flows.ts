// FLOWS (spec §2.6) and SETFLOW (§2.24): every flow of a tenant with its hint state, and setting one
// flow's state and/or value. The coupling of the two is FlowService's; this file is MiRTA's wire shape.
import type { FlowWithState } from '../../../services/index.ts';
import { PbxError } from '../../../shared/index.ts';
import { tenantOf, type ReqtypeHandler } from '../handler.ts';

/** The 18 keys of §2.6 in MiRTA's order: the flow row, then its hint state. */
export const FLOW_COLUMNS = [
  'fl_id', 'fl_te_id', 'fl_name', 'fl_comment', 'fl_number', 'fl_value', 'fl_value_for_unavailable', 'fl_value_for_inuse',
  'fl_value_for_notinuse', 'fl_value_for_ringing', 'fl_variable_name', 'fl_monitor_type', 'fl_monitor_type_id', 'fl_monitor_parameter',
  'st_extension', 'st_state', 'st_timestamp', 'st_peername',
] as const;

/** Values as strings, as MiRTA's PHP rows carry them; null stays null (an unset fl_monitor_type_id, a never-set state). */
function flowRow(item: FlowWithState): Record<string, string | null> {
  const hint: Record<string, string | null> = { st_extension: item.hint, st_state: item.state, st_timestamp: item.timestamp, st_peername: item.peername };
  const row: Record<string, string | null> = {};
  for (const column of FLOW_COLUMNS) {
    const value = column in hint ? hint[column] : item.flow[column];
    row[column] = value === null || value === undefined ? null : String(value);
  }
  return row;
}

export const flows: ReqtypeHandler = {
  syntax: `State of every flow of the tenant.\n  tenant\n  plain: a pipe table with a header; json: an array of objects with the keys ${FLOW_COLUMNS.join(', ')}`,
  tenant: 'required',
  adminOnly: false,
  writes: false,
  async handle(ctx) {
    const rows = (await ctx.services.flows.list(tenantOf(ctx).te_id)).map(flowRow);
    return { kind: 'table', columns: FLOW_COLUMNS, rows, header: true, formats: ['plain'] };
  },
};

/** An empty parameter counts as absent: HTML forms send `value=` for a field left blank. */
const given = (text: string | undefined) => (text === undefined || text.trim() === '' ? undefined : text);

export const setFlow: ReqtypeHandler = {
  syntax:
    'Set a flow.\n  number (the flow number), state=INUSE|NOT_INUSE|UNAVAILABLE|RINGING and/or value, tenant\n' +
    '  a state sets the value it maps to (fl_value_for_<state>); a value sets the state mapped to it\n  answers OK; json {"result":"OK","state","value"}',
  tenant: 'required',
  adminOnly: false,
  writes: true,
  async handle(ctx) {
    const number = ctx.params.get('number')?.trim();
    if (!number) throw new PbxError('missing_parameter', 'No number specified: give the flow number');
    const state = given(ctx.params.get('state'));
    const value = given(ctx.params.get('value'));
    const result = await ctx.services.flows.set(tenantOf(ctx).te_id, number, { ...(state === undefined ? {} : { state }), ...(value === undefined ? {} : { value }) });
    return { kind: 'value', plain: 'OK', json: { result: 'OK', state: result.state, value: result.value } };
  },
};
