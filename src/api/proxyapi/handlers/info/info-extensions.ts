// INFO extensions (every extension with its state) and INFO regstate (one extension's registration).
import type { ObjectRow } from '../../../../domain/index.ts';
import { PbxError } from '../../../../shared/index.ts';
import type { RequestContext } from '../../handler.ts';
import type { InfoType } from './info-type.ts';

/**
 * Asterisk device states as MiRTA's st_state shows them. Without calls yet, a registered phone that
 * answers qualify is idle (NOT_INUSE); one that is unregistered or unreachable is UNAVAILABLE.
 */
async function statesOf(ctx: RequestContext, tenantId: number): Promise<Map<number, string>> {
  const states = new Map<number, string>();
  for (const peer of await ctx.services.peers.list(tenantId)) {
    if (peer.binding.reachable) states.set(peer.binding.extensionId, 'NOT_INUSE');
  }
  return states;
}

const tenantIdOf = (ctx: RequestContext): number => {
  const tenant = ctx.caller.tenant;
  if (!tenant) throw new PbxError('missing_parameter', 'No tenant specified');
  return tenant.te_id;
};

export const infoExtensions: InfoType = {
  syntax: 'extensions with their state: id (ex_id) or number (ex_number) selects one\n  plain: Number|Name|Tech|State|Username|Password; json: the extension rows with st_state',
  tenant: 'required',
  async handle(ctx) {
    const tenantId = tenantIdOf(ctx);
    const where: Record<string, string | number> = {};
    if (ctx.params.get('id') !== undefined) where.ex_id = ctx.params.requireId('id');
    const number = ctx.params.get('number')?.trim();
    if (number) where.ex_number = number;
    const rows = await ctx.services.objects.list('extension', tenantId, where);
    const states = await statesOf(ctx, tenantId);
    const state = (row: ObjectRow) => states.get(Number(row.ex_id)) ?? 'UNAVAILABLE';
    // MiRTA returns the SIP password here; a read-only key reads configuration, not credentials.
    const secret = (row: ObjectRow) => (ctx.caller.principal.kind === 'tenant' && ctx.caller.principal.readOnly ? '' : String(row.ex_secret ?? ''));
    const schema = ctx.services.objects.schema('extension');
    const hidden = new Set(Object.keys(schema.columns).filter((c) => schema.columns[c]?.writeOnly));
    const json = rows.map((row) => {
      const out: Record<string, string | null> = {};
      for (const [column, value] of Object.entries(row)) if (!hidden.has(column)) out[column] = value === null ? null : String(value);
      out.st_state = state(row);
      return out;
    });
    const lines = rows.map((row) => [row.ex_number, row.ex_name, row.ex_tech, state(row), row.ex_username, secret(row)].map((v) => String(v ?? '')).join('|'));
    return { kind: 'value', plain: ['Number|Name|Tech|State|Username|Password', ...lines].join('\n') + '\n', json };
  },
};

export const infoRegstate: InfoType = {
  syntax: 'registration state of one extension: ext (number)\n  plain: REGISTERED|<contacts>|<seconds left> or UNREGISTERED; json: {"ext","state","contacts":[{"contact","host","port","expires","status","useragent","node"}]}',
  tenant: 'required',
  async handle(ctx) {
    const tenantId = tenantIdOf(ctx);
    const ext = ctx.params.get('ext')?.trim() || ctx.params.get('number')?.trim();
    if (!ext) throw new PbxError('missing_parameter', 'No ext specified');
    const { bindings, now } = await ctx.services.peers.registrationOf(tenantId, ext);
    const contacts = bindings.map((b) => ({
      contact: b.contactUri,
      host: b.source.address,
      port: b.source.port,
      expires: Math.max(0, Math.round((b.expiresAt.getTime() - now.getTime()) / 1000)),
      status: b.reachable ? (b.lastRttMs === null ? 'UNKNOWN' : `OK (${b.lastRttMs} ms)`) : 'UNREACHABLE',
      useragent: b.userAgent ?? '',
      node: b.node,
    }));
    const state = contacts.length > 0 ? 'REGISTERED' : 'UNREGISTERED';
    const plain = contacts.length > 0 ? `${state}|${contacts.map((c) => c.contact).join(',')}|${Math.max(...contacts.map((c) => c.expires))}` : state;
    return { kind: 'value', plain, json: { ext, state, contacts } };
  },
};
