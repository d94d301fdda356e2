// INFO queues, pincodes, variable and flow (spec §2.12): a tenant's queues and PIN codes, one tenant
// variable's value and one flow's state.
import type { ObjectRow } from '../../../../domain/index.ts';
import { plainLine, plainTable } from '../../format.ts';
import { tenantOf, type RequestContext } from '../../handler.ts';
import type { InfoType } from './info-type.ts';

/** Row values as strings (MiRTA's PHP rows), null kept. */
const stringRow = (row: ObjectRow): Record<string, string | null> =>
  Object.fromEntries(Object.entries(row).map(([column, value]) => [column, value === null ? null : String(value)]));

const isReadOnly = (ctx: RequestContext) => ctx.caller.principal.kind === 'tenant' && ctx.caller.principal.readOnly;

export const infoQueues: InfoType = {
  syntax: 'the tenant\'s queues\n  plain: <id>: <name>|<id>: <name>|  json: {"<qu_id>":"<qu_name>"}',
  tenant: 'required',
  async handle(ctx) {
    const rows = await ctx.services.objects.list('queue', tenantOf(ctx).te_id, {}, { columns: ['qu_id', 'qu_name'] });
    // One line without a header, as observed (§2.12); a `|` inside a name is neutralised by plainLine.
    const plain = plainLine(rows.map((row) => `${String(row.qu_id)}: ${String(row.qu_name ?? '')}`));
    const json = Object.fromEntries(rows.map((row) => [String(row.qu_id), String(row.qu_name ?? '')]));
    return { kind: 'value', plain, json };
  },
};

const PINCODE_COLUMNS = ['Id', 'Code', 'Description', 'Disabled'] as const;

export const infoPincodes: InfoType = {
  syntax: 'the tenant\'s outbound PIN codes\n  plain: Id|Code|Description|Disabled with a header; json: the pc_ rows',
  tenant: 'required',
  async handle(ctx) {
    const rows = await ctx.services.objects.list('pincode', tenantOf(ctx).te_id);
    // A PIN authorises calls at the tenant's cost: a read-only key (a wallboard) reads the list, not the PINs.
    const code = (row: ObjectRow) => (isReadOnly(ctx) ? '' : String(row.pc_code ?? ''));
    const table = rows.map((row) => ({ Id: String(row.pc_id), Code: code(row), Description: String(row.pc_description ?? ''), Disabled: String(row.pc_disabled ?? '') }));
    const json = rows.map((row) => ({ ...stringRow(row), pc_code: code(row) }));
    return { kind: 'value', plain: plainTable(PINCODE_COLUMNS, table, true), json };
  },
};

export const infoVariable: InfoType = {
  syntax: 'value of a tenant variable: id (tv_id)\n  plain: the value; json: the value as a JSON string',
  tenant: 'required',
  async handle(ctx) {
    // MiRTA answers an empty body without id (§2.12); an empty value would read as "set to nothing".
    const id = ctx.params.requireId('id');
    const row = await ctx.services.objects.get('tenantvariable', tenantOf(ctx).te_id, id);
    const value = String(row.tv_value ?? '');
    return { kind: 'value', plain: value, json: value };
  },
};

export const infoFlow: InfoType = {
  syntax: 'state of one flow: id (fl_id)\n  plain: UNAVAILABLE, NOT_INUSE, INUSE or RINGING; json: the same word as a JSON string',
  tenant: 'required',
  async handle(ctx) {
    const { state } = await ctx.services.flows.get(tenantOf(ctx).te_id, ctx.params.requireId('id'));
    return { kind: 'value', plain: state, json: state };
  },
};
