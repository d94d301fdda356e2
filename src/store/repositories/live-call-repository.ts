// lc_livecalls: the live-call journal (migration 0015). Written by pbx/calls/live-call-journal.ts while calls run,
// read once at start by pbx/recovery. Keyed by linkedid; a node only ever reads and beats its own rows.
import { CompiledQuery, sql } from 'kysely';
import type { LiveCallRepository, LiveCallRow } from '../store.ts';
import type { LooseDb } from '../row-table.ts';

const COLUMNS = ['lc_linkedid', 'lc_node', 'lc_te_id', 'lc_cdr', 'lc_legs', 'lc_heartbeat'] as const satisfies ReadonlyArray<keyof LiveCallRow>;
/** Rows per statement: 6 parameters each, far below SQLite's (32,766) and PostgreSQL's (65,535) limits. */
const CHUNK = 500;
const UPSERT_HEAD = sql.raw(`insert into lc_livecalls (${COLUMNS.join(', ')}) values `);
const UPSERT_TAIL = sql.raw(` on conflict (lc_linkedid) do update set ${COLUMNS.slice(1).map((c) => `${c} = excluded.${c}`).join(', ')}`);

/** bigint and integer columns come back as strings on PostgreSQL. */
function liveCall(row: Record<string, unknown>): LiveCallRow {
  return { ...(row as unknown as LiveCallRow), lc_te_id: Number(row.lc_te_id), lc_heartbeat: Number(row.lc_heartbeat) };
}

/** The SQL of a `count`-row upsert in this database's dialect, compiled once per count (registration-repository.ts says why). */
function upsertText(db: LooseDb, texts: Map<number, string>, count: number): string {
  let text = texts.get(count);
  if (text === undefined) {
    const rows = Array.from({ length: count }, () => sql`(${sql.join(COLUMNS.map(() => null))})`);
    text = sql`${UPSERT_HEAD}${sql.join(rows)}${UPSERT_TAIL}`.compile(db).sql;
    texts.set(count, text);
  }
  return text;
}

export function liveCallRepository(db: LooseDb): LiveCallRepository {
  const texts = new Map<number, string>();
  return {
    async put(row) {
      const { lc_linkedid: _key, ...changes } = row;
      await db
        .insertInto('lc_livecalls')
        .values({ ...row })
        .onConflict((oc) => oc.column('lc_linkedid').doUpdateSet({ ...changes }))
        .execute();
    },

    async apply({ put, remove }) {
      if (put.length === 0 && remove.length === 0) return;
      // One row per call: PostgreSQL refuses an upsert that touches a row twice (the later state wins).
      const rows = [...new Map(put.map((row) => [row.lc_linkedid, row])).values()];
      await db.transaction().execute(async (trx) => {
        for (let at = 0; at < rows.length; at += CHUNK) {
          const chunk = rows.slice(at, at + CHUNK);
          await trx.executeQuery(CompiledQuery.raw(upsertText(db, texts, chunk.length), chunk.flatMap((row) => COLUMNS.map((c) => row[c]))));
        }
        for (let at = 0; at < remove.length; at += CHUNK) {
          await trx.deleteFrom('lc_livecalls').where('lc_linkedid', 'in', remove.slice(at, at + CHUNK) as never).execute();
        }
      });
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
