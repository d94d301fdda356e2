// pb_phonebooks, pe_phonebookentries, pd_phonebookdetails and the fixed pi_phonebookitems:
// a tenant's phonebooks, their entries, and one detail row per (entry, item) that has a value.
import { sql } from 'kysely';
import type { Phonebook, PhonebookEntry } from '../../domain/index.ts';
import type { PhonebookRepository } from '../store.ts';
import { translateConstraint, type LooseDb } from '../row-table.ts';

// Rows per INSERT: well below SQLite's and PostgreSQL's bound-parameter limits.
const BATCH = 500;

interface DetailRow {
  pe_id: number;
  pi_code: string | null;
  pd_pi_value: string | null;
}

/** Detail rows (ordered by entry) folded into entries. */
function entriesOf(pbId: number, rows: readonly DetailRow[]): PhonebookEntry[] {
  const entries: PhonebookEntry[] = [];
  for (const row of rows) {
    let entry = entries.at(-1);
    if (!entry || entry.pe_id !== Number(row.pe_id)) entries.push((entry = { pe_id: Number(row.pe_id), pe_pb_id: pbId, values: {} }));
    if (row.pi_code !== null && row.pd_pi_value !== null) entry.values[row.pi_code] = row.pd_pi_value;
  }
  return entries;
}

export function phonebookRepository(db: LooseDb): PhonebookRepository {
  /** Entries of one phonebook with all their values; `entryIds` narrows them by a subquery. */
  async function entries(tenantId: number, pbId: number, match?: { piId: number | undefined; pattern: string }): Promise<PhonebookEntry[]> {
    let q = db
      .selectFrom('pe_phonebookentries')
      .leftJoin('pd_phonebookdetails', 'pd_phonebookdetails.pd_pe_id', 'pe_phonebookentries.pe_id')
      .leftJoin('pi_phonebookitems', 'pi_phonebookitems.pi_id', 'pd_phonebookdetails.pd_pi_id')
      .select(['pe_phonebookentries.pe_id as pe_id', 'pi_phonebookitems.pi_code as pi_code', 'pd_phonebookdetails.pd_pi_value as pd_pi_value'])
      .where('pe_phonebookentries.pe_te_id', '=', tenantId as never)
      .where('pe_phonebookentries.pe_pb_id', '=', pbId as never);
    if (match) {
      // The same lower() on both sides, so both engines fold case alike; `\` escapes `_` and itself.
      let hits = db
        .selectFrom('pd_phonebookdetails')
        .select('pd_pe_id')
        .where('pd_te_id', '=', tenantId as never)
        .where(sql<boolean>`lower(pd_pi_value) like lower(${match.pattern}) escape '\\'`);
      if (match.piId !== undefined) hits = hits.where('pd_pi_id', '=', match.piId as never);
      q = q.where('pe_phonebookentries.pe_id', 'in', hits as never);
    }
    const rows = await q.orderBy('pe_phonebookentries.pe_id').orderBy('pd_phonebookdetails.pd_pi_id').execute();
    return entriesOf(pbId, rows as unknown as DetailRow[]);
  }

  return {
    async items() {
      const rows = await db.selectFrom('pi_phonebookitems').select(['pi_id', 'pi_code', 'pi_name']).orderBy('pi_id').execute();
      return rows.map((r) => ({ pi_id: Number(r.pi_id), pi_code: String(r.pi_code), pi_name: String(r.pi_name) }));
    },

    async list(tenantId) {
      const rows = await db
        .selectFrom('pb_phonebooks')
        .selectAll('pb_phonebooks')
        .select((eb) => eb.selectFrom('pe_phonebookentries').select((e) => e.fn.countAll().as('n')).whereRef('pe_pb_id', '=', 'pb_phonebooks.pb_id').as('entries'))
        .where('pb_te_id', '=', tenantId as never)
        .orderBy('pb_name')
        .execute();
      return rows.map(({ entries: count, ...book }) => ({ ...(book as unknown as Phonebook), entries: Number(count) }));
    },

    async find(tenantId, name) {
      // Names are matched case-insensitively: `phonebook=default` finds `Default`.
      const row = await db
        .selectFrom('pb_phonebooks')
        .selectAll()
        .where('pb_te_id', '=', tenantId as never)
        .where(sql<boolean>`lower(pb_name) = lower(${name})`)
        .orderBy('pb_id')
        .executeTakeFirst();
      return row as Phonebook | undefined;
    },

    async create(tenantId, name) {
      try {
        return (await db.insertInto('pb_phonebooks').values({ pb_te_id: tenantId, pb_name: name }).returningAll().executeTakeFirstOrThrow()) as unknown as Phonebook;
      } catch (error) {
        throw translateConstraint(error, `Phonebook ${name}`);
      }
    },

    async addEntries(tenantId, pbId, entryValues) {
      return db.transaction().execute(async (trx) => {
        const ids: number[] = [];
        for (let start = 0; start < entryValues.length; start += BATCH) {
          const chunk = entryValues.slice(start, start + BATCH);
          const inserted = await trx
            .insertInto('pe_phonebookentries')
            .values(chunk.map(() => ({ pe_te_id: tenantId, pe_pb_id: pbId })))
            .returning('pe_id')
            .execute();
          // One multi-row INSERT takes ascending ids in row order on both engines.
          const chunkIds = inserted.map((r) => Number(r.pe_id)).sort((a, b) => a - b);
          const details = chunk.flatMap((values, i) => values.map(([piId, value]) => ({ pd_te_id: tenantId, pd_pe_id: chunkIds[i], pd_pi_id: piId, pd_pi_value: value })));
          for (let d = 0; d < details.length; d += BATCH) await trx.insertInto('pd_phonebookdetails').values(details.slice(d, d + BATCH)).execute();
          ids.push(...chunkIds);
        }
        return ids;
      });
    },

    entries: (tenantId, pbId) => entries(tenantId, pbId),
    query: (tenantId, pbId, piId, pattern) => entries(tenantId, pbId, { piId, pattern }),

    async deleteEntry(tenantId, pbId, peId) {
      const result = await db.deleteFrom('pe_phonebookentries').where('pe_te_id', '=', tenantId as never).where('pe_pb_id', '=', pbId as never).where('pe_id', '=', peId as never).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async clear(tenantId, pbId) {
      const result = await db.deleteFrom('pe_phonebookentries').where('pe_te_id', '=', tenantId as never).where('pe_pb_id', '=', pbId as never).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
