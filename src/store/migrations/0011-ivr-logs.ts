// IVR logs (spec §2.12 INFO ivrlogs, "actions taken in IVRs"): one row per choice a caller made in a voice menu
// (a key and where it led, a number dialled, a wrong key, no key, hanging up). Rows keep the menu's name as it was,
// so a log outlives the menu it describes; they go with their tenant.
import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import type { Dialect } from '../dialect.ts';

export function ivrLogs(dialect: Dialect) {
  const text = (c: ColumnDefinitionBuilder) => c.notNull().defaultTo('');
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const table =
        dialect === 'postgres'
          ? db.schema.createTable('il_ivrlogs').addColumn('il_id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
          : db.schema.createTable('il_ivrlogs').addColumn('il_id', 'integer', (c) => c.primaryKey().autoIncrement());
      await table
        .addColumn('il_te_id', 'integer', (c) => c.notNull().references('te_tenants.te_id').onDelete('cascade'))
        // 'YYYY-MM-DD HH:MM:SS' UTC, as CDRs: sorts like the instant on both engines.
        .addColumn('il_date', 'varchar(19)', (c) => c.notNull())
        // The call's linkedid, as in its CDRs, so a client joins a choice to its call.
        .addColumn('il_linkedid', 'varchar(96)', text)
        // No reference to iv_ivrs: deleting a menu keeps its history.
        .addColumn('il_iv_id', 'integer', (c) => c.notNull())
        .addColumn('il_ivrname', 'varchar(255)', text)
        .addColumn('il_callerid', 'varchar(64)', text)
        .addColumn('il_calleridname', 'varchar(255)', text)
        // The menu's round (1 = the first time it played).
        .addColumn('il_round', 'integer', (c) => c.notNull().defaultTo(1))
        // The keys pressed ('' when none): one key, or a number dialled in the menu.
        .addColumn('il_keys', 'varchar(32)', text)
        // KEY, EXTENSION, FEATURE, DISA, WRONG, TIMEOUT, HANGUP.
        .addColumn('il_choice', 'varchar(16)', (c) => c.notNull())
        // Where the call went: a slot (IVR_1, IVR_TIMEOUT...) or a target (EXT-21); '' when the menu played again or ended.
        .addColumn('il_destination', 'varchar(64)', text)
        .execute();
      await db.schema.createIndex('il_ivrlogs_tenant_date').on('il_ivrlogs').columns(['il_te_id', 'il_date']).execute();
    },
  };
}
