// Phonebooks (spec §2.10, §2.11, §3.4.24) with the 18 seeded items; and, from the same issue,
// user groups (§2.28) and the members of virtual extensions (§2.29).
import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import { PHONEBOOK_ITEMS } from '../../domain/index.ts';
import type { Dialect } from '../dialect.ts';

export function phonebooks(dialect: Dialect) {
  const id = (c: ColumnDefinitionBuilder) => (dialect === 'postgres' ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement());
  const text = (c: ColumnDefinitionBuilder) => c.notNull().defaultTo('');
  const tenant = (c: ColumnDefinitionBuilder) => c.notNull().references('te_tenants.te_id').onDelete('cascade');

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      // A fixed list: ids are given so that pd_pi_id means the same item on every installation.
      await db.schema
        .createTable('pi_phonebookitems')
        .addColumn('pi_id', 'integer', (c) => c.primaryKey())
        .addColumn('pi_code', 'varchar(32)', (c) => c.notNull().unique())
        .addColumn('pi_name', 'varchar(64)', (c) => c.notNull())
        .execute();
      const items = PHONEBOOK_ITEMS.map(([code, name], index) => ({ pi_id: index + 1, pi_code: code, pi_name: name }));
      await (db as Kysely<Record<string, Record<string, unknown>>>).insertInto('pi_phonebookitems').values(items).execute();

      await db.schema
        .createTable('pb_phonebooks')
        .addColumn('pb_id', 'integer', id)
        .addColumn('pb_te_id', 'integer', tenant)
        .addColumn('pb_name', 'varchar(255)', (c) => c.notNull())
        .addColumn('pb_includeext', 'varchar(8)', text)
        .addColumn('pb_includeshortnum', 'varchar(8)', text)
        .addUniqueConstraint('pb_tenant_name', ['pb_te_id', 'pb_name'])
        .execute();

      await db.schema
        .createTable('pe_phonebookentries')
        .addColumn('pe_id', 'integer', id)
        .addColumn('pe_te_id', 'integer', tenant)
        // Deleting a phonebook deletes its entries, and an entry its details.
        .addColumn('pe_pb_id', 'integer', (c) => c.notNull().references('pb_phonebooks.pb_id').onDelete('cascade'))
        .execute();
      await db.schema.createIndex('pe_phonebookentries_pb').on('pe_phonebookentries').column('pe_pb_id').execute();

      await db.schema
        .createTable('pd_phonebookdetails')
        .addColumn('pd_id', 'integer', id)
        .addColumn('pd_te_id', 'integer', tenant)
        .addColumn('pd_pe_id', 'integer', (c) => c.notNull().references('pe_phonebookentries.pe_id').onDelete('cascade'))
        .addColumn('pd_pi_id', 'integer', (c) => c.notNull().references('pi_phonebookitems.pi_id'))
        .addColumn('pd_pi_value', 'varchar(1024)', (c) => c.notNull())
        .addUniqueConstraint('pd_entry_item', ['pd_pe_id', 'pd_pi_id'])
        .execute();
      await db.schema.createIndex('pd_phonebookdetails_item').on('pd_phonebookdetails').columns(['pd_te_id', 'pd_pi_id']).execute();

      await db.schema
        .createTable('ug_usergroups')
        .addColumn('ug_id', 'integer', id)
        .addColumn('ug_name', 'varchar(128)', (c) => c.notNull().unique())
        .addColumn('ug_description', 'varchar(255)', text)
        .execute();
      await db.schema
        .createTable('gt_usergrouptenants')
        .addColumn('gt_ug_id', 'integer', (c) => c.notNull().references('ug_usergroups.ug_id').onDelete('cascade'))
        .addColumn('gt_te_id', 'integer', tenant)
        .addPrimaryKeyConstraint('gt_pk', ['gt_ug_id', 'gt_te_id'])
        .execute();
      await db.schema
        .createTable('gu_usergroupusers')
        .addColumn('gu_ug_id', 'integer', (c) => c.notNull().references('ug_usergroups.ug_id').onDelete('cascade'))
        .addColumn('gu_us_id', 'integer', (c) => c.notNull().references('us_users.us_id').onDelete('cascade'))
        .addColumn('gu_inherit', 'varchar(8)', text)
        .addPrimaryKeyConstraint('gu_pk', ['gu_ug_id', 'gu_us_id'])
        .execute();

      await db.schema
        .createTable('vi_virtualitems')
        .addColumn('vi_id', 'integer', id)
        .addColumn('vi_te_id', 'integer', tenant)
        // The VIRTUAL extension and one real extension it rings; either going removes the link.
        .addColumn('vi_ex_id', 'integer', (c) => c.notNull().references('ex_extensions.ex_id').onDelete('cascade'))
        .addColumn('vi_member_ex_id', 'integer', (c) => c.notNull().references('ex_extensions.ex_id').onDelete('cascade'))
        .addUniqueConstraint('vi_virtual_member', ['vi_ex_id', 'vi_member_ex_id'])
        .execute();
    },
  };
}
