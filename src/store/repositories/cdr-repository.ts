// cd_cdrs and sc_simplecdrs: written as calls end, read by INFO cdrs/simplecdrs and CDR get/update.
// Every query names its tenants unless the caller asked for all of them (admin `tenant=%`).
import { sql, type ExpressionBuilder } from 'kysely';
import type { CdrQuery, CdrRecord, SimpleCdrQuery, SimpleCdrRecord } from '../../domain/index.ts';
import { INBOUND_MARK, OUTBOUND_MARK } from '../../domain/index.ts';
import type { CdrRepository } from '../store.ts';
import { translateConstraint, type LooseDb } from '../row-table.ts';

type Eb = ExpressionBuilder<Record<string, Record<string, unknown>>, string>;

// The userfield markers as LIKE patterns; `[` and `]` are literal in both engines' LIKE.
const INBOUND = `%${INBOUND_MARK}%`;
const OUTBOUND = `%${OUTBOUND_MARK}%`;

function directionCondition(eb: Eb, direction: string) {
  if (direction === 'IN') return eb('userfield', 'like', INBOUND);
  if (direction === 'OUT') return eb.and([eb('userfield', 'not like', INBOUND), eb('userfield', 'like', OUTBOUND)]);
  return eb.and([eb('userfield', 'not like', INBOUND), eb('userfield', 'not like', OUTBOUND)]);
}

/** `column in (list)` for each given list; an empty list matches nothing. */
function anyOf(eb: Eb, columns: readonly string[], values: readonly (string | number)[]) {
  return eb.or(columns.map((column) => eb(column, 'in', values as never)));
}

/** Rows per multi-row insert: a CDR has about 30 columns, far below SQLite's 32,766 parameters. */
const BATCH_CHUNK = 200;

/**
 * The rows in groups of the same columns, in order, at most BATCH_CHUNK each: a multi-row VALUES lists one column
 * set, and a row without a column must keep that column's default (neither engine takes DEFAULT the same way).
 */
function sameColumns<T extends object>(rows: readonly T[]): T[][] {
  const groups: T[][] = [];
  let columns = '';
  for (const row of rows) {
    const these = Object.keys(row).filter((k) => (row as Record<string, unknown>)[k] !== undefined).join(',');
    const last = groups.at(-1);
    if (last !== undefined && these === columns && last.length < BATCH_CHUNK) last.push(row);
    else groups.push([row]);
    columns = these;
  }
  return groups;
}

export function cdrRepository(db: LooseDb): CdrRepository {
  return {
    async insert(tenantId, cdr) {
      try {
        const row = await db.insertInto('cd_cdrs').values({ ...cdr, te_id: tenantId }).returningAll().executeTakeFirstOrThrow();
        return row as unknown as CdrRecord;
      } catch (error) {
        throw translateConstraint(error, `CDR ${cdr.uniqueid}`);
      }
    },

    async insertSimple(tenantId, row) {
      try {
        // One statement per call's simple CDR: the row as inserted, with its tenant's code as listSimple gives it
        // (a subquery in RETURNING, which SQLite and PostgreSQL both take), not an insert and a read-back.
        const inserted = await db
          .insertInto('sc_simplecdrs')
          .values({ ...row, sc_te_id: tenantId })
          .returningAll()
          .returning((eb) => eb.selectFrom('te_tenants').select('te_code').where('te_id', '=', tenantId as never).as('tenantcode'))
          .executeTakeFirstOrThrow();
        return inserted as unknown as SimpleCdrRecord;
      } catch (error) {
        throw translateConstraint(error, `Simple CDR ${row.sc_uniqueid}`);
      }
    },

    async insertBatch(rows) {
      if (rows.length === 0) return;
      const cdrs = rows.flatMap((r) => (r.kind === 'cdr' ? [{ ...r.row, te_id: r.tenantId }] : []));
      const simples = rows.flatMap((r) => (r.kind === 'simple' ? [{ ...r.row, sc_te_id: r.tenantId }] : []));
      try {
        await db.transaction().execute(async (trx) => {
          for (const group of sameColumns(cdrs)) await trx.insertInto('cd_cdrs').values(group).execute();
          for (const group of sameColumns(simples)) await trx.insertInto('sc_simplecdrs').values(group).execute();
        });
      } catch (error) {
        throw translateConstraint(error, `${rows.length} CDR rows`);
      }
    },

    async list(query: CdrQuery) {
      let q = db.selectFrom('cd_cdrs').selectAll();
      if (query.tenantIds) q = q.where('te_id', 'in', (query.tenantIds.length ? query.tenantIds : [-1]) as never);
      if (query.from !== undefined) q = q.where('start', '>=', query.from as never);
      if (query.to !== undefined) q = q.where('start', '<=', query.to as never);
      const lists: Array<[readonly string[], readonly (string | number)[] | undefined]> = [
        [['ID'], query.ids],
        [['uniqueid'], query.uniqueids],
        [['linkedid'], query.linkedids],
        [['src'], query.srcs],
        [['firstdst'], query.firstdsts],
        [['disposition'], query.dispositions],
        [['src', 'dst', 'realsrc', 'firstdst', 'lastdst', 'wherelanded'], query.phones],
      ];
      for (const [columns, values] of lists) if (values) q = q.where((eb) => anyOf(eb, columns, values));
      const directions = query.directions;
      if (directions) q = q.where((eb) => eb.or(directions.map((d) => directionCondition(eb, d))));
      return (await q.orderBy('start').orderBy('ID').execute()) as unknown as CdrRecord[];
    },

    async listSimple(query: SimpleCdrQuery) {
      let q = db
        .selectFrom('sc_simplecdrs')
        .innerJoin('te_tenants', 'te_tenants.te_id', 'sc_simplecdrs.sc_te_id')
        .selectAll('sc_simplecdrs')
        .select('te_tenants.te_code as tenantcode');
      if (query.tenantIds) q = q.where('sc_te_id', 'in', (query.tenantIds.length ? query.tenantIds : [-1]) as never);
      if (query.from !== undefined) q = q.where('sc_start', '>=', query.from as never);
      if (query.to !== undefined) q = q.where('sc_start', '<=', query.to as never);
      const lists: Array<[readonly string[], readonly (string | number)[] | undefined]> = [
        [['sc_id'], query.ids],
        [['sc_uniqueid'], query.uniqueids],
        [['sc_calleridnum'], query.calleridnums],
        [['sc_calleridname'], query.calleridnames],
        [['sc_dialednum'], query.dialednums],
        [['sc_disposition'], query.dispositions],
        [['sc_direction'], query.directions],
        [['sc_whoanswered'], query.whoanswered],
        [['sc_whoanswered', 'sc_calleridnum', 'sc_dialednum'], query.phones],
      ];
      for (const [columns, values] of lists) if (values) q = q.where((eb) => anyOf(eb as unknown as Eb, columns, values));
      return (await q.orderBy('sc_start').orderBy('sc_id').execute()) as unknown as SimpleCdrRecord[];
    },

    async getField(tenantId, uniqueid, field) {
      const row = await db.selectFrom('cd_cdrs').select(field).where('te_id', '=', tenantId as never).where('uniqueid', '=', uniqueid as never).orderBy('ID').executeTakeFirst();
      return row === undefined ? undefined : (row[field] as string | number | null);
    },

    async appendUserfield(tenantId, uniqueid, text) {
      // One statement, so two concurrent appends both land.
      const result = await db
        .updateTable('cd_cdrs')
        .set({ userfield: sql`userfield || ${text}` })
        .where('te_id', '=', tenantId as never)
        .where('uniqueid', '=', uniqueid as never)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
  };
}
