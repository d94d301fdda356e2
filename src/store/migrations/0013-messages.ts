// Stored SIP MESSAGEs (RFC 3428 instant messages between a tenant's extensions): one row per message kept for a
// phone that was offline, delivered when it registers again, dropped once delivered or expired. Bodies are
// bounded by the messaging module (pbx/messaging), and each tenant holds a bounded number of them.
import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import type { Dialect } from '../dialect.ts';

export function messages(dialect: Dialect) {
  const text = (c: ColumnDefinitionBuilder) => c.notNull().defaultTo('');
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const table =
        dialect === 'postgres'
          ? db.schema.createTable('ms_messages').addColumn('ms_id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
          : db.schema.createTable('ms_messages').addColumn('ms_id', 'integer', (c) => c.primaryKey().autoIncrement());
      await table
        .addColumn('ms_te_id', 'integer', (c) => c.notNull().references('te_tenants.te_id').onDelete('cascade'))
        // The sender's extension number and name as they were when it was sent (the From shown on delivery).
        .addColumn('ms_from_ext', 'varchar(32)', (c) => c.notNull())
        .addColumn('ms_from_name', 'varchar(255)', text)
        // The destination by number (for people) and by id (what a REGISTER's binding names). No reference to the
        // extension: what waits for a deleted one is never delivered and goes at its expiry.
        .addColumn('ms_to_ext', 'varchar(32)', (c) => c.notNull())
        .addColumn('ms_to_ex_id', 'integer', (c) => c.notNull())
        .addColumn('ms_content_type', 'varchar(128)', (c) => c.notNull())
        // The body's bytes in base64: one text column on both engines, whatever the content type carries.
        .addColumn('ms_body', 'text', text)
        // 'YYYY-MM-DD HH:MM:SS' UTC, as CDRs: sorts like the instant on both engines.
        .addColumn('ms_created', 'varchar(19)', (c) => c.notNull())
        .addColumn('ms_expires', 'varchar(19)', (c) => c.notNull())
        // When a phone took it (2xx); null while it waits.
        .addColumn('ms_delivered', 'varchar(19)')
        .execute();
      await db.schema.createIndex('ms_messages_destination').on('ms_messages').columns(['ms_te_id', 'ms_to_ex_id', 'ms_id']).execute();
      await db.schema.createIndex('ms_messages_expires').on('ms_messages').column('ms_expires').execute();
    },
  };
}
