// lc_livecalls: the live-call journal (migration 0015). Written by pbx/calls/live-call-journal.ts while calls run,
// read once at start by pbx/recovery. Keyed by linkedid; a node only ever reads and beats its own rows.
import type { LiveCallRepository, LiveCallRow } from '../store.ts';
import type { LooseDb } from '../row-table.ts';

/** bigint and integer columns come back as strings on PostgreSQL. */
function liveCall(row: Record<string, unknown>): LiveCallRow {
  return { ...(row as unknown as LiveCallRow), lc_te_id: Number(row.lc_te_id), lc_heartbeat: Number(row.lc_heartbeat) };
}

export function liveCallRepository(db: LooseDb): LiveCallRepository {
  return {
    async put(row) {
      const { lc_linkedid: _key, ...changes } = row;
      await db
        .insertInto('lc_livecalls')
        .values({ ...row })
        .onConflict((oc) => oc.column('lc_linkedid').doUpdateSet({ ...changes }))
        .execute();
    },

    async beat(node, at) {
      const result = await db.updateTable('lc_livecalls').set({ lc_heartbeat: at as never }).where('lc_node', '=', node as never).executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async remove(linkedId) {
      const result = await db.deleteFrom('lc_livecalls').where('lc_linkedid', '=', linkedId as never).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async ofNode(node) {
      return (await db.selectFrom('lc_livecalls').selectAll().where('lc_node', '=', node as never).orderBy('lc_linkedid').execute()).map(liveCall);
    },
  };
}
