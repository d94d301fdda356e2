// INFO dids (spec §2.12): the DIDs of one tenant, or of every tenant (or a `%` pattern) with the admin
// key, each joined with its tenant's te_ columns.
import type { ObjectRow, Tenant } from '../../../../domain/index.ts';
import { TENANT_WRITE_ONLY } from '../../../../services/index.ts';
import { plainTable } from '../../format.ts';
import type { RequestContext } from '../../handler.ts';
import type { InfoType } from './info-type.ts';
import { withPositions } from './positional-row.ts';

/**
 * MiRTA's 50 di_dids columns in its DB order (spec §3.4.3): the positions of a json row's numeric keys. A real
 * dashboard reads [2] [3] [4] (country, area, number), [5] (comment) and [13] (di_fax_store).
 */
const MIRTA_DID_ORDER = [
  'di_id', 'di_te_id', 'di_country', 'di_area', 'di_number', 'di_comment', 'di_recording', 'di_didprefix', 'di_fax', 'di_faxstationid',
  'di_faxheaderinfo', 'di_faxprotocol', 'di_fax_email', 'di_fax_store', 'di_didnameprefix', 'di_unconditionalstatus', 'di_maxchannels', 'di_cnam',
  'di_allowemergency', 'di_emergencynotes', 'di_ibid', 'di_emailrecording', 'di_admincomment', 'di_notifyunassigned', 'di_minemailrecording', 'di_dp_id',
  'di_provider_info', 'di_provider_number', 'di_smsprotocol', 'di_smsfromfield', 'di_smstofield', 'di_smsbodyfield', 'di_sms_store', 'di_smsemail',
  'di_branch', 'di_department', 'di_storeandforwardnumber', 'di_notifymaxchannels', 'di_faxprinturl', 'di_smsanswer', 'di_mmslinkfield',
  'di_faxprinturlformat', 'di_mmslinkauthprovider', 'di_transcript', 'di_sms_imsi', 'di_fullprivacy', 'di_aisummary', 'di_aisentiment',
  'di_extrafieldserver', 'di_fax_rp_id',
] as const;

/**
 * The tenant's te_ columns follow the DID's from position 50 (MiRTA joins the whole tenant row after the DID row).
 * MiRTA's own te_ order is not recorded (§3.4.1 names columns, not their order), so these are in the order Callgrid's
 * tenant row holds them. Write-only ones (a recording password) leave their position empty.
 */
function tenantOrder(tenant: Tenant): string[] {
  return Object.keys(tenant).filter((column) => column.startsWith('te_'));
}

/** The observed plain header (§2.12) and the column each shows; Tenant is the tenant code. */
const PLAIN_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ['Country', 'di_country'],
  ['Area', 'di_area'],
  ['Number', 'di_number'],
  ['Tenant', 'te_code'],
  ['Comment', 'di_comment'],
  ['Recording', 'di_recording'],
  ['Faxstation ID', 'di_faxstationid'],
  ['FAX Email', 'di_fax_email'],
  ['Max Channels', 'di_maxchannels'],
  ['Recording EMail', 'di_emailrecording'],
  ['SMS Email', 'di_smsemail'],
];

const text = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

/** The tenant's te_ columns by name, without the write-only ones (a recording password). */
function tenantColumns(tenant: Tenant): Record<string, string | null> {
  const hidden: readonly string[] = TENANT_WRITE_ONLY;
  return Object.fromEntries(Object.entries(tenant).filter(([column]) => column.startsWith('te_') && !hidden.includes(column)).map(([column, value]) => [column, text(value)]));
}

/** The tenants asked for: the named one, those matching the admin's `%` pattern, or all (admin, no tenant). */
async function tenantsOf(ctx: RequestContext): Promise<Tenant[]> {
  if (ctx.caller.tenant) return [ctx.caller.tenant];
  const pattern = ctx.caller.tenantPattern;
  if (pattern !== undefined && pattern !== '%') return ctx.services.cdrs.tenantsMatching(pattern);
  return ctx.services.tenants.list();
}

export const infoDids: InfoType = {
  syntax:
    'DIDs (all tenants with the admin key and no tenant, or tenant=%)\n' +
    `  plain: ${PLAIN_COLUMNS.map(([name]) => name).join('|')} with a header; json: the di_ rows with their tenant's te_ columns, each value under its name and its MiRTA position ("0"...)`,
  tenant: 'optional',
  async handle(ctx) {
    const tenants = await tenantsOf(ctx);
    const byId = new Map(tenants.map((t) => [t.te_id, t]));
    // One tenant reads its own rows; otherwise every DID, kept when its tenant was asked for.
    const scope = ctx.caller.tenant ? ctx.caller.tenant.te_id : null;
    const dids = (await ctx.services.objects.list('did', scope)).filter((row) => byId.has(Number(row.di_te_id)));
    const joined = dids.map((row: ObjectRow) => {
      const tenant = byId.get(Number(row.di_te_id));
      const didColumns = Object.fromEntries(Object.entries(row).map(([column, value]) => [column, text(value)]));
      return { ...didColumns, ...(tenant ? tenantColumns(tenant) : {}) };
    });
    const rows = joined.map((row) => Object.fromEntries(PLAIN_COLUMNS.map(([name, column]) => [name, row[column] ?? ''])));
    // Every value twice, by position then by name, as MiRTA's json (spec §2.12 dids).
    const first = tenants[0];
    const positioned = withPositions(joined, [...MIRTA_DID_ORDER, ...(first ? tenantOrder(first) : [])]);
    return { kind: 'value', plain: plainTable(PLAIN_COLUMNS.map(([name]) => name), rows, true), json: positioned.json, jsonText: positioned.jsonText };
  },
};
