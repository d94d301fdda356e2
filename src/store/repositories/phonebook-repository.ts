// pb_phonebooks, pe_phonebookentries, pd_phonebookdetails and the fixed pi_phonebookitems:
// a tenant's phonebooks, their entries, and one detail row per (entry, item) that has a value.
import { sql } from 'kysely';
import type { Phonebook, PhonebookEntry } from '../../domain/index.ts';
import type { PhonebookRepository, StoredPhonebookEntry } from '../store.ts';
import { translateConstraint, type LooseDb } from '../row-table.ts';

// Rows per INSERT: well below SQLite's and PostgreSQL's bound-parameter limits.
const BATCH = 500;

interface DetailRow {
  pe_id: number;
  pe_te_id: number;
  pe_pb_id: number;
  pi_code: string | null;
  pd_pi_value: string | null;
}

/** Detail rows (ordered by entry) folded into entries. */
function entriesOf(rows: readonly DetailRow[]): StoredPhonebookEntry[] {
  const entries: StoredPhonebookEntry[] = [];
  for (const row of rows) {
    let entry = entries.at(-1);
    if (!entry || entry.pe_id !== Number(row.pe_id)) entries.push((entry = { pe_id: Number(row.pe_id), pe_te_id: Number(row.pe_te_id), pe_pb_id: Number(row.pe_pb_id), values: {} }));
    if (row.pi_code !== null && row.pd_pi_value !== null) entry.values[row.pi_code] = row.pd_pi_value;
  }
  return entries;
}

// The legacy API's entries carry no tenant: its answers are built from these three fields.
const plain = ({ pe_id, pe_pb_id, values }: StoredPhonebookEntry): PhonebookEntry => ({ pe_id, pe_pb_id, values });

interface EntryWhere {
  tenantId: number | null;
  phonebookId?: number;
  entryId?: number;
  match?: { piId: number | undefined; pattern: string };
}

export function phonebookRepository(db: LooseDb): PhonebookRepository {
  /** Entries with all their values; `match` narrows them by a subquery on the details. */
  async function entries(where: EntryWhere): Promise<StoredPhonebookEntry[]> {
    let q = db
      .selectFrom('pe_phonebookentries')
      .leftJoin('pd_phonebookdetails', 'pd_phonebookdetails.pd_pe_id', 'pe_phonebookentries.pe_id')
      .leftJoin('pi_phonebookitems', 'pi_phonebookitems.pi_id', 'pd_phonebookdetails.pd_pi_id')
      .select([
        'pe_phonebookentries.pe_id as pe_id', 'pe_phonebookentries.pe_te_id as pe_te_id', 'pe_phonebookentries.pe_pb_id as pe_pb_id',
        'pi_phonebookitems.pi_code as pi_code', 'pd_phonebookdetails.pd_pi_value as pd_pi_value',
      ]);
    if (where.tenantId !== null) q = q.where('pe_phonebookentries.pe_te_id', '=', where.tenantId as never);
    if (where.phonebookId !== undefined) q = q.where('pe_phonebookentries.pe_pb_id', '=', where.phonebookId as never);
    if (where.entryId !== undefined) q = q.where('pe_phonebookentries.pe_id', '=', where.entryId as never);
    const match = where.match;
    if (match) {
      // The same lower() on both sides, so both engines fold case alike; `\` escapes `_` and itself.
      let hits = db
        .selectFrom('pd_phonebookdetails')
        .select('pd_pe_id')
        .where(sql<boolean>`lower(pd_pi_value) like lower(${match.pattern}) escape '\\'`);
      if (where.tenantId !== null) hits = hits.where('pd_te_id', '=', where.tenantId as never);
      if (match.piId !== undefined) hits = hits.where('pd_pi_id', '=', match.piId as never);
      q = q.where('pe_phonebookentries.pe_id', 'in', hits as never);
    }
    const rows = await q.orderBy('pe_phonebookentries.pe_id').orderBy('pd_phonebookdetails.pd_pi_id').execute();
    return entriesOf(rows as unknown as DetailRow[]);
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
        .$if(tenantId !== null, (q) => q.where('pb_te_id', '=', tenantId as never))
        .orderBy('pb_te_id')
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

    async create(tenantId, name, fields = {}) {
      try {
        return (await db.insertInto('pb_phonebooks').values({ ...fields, pb_te_id: tenantId, pb_name: name }).returningAll().executeTakeFirstOrThrow()) as unknown as Phonebook;
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

    entries: async (tenantId, pbId) => (await entries({ tenantId, phonebookId: pbId })).map(plain),
    query: async (tenantId, pbId, piId, pattern) => (await entries({ tenantId, phonebookId: pbId, match: { piId, pattern } })).map(plain),
    listEntries: (where) => entries(where),

    async updateBook(tenantId, pbId, fields) {
      const scoped = (q: ReturnType<typeof db.selectFrom>) => q.selectAll().where('pb_te_id', '=', tenantId as never).where('pb_id', '=', pbId as never);
      if (Object.keys(fields).length === 0) return (await scoped(db.selectFrom('pb_phonebooks')).executeTakeFirst()) as Phonebook | undefined;
      try {
        const row = await db.updateTable('pb_phonebooks').set(fields).where('pb_te_id', '=', tenantId as never).where('pb_id', '=', pbId as never).returningAll().executeTakeFirst();
        return row as Phonebook | undefined;
      } catch (error) {
        throw translateConstraint(error, `Phonebook ${fields.pb_name ?? pbId}`);
      }
    },

    async deleteBook(tenantId, pbId) {
      // The foreign keys cascade: its entries and their details go with it.
      const result = await db.deleteFrom('pb_phonebooks').where('pb_te_id', '=', tenantId as never).where('pb_id', '=', pbId as never).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async setEntryValues(tenantId, peId, values) {
      await db.transaction().execute(async (trx) => {
        for (const [piId, value] of values) {
          await trx.deleteFrom('pd_phonebookdetails').where('pd_te_id', '=', tenantId as never).where('pd_pe_id', '=', peId as never).where('pd_pi_id', '=', piId as never).execute();
          if (value !== null) await trx.insertInto('pd_phonebookdetails').values({ pd_te_id: tenantId, pd_pe_id: peId, pd_pi_id: piId, pd_pi_value: value }).execute();
        }
      });
    },

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
