// The SMS log (spec §2.12 INFO sms, §2.25 SMS): one row per SMS sent or received through a provider, or sent to one
// of the tenant's own phones as SIP MESSAGE. Its status follows the message (queued -> sent -> delivered / failed);
// rows keep numbers and text as they were, so the log outlives providers and extensions; they go with their tenant.
import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import type { Dialect } from '../dialect.ts';

export function sms(dialect: Dialect) {
  const text = (c: ColumnDefinitionBuilder) => c.notNull().defaultTo('');
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const table =
        dialect === 'postgres'
          ? db.schema.createTable('sm_sms').addColumn('sm_id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
          : db.schema.createTable('sm_sms').addColumn('sm_id', 'integer', (c) => c.primaryKey().autoIncrement());
      await table
        .addColumn('sm_te_id', 'integer', (c) => c.notNull().references('te_tenants.te_id').onDelete('cascade'))
        // 'out' (sent by the tenant) or 'in' (received on one of its DIDs).
        .addColumn('sm_direction', 'varchar(3)', (c) => c.notNull())
        .addColumn('sm_from', 'varchar(64)', text)
        .addColumn('sm_to', 'varchar(64)', text)
        // The whole text as UTF-8; the SMS use case bounds its length.
        .addColumn('sm_text', 'text', text)
        // queued, sent, delivered, failed, received.
        .addColumn('sm_status', 'varchar(16)', (c) => c.notNull())
        // No reference to pr_providers: deleting a provider keeps its history. Null = not through a provider (a
        // tenant's own phone by SIP MESSAGE).
        .addColumn('sm_pr_id', 'integer')
        // The provider's ids for the message (one per part), comma separated: delivery receipts name them.
        .addColumn('sm_provider_ids', 'varchar(1024)', text)
        .addColumn('sm_parts', 'integer', (c) => c.notNull().defaultTo(1))
        // Why it failed, as the provider or the PBX said it ('' otherwise).
        .addColumn('sm_error', 'varchar(1024)', text)
        // 'YYYY-MM-DD HH:MM:SS' UTC, as CDRs: sorts like the instant on both engines.
        .addColumn('sm_created', 'varchar(19)', (c) => c.notNull())
        .addColumn('sm_updated', 'varchar(19)', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('sm_sms_tenant_created').on('sm_sms').columns(['sm_te_id', 'sm_created']).execute();
    },
  };
}
