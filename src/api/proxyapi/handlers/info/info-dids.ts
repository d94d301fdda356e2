// INFO dids (spec §2.12): the DIDs of one tenant, or of every tenant (or a `%` pattern) with the admin
// key, each joined with its tenant's te_ columns.
import type { ObjectRow, Tenant } from '../../../../domain/index.ts';
import { TENANT_WRITE_ONLY } from '../../../../services/index.ts';
import { plainTable } from '../../format.ts';
import type { RequestContext } from '../../handler.ts';
import type { InfoType } from './info-type.ts';

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
    `  plain: ${PLAIN_COLUMNS.map(([name]) => name).join('|')} with a header; json: the di_ rows with their tenant's te_ columns`,
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
    return { kind: 'value', plain: plainTable(PLAIN_COLUMNS.map(([name]) => name), rows, true), json: joined };
  },
};
