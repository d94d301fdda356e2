// The use cases of every catalogue object: list, get, create, update, delete, tenant-scoped, with
// references checked on writes (same tenant, or global) and deletes refused while others refer to a row.
import { CATALOGUE, schemaOf, type ObjectRow, type ObjectSchema, type TaggedReference, type Tenant } from '../../domain/index.ts';
import { PbxError, formatDateTime, type Clock } from '../../shared/index.ts';
import type { ObjectPage, Store, TenantScope } from '../../store/index.ts';
import { parsePayload } from './object-payload.ts';
import { label, type RulesBySchema, type WriteContext } from './object-rules.ts';

/** Who asks: the tenant the object belongs to, or null for global objects / the admin's all-tenant views. */
export type ObjectScope = TenantScope;

const capital = (text: string) => `${text[0]?.toUpperCase() ?? ''}${text.slice(1)}`;

export class ObjectService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly rules: RulesBySchema,
  ) {}

  schema(name: string): ObjectSchema {
    return schemaOf(name);
  }

  list(name: string, scope: ObjectScope, where: Readonly<Record<string, string | number | null>> = {}, page: ObjectPage = {}): Promise<ObjectRow[]> {
    return this.store.objects(name).list(this.scopeFor(name, scope), where, page);
  }

  count(name: string, scope: ObjectScope, where: Readonly<Record<string, string | number | null>> = {}): Promise<number> {
    return this.store.objects(name).count(this.scopeFor(name, scope), where);
  }

  async get(name: string, scope: ObjectScope, id: number): Promise<ObjectRow> {
    const row = await this.store.objects(name).get(this.scopeFor(name, scope), id);
    if (!row) throw this.notFound(name, id);
    return row;
  }

  async create(name: string, scope: ObjectScope, payload: unknown): Promise<ObjectRow> {
    const schema = schemaOf(name);
    const tenantId = this.scopeFor(name, scope);
    const tenant = await this.tenantOf(schema, tenantId);
    const fixed = schema.tenantColumn && tenantId !== null ? { [schema.tenantColumn]: tenantId } : {};
    let row = parsePayload(schema, payload, 'create', fixed);
    row = (await this.rules[name]?.beforeCreate?.(this.context(name, tenant, tenantId, undefined), row)) ?? row;
    await this.checkReferences(schema, tenantId, row);
    return this.store.objects(name).insert(tenantId, row);
  }

  async update(name: string, scope: ObjectScope, id: number, payload: unknown): Promise<ObjectRow> {
    const schema = schemaOf(name);
    const tenantId = this.scopeFor(name, scope);
    const current = await this.get(name, tenantId, id);
    const owner = schema.tenantColumn ? Number(current[schema.tenantColumn]) : null;
    const fixed: Record<string, number> = { [schema.idColumn]: id, ...(schema.tenantColumn && owner !== null ? { [schema.tenantColumn]: owner } : {}) };
    let changes = parsePayload(schema, payload, 'update', fixed);
    const tenant = await this.tenantOf(schema, owner);
    changes = (await this.rules[name]?.beforeUpdate?.(this.context(name, tenant, owner, id), current, changes)) ?? changes;
    await this.checkReferences(schema, owner, changes);
    const updated = await this.store.objects(name).update(owner, id, changes);
    if (!updated) throw this.notFound(name, id);
    return updated;
  }

  async delete(name: string, scope: ObjectScope, id: number): Promise<ObjectRow> {
    const schema = schemaOf(name);
    const tenantId = this.scopeFor(name, scope);
    const current = await this.get(name, tenantId, id);
    await this.refuseWhileReferenced(schema, current);
    if (!(await this.store.objects(name).delete(tenantId, id))) throw this.notFound(name, id);
    await this.deleteDependents(schema, current);
    return current;
  }

  /** Global objects ignore the tenant; tenant objects with a null scope are the admin's all-tenant view. */
  private scopeFor(name: string, scope: ObjectScope): TenantScope {
    return schemaOf(name).tenantColumn ? scope : null;
  }

  private async tenantOf(schema: ObjectSchema, tenantId: TenantScope): Promise<Tenant | undefined> {
    if (!schema.tenantColumn) return undefined;
    if (tenantId === null) throw new PbxError('missing_parameter', `No tenant specified: a ${schema.title} belongs to a tenant`);
    const tenant = await this.store.tenants.get(tenantId);
    if (!tenant) throw new PbxError('not_found', `Tenant ${tenantId} not found`);
    return tenant;
  }

  /** `updating`: the id of the row an update changes, which countEverywhere leaves out. */
  private context(name: string, tenant: Tenant | undefined, tenantId: TenantScope, updating: number | undefined): WriteContext {
    const table = this.store.objects(name);
    return {
      tenant,
      now: formatDateTime(this.clock.now()),
      count: (where = {}) => table.count(tenantId, where),
      countEverywhere: async (where) => {
        if (updating === undefined) return table.count(null, where);
        const rows = await table.list(null, where, { columns: [table.schema.idColumn] });
        return rows.filter((row) => Number(row[table.schema.idColumn]) !== updating).length;
      },
    };
  }

  private notFound(name: string, id: number): PbxError {
    return new PbxError('not_found', `${capital(schemaOf(name).title)} ${id} not found`);
  }

  /** Every id a row names must be an object of the same tenant (or a global one). */
  private async checkReferences(schema: ObjectSchema, tenantId: TenantScope, row: ObjectRow): Promise<void> {
    for (const [column, spec] of Object.entries(schema.columns)) {
      const value = row[column];
      if (!spec.refersTo || value === undefined || value === null) continue;
      const target = CATALOGUE[spec.refersTo];
      // A reference to an object not stored yet (a later part of the catalogue) cannot be checked.
      if (!target) continue;
      const found = await this.store.objects(spec.refersTo).get(target.tenantColumn ? tenantId : null, Number(value));
      if (!found) throw new PbxError('invalid_parameter', `Invalid ${column} for ${schema.title}: ${target.title} ${value} does not exist${target.tenantColumn ? ' in this tenant' : ''}`);
    }
  }

  /** MiRTA refuses to delete what is in use; so do we, naming the first referrers. */
  private async refuseWhileReferenced(schema: ObjectSchema, row: ObjectRow): Promise<void> {
    const id = Number(row[schema.idColumn]);
    const referrers: string[] = [];
    for (const [name, other] of Object.entries(CATALOGUE)) {
      const scope = other.tenantColumn && schema.tenantColumn ? Number(row[schema.tenantColumn]) : null;
      for (const [column, spec] of Object.entries(other.columns)) {
        if (spec.refersTo !== schema.name || spec.cascade) continue;
        const rows = await this.store.objects(name).list(scope, { [column]: id }, { limit: 5 });
        referrers.push(...rows.map((r) => `${label(other, r)} (${column})`));
      }
      for (const ref of other.taggedReferences ?? []) {
        if (ref.onDelete !== 'restrict') continue;
        const rows = await this.taggedRows(name, ref, scope, schema.name, id);
        // A row that goes with this object (its own slot naming itself) does not hold it.
        const held = rows.filter((r) => !(other.taggedReferences ?? []).some((c) => c.onDelete === 'cascade' && c.objectOf(String(r[c.typeColumn])) === schema.name && Number(r[c.idColumn]) === id));
        referrers.push(...held.map((r) => label(other, r)));
      }
    }
    if (referrers.length > 0) {
      throw new PbxError('conflict', `${capital(label(schema, row))} is in use by ${referrers.slice(0, 5).join(', ')}; change those first`);
    }
  }

  /** Rows that belong to a deleted object go with it: `cascade` columns and cascading tagged references. */
  private async deleteDependents(schema: ObjectSchema, row: ObjectRow): Promise<void> {
    const id = Number(row[schema.idColumn]);
    for (const [name, other] of Object.entries(CATALOGUE)) {
      const scope = other.tenantColumn && schema.tenantColumn ? Number(row[schema.tenantColumn]) : null;
      for (const [column, spec] of Object.entries(other.columns)) {
        if (spec.refersTo === schema.name && spec.cascade) await this.store.objects(name).deleteWhere(scope, { [column]: id });
      }
      for (const ref of other.taggedReferences ?? []) {
        if (ref.onDelete !== 'cascade') continue;
        const types = new Set((await this.taggedRows(name, ref, scope, schema.name, id)).map((r) => String(r[ref.typeColumn])));
        for (const type of types) await this.store.objects(name).deleteWhere(scope, { [ref.typeColumn]: type, [ref.idColumn]: id });
      }
    }
  }

  /** The rows of `name` whose tagged reference names object `target` `id`. */
  private async taggedRows(name: string, ref: TaggedReference, scope: TenantScope, target: string, id: number): Promise<ObjectRow[]> {
    const rows = await this.store.objects(name).list(scope, { [ref.idColumn]: id });
    return rows.filter((r) => ref.objectOf(String(r[ref.typeColumn])) === target);
  }
}
