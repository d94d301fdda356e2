// CDRs and simple CDRs (spec §2.12) and the tenants' XML templates that render them.
// Times are UTC `YYYY-MM-DD HH:MM:SS` text: it sorts like the instant on both engines and is
// exactly what MiRTA prints, so rows go out without conversion.
import type { ColumnDefinitionBuilder, CreateTableBuilder, Kysely } from 'kysely';
import type { Dialect } from '../dialect.ts';

// Column names are data here, so the builder's name tracking is widened to string.
type Table = CreateTableBuilder<string, string>;

// [column, type, not-null text default?]: the 30 columns in MiRTA's order, then the tenant.
type Column = readonly [name: string, type: 'integer' | 'text' | `varchar(${number})`, kind: 'text' | 'int' | 'nullable' | 'required'];
const CDR_TABLE: readonly Column[] = [
  ['accountcode', 'varchar(32)', 'text'],
  ['ID', 'integer', 'required'], // the primary key, added below
  ['start', 'varchar(19)', 'required'],
  ['answer', 'varchar(19)', 'nullable'],
  ['end', 'varchar(19)', 'nullable'],
  ['clid', 'varchar(255)', 'text'],
  ['realsrc', 'varchar(64)', 'text'],
  ['firstdst', 'varchar(64)', 'text'],
  ['duration', 'integer', 'int'],
  ['billsec', 'integer', 'int'],
  ['disposition', 'varchar(32)', 'text'],
  // Money as decimal text: exact, and printed as stored.
  ['cc_cost', 'varchar(32)', 'text'],
  ['dcontext', 'varchar(255)', 'text'],
  ['dstchannel', 'varchar(255)', 'text'],
  // CDR UPDATE appends to the userfield; the service bounds it, not the column.
  ['userfield', 'text', 'text'],
  ['uniqueid', 'varchar(64)', 'required'],
  ['prevuniqueid', 'varchar(64)', 'text'],
  ['lastdst', 'varchar(64)', 'text'],
  ['wherelanded', 'varchar(64)', 'text'],
  ['src', 'varchar(64)', 'text'],
  ['dst', 'varchar(64)', 'text'],
  ['lastapp', 'varchar(64)', 'text'],
  ['srcCallID', 'varchar(255)', 'text'],
  ['linkedid', 'varchar(64)', 'text'],
  ['peeraccount', 'varchar(64)', 'text'],
  ['originateid', 'varchar(64)', 'text'],
  ['cc_country', 'varchar(64)', 'text'],
  ['cc_network', 'varchar(64)', 'text'],
  ['pincode', 'varchar(64)', 'text'],
  ['cc_buy', 'varchar(32)', 'text'],
];

const SIMPLE_TABLE: readonly Column[] = [
  ['sc_start', 'varchar(19)', 'required'],
  ['sc_direction', 'varchar(8)', 'text'],
  ['sc_calleridnum', 'varchar(64)', 'text'],
  ['sc_calleridname', 'varchar(255)', 'text'],
  ['sc_dialednum', 'varchar(64)', 'text'],
  ['sc_disposition', 'varchar(32)', 'text'],
  ['sc_duration', 'integer', 'int'],
  ['sc_billsec', 'integer', 'int'],
  ['sc_uniqueid', 'varchar(64)', 'required'],
  ['sc_whoanswered', 'varchar(64)', 'text'],
];

export function cdrs(dialect: Dialect) {
  const id = (c: ColumnDefinitionBuilder) => (dialect === 'postgres' ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement());
  const tenant = (c: ColumnDefinitionBuilder) => c.notNull().references('te_tenants.te_id').onDelete('cascade');
  const definition = (kind: Column[2]) => (c: ColumnDefinitionBuilder) =>
    kind === 'text' ? c.notNull().defaultTo('') : kind === 'int' ? c.notNull().defaultTo(0) : kind === 'required' ? c.notNull() : c;
  const addColumns = (table: Table, columns: readonly Column[], idColumn: string): Table =>
    columns.reduce((t, [name, type, kind]) => t.addColumn(name, type, name === idColumn ? id : definition(kind)), table);

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await addColumns(db.schema.createTable('cd_cdrs') as unknown as Table, CDR_TABLE, 'ID').addColumn('te_id', 'integer', tenant).execute();
      await db.schema.createIndex('cd_cdrs_tenant_start').on('cd_cdrs').columns(['te_id', 'start']).execute();
      await db.schema.createIndex('cd_cdrs_uniqueid').on('cd_cdrs').column('uniqueid').execute();
      await db.schema.createIndex('cd_cdrs_linkedid').on('cd_cdrs').column('linkedid').execute();

      const simple = db.schema.createTable('sc_simplecdrs').addColumn('sc_id', 'integer', id).addColumn('sc_te_id', 'integer', tenant) as unknown as Table;
      await addColumns(simple, SIMPLE_TABLE, '').execute();
      await db.schema.createIndex('sc_simplecdrs_tenant_start').on('sc_simplecdrs').columns(['sc_te_id', 'sc_start']).execute();
      await db.schema.createIndex('sc_simplecdrs_uniqueid').on('sc_simplecdrs').column('sc_uniqueid').execute();

      await db.schema
        .createTable('xt_xmltemplates')
        .addColumn('xt_id', 'integer', id)
        .addColumn('xt_te_id', 'integer', tenant)
        .addColumn('xt_name', 'varchar(128)', (c) => c.notNull())
        .addColumn('xt_template', 'text', (c) => c.notNull())
        .addUniqueConstraint('xt_tenant_name', ['xt_te_id', 'xt_name'])
        .execute();
    },
  };
}
