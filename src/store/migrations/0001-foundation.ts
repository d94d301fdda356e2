// Tenants, API keys, web users, settings, the balance ledger and auth tokens.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Dialect } from '../dialect.ts';

export function foundation(dialect: Dialect) {
  // SQLite's INTEGER PRIMARY KEY is the rowid; PostgreSQL needs an identity column.
  const id = (db: Kysely<unknown>, table: string, column: string) =>
    dialect === 'postgres'
      ? db.schema.createTable(table).addColumn(column, 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
      : db.schema.createTable(table).addColumn(column, 'integer', (c) => c.primaryKey().autoIncrement());
  const text = (c: import('kysely').ColumnDefinitionBuilder) => c.notNull().defaultTo('');

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await id(db, 'te_tenants', 'te_id')
        .addColumn('te_code', 'varchar(32)', (c) => c.notNull().unique())
        .addColumn('te_name', 'varchar(255)', (c) => c.notNull())
        .addColumn('te_disabled', 'varchar(8)', text)
        .addColumn('te_billingcode', 'varchar(255)', text)
        .addColumn('te_timezone', 'varchar(64)', text)
        .addColumn('te_rp_id', 'integer')
        .addColumn('te_campaign_rp_id', 'integer')
        .addColumn('te_fax_rp_id', 'integer')
        .addColumn('te_payment_type', 'varchar(32)', text)
        .addColumn('te_recordinghost', 'varchar(255)', text)
        .addColumn('te_recordinguser', 'varchar(255)', text)
        .addColumn('te_recordingpassword', 'varchar(255)', text)
        .addColumn('pk_start', 'integer')
        .addColumn('pk_end', 'integer')
        .addColumn('te_maxchannels', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('te_maxextensions', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('te_maxdids', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('te_maxqueues', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('te_maxconferences', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('te_maxivrs', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('te_maxvoicemails', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('te_created', 'varchar(19)', (c) => c.notNull())
        .execute();

      await id(db, 'ak_apikeys', 'ak_id')
        .addColumn('ak_te_id', 'integer', (c) => c.references('te_tenants.te_id').onDelete('cascade'))
        .addColumn('ak_scope', 'varchar(8)', (c) => c.notNull().check(sql`ak_scope in ('admin', 'full', 'readonly')`))
        .addColumn('ak_hash', 'char(64)', (c) => c.notNull().unique())
        .addColumn('ak_hint', 'varchar(8)', (c) => c.notNull())
        .addColumn('ak_created', 'varchar(19)', (c) => c.notNull())
        // An admin key belongs to no tenant; a tenant key always to one.
        .addCheckConstraint('ak_tenant_matches_scope', sql`(ak_scope = 'admin') = (ak_te_id is null)`)
        .execute();

      await id(db, 'us_users', 'us_id')
        .addColumn('us_username', 'varchar(128)', (c) => c.notNull().unique())
        .addColumn('us_description', 'varchar(255)', text)
        .addColumn('us_email', 'varchar(255)', text)
        .addColumn('us_up_id', 'integer')
        .addColumn('us_password', 'varchar(255)', text)
        .addColumn('us_useldap', 'varchar(8)', text)
        .addColumn('us_ipfilter', 'varchar(1024)', text)
        .addColumn('us_2fatype', 'varchar(32)', text)
        .addColumn('us_neverexpire', 'varchar(8)', text)
        .addColumn('us_dynamicip', 'varchar(8)', text)
        .addColumn('us_created', 'varchar(19)', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('ut_usertenants')
        .addColumn('ut_us_id', 'integer', (c) => c.notNull().references('us_users.us_id').onDelete('cascade'))
        .addColumn('ut_te_id', 'integer', (c) => c.notNull().references('te_tenants.te_id').onDelete('cascade'))
        .addPrimaryKeyConstraint('ut_pk', ['ut_us_id', 'ut_te_id'])
        .execute();

      await id(db, 'se_settings', 'se_id')
        .addColumn('se_te_id', 'integer', (c) => c.notNull().references('te_tenants.te_id').onDelete('cascade'))
        .addColumn('se_code', 'varchar(64)', (c) => c.notNull())
        .addColumn('se_value', 'text', (c) => c.notNull())
        .addUniqueConstraint('se_tenant_code', ['se_te_id', 'se_code'])
        .execute();

      await id(db, 'ba_balances', 'ba_id')
        .addColumn('ba_te_id', 'integer', (c) => c.notNull().references('te_tenants.te_id').onDelete('cascade'))
        .addColumn('ba_amount', 'bigint', (c) => c.notNull())
        .addColumn('ba_description', 'varchar(255)', text)
        .addColumn('ba_date', 'varchar(19)', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('ba_tenant_date').on('ba_balances').columns(['ba_te_id', 'ba_date']).execute();

      await db.schema
        .createTable('at_authtokens')
        .addColumn('at_us_id', 'integer', (c) => c.primaryKey().references('us_users.us_id').onDelete('cascade'))
        .addColumn('at_hash', 'char(64)', (c) => c.notNull())
        .addColumn('at_once', 'integer', (c) => c.notNull())
        .addColumn('at_validuntil', 'varchar(19)')
        .addColumn('at_created', 'varchar(19)', (c) => c.notNull())
        .execute();
    },
  };
}
