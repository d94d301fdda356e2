// SIP registrations (RFC 3261 §10.3 bindings) kept in the store so they survive a restart and every
// cluster node sees them; and a tenant's own SIP domain (`100@pbx.acme.example`).
import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect.ts';

export function registrations(dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('te_tenants').addColumn('te_sipdomain', 'varchar(255)', (c) => c.notNull().defaultTo('')).execute();
      const table =
        dialect === 'postgres'
          ? db.schema.createTable('rg_registrations').addColumn('rg_id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
          : db.schema.createTable('rg_registrations').addColumn('rg_id', 'integer', (c) => c.primaryKey().autoIncrement());
      await table
        .addColumn('rg_te_id', 'integer', (c) => c.notNull().references('te_tenants.te_id').onDelete('cascade'))
        // Deleting an extension drops its phones' bindings with it.
        .addColumn('rg_ex_id', 'integer', (c) => c.notNull().references('ex_extensions.ex_id').onDelete('cascade'))
        .addColumn('rg_aor', 'varchar(1024)', (c) => c.notNull())
        .addColumn('rg_username', 'varchar(96)', (c) => c.notNull())
        .addColumn('rg_contact_uri', 'varchar(1024)', (c) => c.notNull())
        .addColumn('rg_contact', 'varchar(2048)', (c) => c.notNull())
        // ISO-8601 UTC text: sorts like the instant it names on both engines.
        .addColumn('rg_expires', 'varchar(24)', (c) => c.notNull())
        .addColumn('rg_call_id', 'varchar(255)', (c) => c.notNull())
        .addColumn('rg_cseq', 'integer', (c) => c.notNull())
        .addColumn('rg_q', 'varchar(8)')
        .addColumn('rg_protocol', 'varchar(4)', (c) => c.notNull())
        .addColumn('rg_address', 'varchar(64)', (c) => c.notNull())
        .addColumn('rg_port', 'integer', (c) => c.notNull())
        .addColumn('rg_flow_id', 'varchar(128)')
        .addColumn('rg_user_agent', 'varchar(255)')
        .addColumn('rg_node', 'varchar(64)', (c) => c.notNull())
        .addColumn('rg_registered', 'varchar(24)', (c) => c.notNull())
        .addColumn('rg_last_rtt', 'integer')
        .addColumn('rg_reachable', 'integer', (c) => c.notNull().defaultTo(1))
        .addUniqueConstraint('rg_binding_unique', ['rg_te_id', 'rg_ex_id', 'rg_contact_uri'])
        .execute();
      await db.schema.createIndex('rg_registrations_expires').on('rg_registrations').column('rg_expires').execute();
    },
  };
}
