// Tenant-scoped CRUD for any catalogue object (domain/objects): one implementation for every table.
// A tenant's query never matches another tenant's row: the tenant column is part of every WHERE.
// Derived columns (a DID's normalised number) are filled here on every write, whoever writes, so the unique
// index on them holds for every path; they never appear in the rows handed out.
import type { ObjectRow, ObjectSchema } from '../domain/index.ts';
import type { LooseDb } from './row-table.ts';
import { translateConstraint } from './row-table.ts';

/** The tenant a query is confined to; null = every tenant (admin views) or a global object. */
export type TenantScope = number | null;

export interface ObjectPage {
  readonly limit?: number;
  readonly offset?: number;
  /** Only these columns (hot paths that need a few of a wide table's); default all. */
  readonly columns?: readonly string[];
}

export interface ObjectTable {
  readonly schema: ObjectSchema;
  list(scope: TenantScope, where?: Readonly<Record<string, string | number | null>>, page?: ObjectPage): Promise<ObjectRow[]>;
  count(scope: TenantScope, where?: Readonly<Record<string, string | number | null>>): Promise<number>;
  get(scope: TenantScope, id: number): Promise<ObjectRow | undefined>;
  /** Inserts one row; for tenant objects `tenantId` fills the tenant column. */
  insert(tenantId: TenantScope, values: ObjectRow): Promise<ObjectRow>;
  /** Inserts many rows in one transaction-sized statement batch; all or none. */
  insertMany(tenantId: TenantScope, rows: readonly ObjectRow[]): Promise<number>;
  update(scope: TenantScope, id: number, values: ObjectRow): Promise<ObjectRow | undefined>;
  delete(scope: TenantScope, id: number): Promise<boolean>;
  /** Deletes every row matching `where` (within the scope); returns how many. */
  deleteWhere(scope: TenantScope, where: Readonly<Record<string, string | number>>): Promise<number>;
  /** Replaces the rows matching `where` by `rows` in one transaction (a destination slot, a condition's infos). */
  replaceWhere(tenantId: TenantScope, where: Readonly<Record<string, string | number>>, rows: readonly ObjectRow[]): Promise<number>;
}

export function objectTable(db: LooseDb, schema: ObjectSchema): ObjectTable {
  const { table, idColumn, tenantColumn } = schema;
  const describe = (values: ObjectRow) => {
    const label = values[schema.labelColumn];
    return `${schema.title[0]?.toUpperCase()}${schema.title.slice(1)}${label === undefined || label === null ? '' : ` ${label}`}`;
  };
  const derived = Object.entries(schema.derived ?? {});
  /** The values with each derived column computed from its source, when the source is written. */
  const withDerived = (values: ObjectRow): ObjectRow => {
    if (derived.length === 0) return values;
    const out = { ...values };
    for (const [column, { from, derive }] of derived) {
      const source = values[from];
      // Nothing to key (no number) is null, which a unique index lets repeat.
      if (source !== undefined) out[column] = source === null ? null : derive(String(source)) || null;
    }
    return out;
  };
  /** A row as handed out: without the derived columns. */
  const shown = (row: ObjectRow): ObjectRow => {
    if (derived.length === 0) return row;
    const out = { ...row };
    for (const [column] of derived) delete out[column];
    return out;
  };
  const withTenant = (tenantId: TenantScope, values: ObjectRow): ObjectRow => {
    const row = withDerived(values);
    return tenantColumn && tenantId !== null ? { ...row, [tenantColumn]: tenantId } : row;
  };

  function select(scope: TenantScope, where: Readonly<Record<string, string | number | null>>, columns?: readonly string[]) {
    const from = db.selectFrom(table);
    let query = columns ? from.select(columns as never) : from.selectAll();
    if (tenantColumn && scope !== null) query = query.where(tenantColumn, '=', scope as never);
    for (const [column, value] of Object.entries(where)) {
      query = value === null ? query.where(column, 'is', null) : query.where(column, '=', value as never);
    }
    return query;
  }

  function remove(from: LooseDb, scope: TenantScope, where: Readonly<Record<string, string | number>>) {
    let query = from.deleteFrom(table);
    if (tenantColumn && scope !== null) query = query.where(tenantColumn, '=', scope as never);
    for (const [column, value] of Object.entries(where)) query = query.where(column, '=', value as never);
    return query;
  }

  return {
    schema,
    async list(scope, where = {}, page = {}) {
      let query = select(scope, where, page.columns).orderBy(idColumn);
      if (page.limit !== undefined) query = query.limit(page.limit);
      if (page.offset !== undefined) query = query.offset(page.offset);
      return ((await query.execute()) as ObjectRow[]).map(shown);
    },
    async count(scope, where = {}) {
      let query = db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n'));
      if (tenantColumn && scope !== null) query = query.where(tenantColumn, '=', scope as never);
      for (const [column, value] of Object.entries(where)) {
        query = value === null ? query.where(column, 'is', null) : query.where(column, '=', value as never);
      }
      const row = await query.executeTakeFirst();
      return Number((row as { n?: unknown } | undefined)?.n ?? 0);
    },
    async get(scope, id) {
      const row = (await select(scope, { [idColumn]: id }).executeTakeFirst()) as ObjectRow | undefined;
      return row && shown(row);
    },
    async insert(tenantId, values) {
      try {
        return shown((await db.insertInto(table).values(withTenant(tenantId, values)).returningAll().executeTakeFirstOrThrow()) as ObjectRow);
      } catch (error) {
        throw translateConstraint(error, describe(values));
      }
    },
    async insertMany(tenantId, rows) {
      if (rows.length === 0) return 0;
      // Chunks keep each statement under SQLite's 32,766 bound parameters.
      const columnsPerRow = Object.keys(rows[0] ?? {}).length + 1 + derived.length;
      const chunk = Math.max(1, Math.floor(30_000 / columnsPerRow));
      try {
        await db.transaction().execute(async (trx) => {
          for (let at = 0; at < rows.length; at += chunk) {
            await trx.insertInto(table).values(rows.slice(at, at + chunk).map((row) => withTenant(tenantId, row))).execute();
          }
        });
      } catch (error) {
        throw translateConstraint(error, `${schema.title[0]?.toUpperCase()}${schema.title.slice(1)}`);
      }
      return rows.length;
    },
    async update(scope, id, values) {
      if (Object.keys(values).length === 0) return this.get(scope, id);
      let query = db.updateTable(table).set(withDerived(values)).where(idColumn, '=', id as never);
      if (tenantColumn && scope !== null) query = query.where(tenantColumn, '=', scope as never);
      try {
        const row = (await query.returningAll().executeTakeFirst()) as ObjectRow | undefined;
        return row && shown(row);
      } catch (error) {
        throw translateConstraint(error, describe(values));
      }
    },
    async delete(scope, id) {
      let query = db.deleteFrom(table).where(idColumn, '=', id as never);
      if (tenantColumn && scope !== null) query = query.where(tenantColumn, '=', scope as never);
      const result = await query.executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async deleteWhere(scope, where) {
      const result = await remove(db, scope, where).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
    async replaceWhere(tenantId, where, rows) {
      try {
        await db.transaction().execute(async (trx) => {
          await remove(trx, tenantId, where).execute();
          if (rows.length > 0) await trx.insertInto(table).values(rows.map((row) => withTenant(tenantId, row))).execute();
        });
      } catch (error) {
        throw translateConstraint(error, `${schema.title[0]?.toUpperCase()}${schema.title.slice(1)}`);
      }
      return rows.length;
    },
  };
}
