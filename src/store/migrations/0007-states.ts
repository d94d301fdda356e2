// Hint states (MiRTA's state table, spec §2.4, §4.4): the BLF state of each monitored hint of a tenant,
// kept in the store so every cluster node shows the same lamp and a restart keeps it.
import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect.ts';

export function states(dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const table =
        dialect === 'postgres'
          ? db.schema.createTable('st_states').addColumn('st_id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
          : db.schema.createTable('st_states').addColumn('st_id', 'integer', (c) => c.primaryKey().autoIncrement());
      await table
        .addColumn('st_te_id', 'integer', (c) => c.notNull().references('te_tenants.te_id').onDelete('cascade'))
        // The hint name: `<number>-<TENANTCODE>` (or `FLOW-<fl_id>` for a flow without a number).
        .addColumn('st_extension', 'varchar(96)', (c) => c.notNull())
        .addColumn('st_state', 'varchar(32)', (c) => c.notNull())
        // 'YYYY-MM-DD HH:MM:SS' UTC, as MiRTA prints it; sorts like the instant on both engines.
        .addColumn('st_timestamp', 'varchar(19)', (c) => c.notNull())
        .addColumn('st_peername', 'varchar(255)', (c) => c.notNull().defaultTo(''))
        .addUniqueConstraint('st_states_hint_unique', ['st_te_id', 'st_extension'])
        .execute();
    },
  };
}
