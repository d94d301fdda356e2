// DND (spec §2.5): get or set an extension's do-not-disturb flag (ex_dnd, `on` or empty). Calls honour it
// once they exist; the flag is the extension's column, so MANAGEDB and openapi.php see the same value.
import { PbxError } from '../../../shared/index.ts';
import { tenantOf, type RequestContext, type ReqtypeHandler } from '../handler.ts';

async function extensionId(ctx: RequestContext, tenantId: number): Promise<[number, string]> {
  const number = ctx.params.get('number')?.trim() || ctx.params.get('extension')?.trim();
  if (!number) throw new PbxError('missing_parameter', 'No number specified: give the extension number');
  const [row] = await ctx.services.objects.list('extension', tenantId, { ex_number: number });
  if (!row) throw new PbxError('not_found', `Extension ${number} not found`);
  return [Number(row.ex_id), String(row.ex_dnd ?? '')];
}

export const dnd: ReqtypeHandler = {
  syntax: 'Do-not-disturb of an extension.\n  number, action=get|set, value=on (set; empty or off to disable)\n  get answers on or an empty line; set answers OK',
  tenant: 'required',
  adminOnly: false,
  writes: (p) => (p.word('action') ?? 'get') !== 'get',
  async handle(ctx) {
    const tenant = tenantOf(ctx);
    const action = ctx.params.word('action') ?? 'get';
    const [id, current] = await extensionId(ctx, tenant.te_id);
    if (action === 'get') return { kind: 'value', plain: current, json: { dnd: current } };
    if (action !== 'set') throw new PbxError('invalid_parameter', `Invalid action ${action} for DND: expected get or set`);
    const value = (ctx.params.get('value') ?? '').trim().toLowerCase();
    if (!['', 'on', 'off', 'yes', 'no', '1', '0'].includes(value)) throw new PbxError('invalid_parameter', `Invalid value '${value}' for DND: expected on, or empty to disable`);
    const updated = await ctx.services.objects.update('extension', tenant.te_id, id, { ex_dnd: value === 'off' ? '' : value });
    return { kind: 'value', plain: 'OK', json: { result: 'OK', dnd: String(updated.ex_dnd ?? '') } };
  },
};
