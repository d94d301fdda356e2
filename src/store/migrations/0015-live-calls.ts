// The live-call journal (issue 15): one row per call a node has in progress, so a node killed without warning
// (SIGKILL, power loss) can, when it starts again, write the CDR rows of the calls it lost and send BYE to their
// parties. Rows are written at call setup, rewritten at answer, deleted once the call's CDR is stored; a heartbeat
// column says until when the node knew the call alive.
import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import type { Dialect } from '../dialect.ts';

export function liveCalls(_dialect: Dialect) {
  const json = (c: ColumnDefinitionBuilder) => c.notNull().defaultTo('');
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('lc_livecalls')
        // The call's linkedid: unique across nodes (CallIds puts the node name in it).
        .addColumn('lc_linkedid', 'varchar(96)', (c) => c.primaryKey())
        // The node that holds the call: only that node recovers it (another node's calls may still be up).
        .addColumn('lc_node', 'varchar(64)', (c) => c.notNull())
        // No reference to te_tenants: a tenant deleted mid-call must not take the unbilled call's trace with it
        // before the CDR writer has seen it (the CDR insert then fails and is logged, as for a live call).
        .addColumn('lc_te_id', 'integer', (c) => c.notNull())
        // JSON of the CDR record as it stood at the last write (pbx/recovery/live-call-snapshot.ts).
        .addColumn('lc_cdr', 'text', json)
        // JSON list of the call's confirmed dialogs: what an in-dialog BYE needs after a restart.
        .addColumn('lc_legs', 'text', json)
        // Epoch milliseconds of the last time the node knew this call alive.
        .addColumn('lc_heartbeat', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('lc_livecalls_node').on('lc_livecalls').column('lc_node').execute();
    },
  };
}
