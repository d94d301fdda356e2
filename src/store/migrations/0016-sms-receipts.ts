// Delivery receipts of SMS sent through a provider (issue 16, SMPP): one row per part an SMS was sent in, naming the
// provider's message id for it, so a receipt (which names only the provider and that id) finds its SMS by index, and
// the SMS is marked delivered / undelivered once every part has its final receipt.
import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import type { Dialect } from '../dialect.ts';

export function smsReceipts(dialect: Dialect) {
  const text = (c: ColumnDefinitionBuilder) => c.notNull().defaultTo('');
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const table =
        dialect === 'postgres'
          ? db.schema.createTable('sp_sms_parts').addColumn('sp_id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
          : db.schema.createTable('sp_sms_parts').addColumn('sp_id', 'integer', (c) => c.primaryKey().autoIncrement());
      await table
        // Parts go with their SMS (and so with its tenant).
        .addColumn('sp_sm_id', 'integer', (c) => c.notNull().references('sm_sms.sm_id').onDelete('cascade'))
        .addColumn('sp_te_id', 'integer', (c) => c.notNull())
        // No reference to pr_providers, as sm_pr_id: deleting a provider keeps its history.
        .addColumn('sp_pr_id', 'integer', (c) => c.notNull())
        // 1-based part number.
        .addColumn('sp_part', 'integer', (c) => c.notNull())
        // The provider's id as normalized by the PBX (lower case, leading zeros of a hex-looking id dropped).
        .addColumn('sp_message_id', 'varchar(72)', (c) => c.notNull())
        // '' until a receipt; then delivered, undelivered or pending (an intermediate receipt).
        .addColumn('sp_status', 'varchar(16)', text)
        // The receipt's stat and err words, as the provider wrote them.
        .addColumn('sp_stat', 'varchar(16)', text)
        .addColumn('sp_error', 'varchar(64)', text)
        .addColumn('sp_updated', 'varchar(19)', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('sp_sms_parts_provider_message').on('sp_sms_parts').columns(['sp_pr_id', 'sp_message_id']).execute();
      await db.schema.createIndex('sp_sms_parts_sms').on('sp_sms_parts').column('sp_sm_id').execute();
    },
  };
}
