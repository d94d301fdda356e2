// MANAGEDB tenant: list (with MiRTA's `filter=te_disabled='on'`), get, add, update, delete.
import { TENANT_LIMITS, type Tenant } from '../../../../domain/index.ts';
import { PbxError } from '../../../../shared/index.ts';
import { TENANT_COLUMNS, TENANT_WRITE_ONLY, type CreatedTenant } from '../../../../services/index.ts';
import { json, mirtaRow, type ManagedObject } from './managed-object.ts';

const row = (tenant: Tenant) => mirtaRow(tenant, TENANT_WRITE_ONLY);

export const tenantObject: ManagedObject = {
  global: true,
  actions: {
    list: { writes: false, handle: async (ctx) => json((await ctx.services.tenants.list(parseFilter(ctx.params.get('filter')))).map(row)) },
    get: { writes: false, handle: async (ctx) => json(row(await ctx.services.tenants.get(ctx.params.requireId('objectid')))) },
    add: {
      writes: true,
      async handle(ctx) {
        const created: CreatedTenant = await ctx.services.tenants.create(ctx.params.requireJson());
        // The tenant's keys exist only now, in this answer: only their hashes are kept.
        return json({ ...row(created.tenant), apikey: created.fullKey.key, apikey_readonly: created.readOnlyKey.key });
      },
    },
    update: { writes: true, handle: async (ctx) => json(row(await ctx.services.tenants.update(ctx.params.requireId('objectid'), ctx.params.requireJson()))) },
    delete: {
      writes: true,
      async handle(ctx) {
        const id = ctx.params.requireId('objectid');
        await ctx.services.tenants.delete(id);
        return json({ result: 'OK', deleted: String(id) });
      },
    },
  },
};

// One condition, read where the previous one ended: column='value' (no quote inside the value).
const CONDITION = /\s*([a-z_]+)\s*=\s*'([^']*)'\s*/iy;
const AND = /and\b/iy;
const FILTERABLE = TENANT_COLUMNS.filter((c) => !TENANT_WRITE_ONLY.includes(c));
const NUMERIC = new Set<keyof Tenant>(['te_id', 'te_rp_id', 'te_campaign_rp_id', 'te_fax_rp_id', 'pk_start', 'pk_end', ...TENANT_LIMITS.map(([, column]) => column)]);

/**
 * MiRTA passes an SQL condition (`te_disabled='on'`). Callgrid accepts the safe
 * subset `column='value'`, joined by AND, on tenant columns; never raw SQL.
 */
export function parseFilter(filter: string | undefined): Partial<Record<keyof Tenant, string>> {
  if (filter === undefined || filter.trim() === '') return {};
  const where: Partial<Record<keyof Tenant, string>> = {};
  const refuse = () => new PbxError('invalid_parameter', `Invalid filter '${filter.trim()}': expected column='value' (joined by AND)`);
  let at = 0;
  for (;;) {
    CONDITION.lastIndex = at;
    const match = CONDITION.exec(filter);
    if (!match) throw refuse();
    const column = (match[1] ?? '').toLowerCase() as keyof Tenant;
    if (!FILTERABLE.includes(column)) throw new PbxError('invalid_parameter', `Invalid filter: unknown tenant column ${column}`);
    const value = match[2] ?? '';
    // Integer columns compare with integers: PostgreSQL refuses 'abc' where SQLite matches nothing.
    if (NUMERIC.has(column) && !/^\d{1,9}$/.test(value)) throw new PbxError('invalid_parameter', `Invalid filter: ${column} takes a whole number, not '${value}'`);
    where[column] = value;
    at = CONDITION.lastIndex;
    if (at === filter.length) return where;
    AND.lastIndex = at;
    if (!AND.exec(filter)) throw refuse();
    at = AND.lastIndex;
  }
}
