// rg_registrations: one row per Contact bound to an extension (the registrar's BindingStore in SQL).
import type { RegistrationRepository, RegistrationRow } from '../store.ts';
import { CompiledQuery, sql } from 'kysely';
import { translateConstraint, type LooseDb } from '../row-table.ts';

const KEY = ['rg_te_id', 'rg_ex_id', 'rg_contact_uri'] as const;

const COLUMNS = [
  'rg_te_id', 'rg_ex_id', 'rg_aor', 'rg_username', 'rg_contact_uri', 'rg_contact', 'rg_expires', 'rg_call_id', 'rg_cseq', 'rg_q',
  'rg_protocol', 'rg_address', 'rg_port', 'rg_flow_id', 'rg_user_agent', 'rg_node', 'rg_registered', 'rg_last_rtt', 'rg_reachable',
] as const satisfies ReadonlyArray<keyof RegistrationRow>;
// A refresh keeps the row and its first registration time, replacing the rest.
const REFRESHED = COLUMNS.filter((c) => !(KEY as readonly string[]).includes(c) && c !== 'rg_registered');

// The registrar's one write, run thousands of times a second: written once as SQL text (valid on both
// engines) instead of being rebuilt by the query builder on every REGISTER. Values are bound parameters.
const INSERT = sql.raw(`insert into rg_registrations (${COLUMNS.join(', ')}) values `);
const ON_CONFLICT = sql.raw(` on conflict (${KEY.join(', ')}) do update set ${REFRESHED.map((c) => `${c} = excluded.${c}`).join(', ')}`);

async function upsert(db: LooseDb, row: RegistrationRow): Promise<void> {
  const { rg_te_id, rg_ex_id, rg_contact_uri, rg_registered } = row;
  try {
    await sql`${INSERT}(${sql.join(COLUMNS.map((c) => row[c]))})${ON_CONFLICT}`.execute(db);
  } catch (error) {
    throw translateConstraint(error, `Registration of ${rg_contact_uri} (tenant ${rg_te_id}, extension ${rg_ex_id}, since ${rg_registered})`);
  }
}

/** Rows per multi-row upsert: 19 parameters each stays far below SQLite's (32,766) and PostgreSQL's (65,535) limits. */
const CHUNK = 200;

/**
 * The SQL text of an upsert of `count` rows in this database's dialect, compiled once per count and then run with
 * fresh parameters: building and compiling thousands of parameter nodes per batch would cost more than running it.
 */
function multiUpsertText(db: LooseDb, texts: Map<number, string>, count: number): string {
  let text = texts.get(count);
  if (text === undefined) {
    const placeholders = Array.from({ length: count }, () => sql`(${sql.join(COLUMNS.map(() => null))})`);
    text = sql`${INSERT}${sql.join(placeholders)}${ON_CONFLICT}`.compile(db).sql;
    texts.set(count, text);
  }
  return text;
}

/**
 * One row per key, in order: PostgreSQL refuses an upsert that touches a row twice. A later row wins, keeping the
 * first's rg_registered (what two single upserts in a row would have left).
 */
function lastPerKey(rows: readonly RegistrationRow[]): RegistrationRow[] {
  const byKey = new Map<string, RegistrationRow>();
  for (const row of rows) {
    const key = `${row.rg_te_id}\0${row.rg_ex_id}\0${row.rg_contact_uri}`;
    const first = byKey.get(key);
    byKey.set(key, first === undefined ? row : { ...row, rg_registered: first.rg_registered });
  }
  return [...byKey.values()];
}

export function registrationRepository(db: LooseDb): RegistrationRepository {
  const rows = (query: Promise<unknown[]>) => query as Promise<RegistrationRow[]>;
  const texts = new Map<number, string>();
  return {
    list: (tenantId) => {
      let query = db.selectFrom('rg_registrations').selectAll();
      if (tenantId !== undefined) query = query.where('rg_te_id', '=', tenantId as never);
      return rows(query.orderBy('rg_id').execute());
    },
    // Read before every REGISTER's decision: fixed SQL text, like the upsert.
    listForAccount: async (tenantId, extensionId) =>
      (await sql<RegistrationRow>`select * from rg_registrations where rg_te_id = ${tenantId} and rg_ex_id = ${extensionId} order by rg_id`.execute(db)).rows,
    put: (row) => upsert(db, row),
    async putMany(rows) {
      if (rows.length === 1 && rows[0]) return upsert(db, rows[0]);
      const unique = lastPerKey(rows);
      const run = async (target: LooseDb) => {
        for (let at = 0; at < unique.length; at += CHUNK) {
          const chunk = unique.slice(at, at + CHUNK);
          const parameters = chunk.flatMap((row) => COLUMNS.map((c) => row[c]));
          try {
            await target.executeQuery(CompiledQuery.raw(multiUpsertText(db, texts, chunk.length), parameters));
          } catch (error) {
            throw translateConstraint(error, `${chunk.length} registrations (tenant ${chunk[0]?.rg_te_id}, ...)`);
          }
        }
      };
      // One statement is atomic by itself; several share one transaction: the commit is what a write costs.
      if (unique.length <= CHUNK) return run(db);
      await db.transaction().execute((trx) => run(trx as unknown as LooseDb));
    },
    async remove(tenantId, extensionId, contactUri) {
      return (await db
        .deleteFrom('rg_registrations')
        .where('rg_te_id', '=', tenantId as never)
        .where('rg_ex_id', '=', extensionId as never)
        .where('rg_contact_uri', '=', contactUri as never)
        .returningAll()
        .executeTakeFirst()) as RegistrationRow | undefined;
    },
    removeAll: (tenantId, extensionId) =>
      rows(db.deleteFrom('rg_registrations').where('rg_te_id', '=', tenantId as never).where('rg_ex_id', '=', extensionId as never).returningAll().execute()),
    removeExpired: (nowIso) => rows(db.deleteFrom('rg_registrations').where('rg_expires', '<=', nowIso as never).returningAll().execute()),
    async setReachability(tenantId, extensionId, contactUri, lastRtt, reachable) {
      return (await db
        .updateTable('rg_registrations')
        .set({ rg_last_rtt: lastRtt, rg_reachable: reachable ? 1 : 0 })
        .where('rg_te_id', '=', tenantId as never)
        .where('rg_ex_id', '=', extensionId as never)
        .where('rg_contact_uri', '=', contactUri as never)
        .returningAll()
        .executeTakeFirst()) as RegistrationRow | undefined;
    },
  };
}
