// cm_calleridmods: the caller-id modification rules (domain/objects/callerid-modification.ts, CALLERIDMOD-<id>).
// 0002 builds every object table from the current catalogue, so a database made after this object joined it
// already has the table; one made before gets it here, built from the same schema the way 0002 builds tables
// (id, tenant column cascading with the tenant, text columns never null, the tenant index). `if not exists`
// keeps both paths one migration, and on PostgreSQL it looks in the connection's search_path (tests run one
// schema each), whatever other schemas hold.
import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import { CATALOGUE, type ColumnSpec, type ObjectSchema } from '../../domain/index.ts';
import type { Dialect } from '../dialect.ts';

function columnType(spec: ColumnSpec): 'integer' | `varchar(${number})` {
  return spec.kind === 'int' ? 'integer' : `varchar(${spec.max})`;
}

function columnDefault(spec: ColumnSpec) {
  return (c: ColumnDefinitionBuilder) => {
    if (spec.kind === 'int' || spec.kind === 'datetime') return c;
    // As 0002: text-like columns are never null ('' when unset).
    return c.notNull().defaultTo(typeof spec.fallback === 'string' ? spec.fallback : '');
  };
}

async function createTenantTable(db: Kysely<unknown>, dialect: Dialect, schema: ObjectSchema, tenantColumn: string): Promise<void> {
  let builder =
    dialect === 'postgres'
      ? db.schema.createTable(schema.table).ifNotExists().addColumn(schema.idColumn, 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
      : db.schema.createTable(schema.table).ifNotExists().addColumn(schema.idColumn, 'integer', (c) => c.primaryKey().autoIncrement());
  builder = builder.addColumn(tenantColumn, 'integer', (c) => c.notNull().references('te_tenants.te_id').onDelete('cascade'));
  for (const [name, spec] of Object.entries(schema.columns)) builder = builder.addColumn(name, columnType(spec), columnDefault(spec));
  await builder.execute();
  await db.schema.createIndex(`${schema.table}_tenant`).ifNotExists().on(schema.table).column(tenantColumn).execute();
}

export function callerIdMods(dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const schema = CATALOGUE.calleridmodification;
      // The schema is this release's; a catalogue without it would be a build error, not a database to migrate.
      if (schema === undefined || schema.tenantColumn === null) throw new Error('migration 0012: the calleridmodification schema is missing from the catalogue');
      await createTenantTable(db, dialect, schema, schema.tenantColumn);
    },
  };
}
