// The tables of the PBX configuration objects (domain/objects CATALOGUE), built from their schemas.
// Once released, a change to a schema's columns needs a new migration that alters the table.
import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import { CATALOGUE, type ColumnSpec, type ObjectSchema } from '../../domain/index.ts';
import type { Dialect } from '../dialect.ts';

function columnType(spec: ColumnSpec): 'integer' | `varchar(${number})` {
  return spec.kind === 'int' ? 'integer' : `varchar(${spec.max})`;
}

function columnDefault(spec: ColumnSpec) {
  return (c: ColumnDefinitionBuilder) => {
    if (spec.kind === 'int' || spec.kind === 'datetime') return c;
    // Text-like columns are never null (MiRTA returns '' for unset ones); an enum starts at its fallback.
    return c.notNull().defaultTo(typeof spec.fallback === 'string' ? spec.fallback : '');
  };
}

/**
 * One object's table from its schema. `ifNotExists`: a later migration adding an object that 0002 already built on
 * a newer database (0002 reads the current catalogue) makes it only where it is missing.
 */
export async function createObjectTable(db: Kysely<unknown>, dialect: Dialect, schema: ObjectSchema, options: { readonly ifNotExists?: boolean } = {}): Promise<void> {
  const table = options.ifNotExists === true ? db.schema.createTable(schema.table).ifNotExists() : db.schema.createTable(schema.table);
  const index = (name: string) => (options.ifNotExists === true ? db.schema.createIndex(name).ifNotExists() : db.schema.createIndex(name));
  let builder =
    dialect === 'postgres'
      ? table.addColumn(schema.idColumn, 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
      : table.addColumn(schema.idColumn, 'integer', (c) => c.primaryKey().autoIncrement());
  if (schema.tenantColumn) {
    // A tenant's objects go with it (MiRTA deletes a tenant's configuration with the tenant).
    builder = builder.addColumn(schema.tenantColumn, 'integer', (c) => c.notNull().references('te_tenants.te_id').onDelete('cascade'));
  }
  for (const [name, spec] of Object.entries(schema.columns)) builder = builder.addColumn(name, columnType(spec), columnDefault(spec));
  await builder.execute();
  if (schema.tenantColumn) {
    await index(`${schema.table}_tenant`).on(schema.table).column(schema.tenantColumn).execute();
  }
  for (const columns of schema.uniqueInTenant ?? []) {
    const scoped = schema.tenantColumn ? [schema.tenantColumn, ...columns] : [...columns];
    await index(`${schema.table}_${columns.join('_')}_unique`).on(schema.table).columns(scoped).unique().execute();
  }
  for (const columns of schema.uniqueGlobally ?? []) {
    await index(`${schema.table}_${columns.join('_')}_global`).on(schema.table).columns([...columns]).unique().execute();
  }
}

export function objects(dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      for (const schema of Object.values(CATALOGUE)) await createObjectTable(db, dialect, schema);
    },
  };
}
