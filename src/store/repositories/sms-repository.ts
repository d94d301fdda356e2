// sm_sms: the SMS log, written by the SMS use case (services/sms) and read by INFO sms. Every read and update names
// its tenant.
import type { NewSms, SmsRepository, SmsRow } from '../store.ts';
import { translateConstraint, type LooseDb } from '../row-table.ts';

/** Integer columns come back as numbers on both engines. */
function smsRow(row: Record<string, unknown>): SmsRow {
  return {
    ...(row as unknown as SmsRow),
    sm_id: Number(row.sm_id),
    sm_te_id: Number(row.sm_te_id),
    sm_pr_id: row.sm_pr_id === null || row.sm_pr_id === undefined ? null : Number(row.sm_pr_id),
    sm_parts: Number(row.sm_parts),
  };
}

export function smsRepository(db: LooseDb): SmsRepository {
  return {
    async add(tenantId, row: NewSms) {
      try {
        return smsRow(await db.insertInto('sm_sms').values({ ...row, sm_te_id: tenantId }).returningAll().executeTakeFirstOrThrow());
      } catch (error) {
        throw translateConstraint(error, `SMS to ${row.sm_to}`);
      }
    },

    async update(tenantId, id, change) {
      const row = await db
        .updateTable('sm_sms')
        .set({ ...change })
        .where('sm_te_id', '=', tenantId as never)
        .where('sm_id', '=', id as never)
        .returningAll()
        .executeTakeFirst();
      return row === undefined ? undefined : smsRow(row);
    },

    async get(tenantId, id) {
      const row = await db.selectFrom('sm_sms').selectAll().where('sm_te_id', '=', tenantId as never).where('sm_id', '=', id as never).executeTakeFirst();
      return row === undefined ? undefined : smsRow(row);
    },

    async list(tenantId, range) {
      let query = db.selectFrom('sm_sms').selectAll().where('sm_te_id', '=', tenantId as never);
      if (range.from !== undefined) query = query.where('sm_created', '>=', range.from as never);
      if (range.to !== undefined) query = query.where('sm_created', '<=', range.to as never);
      return (await query.orderBy('sm_created').orderBy('sm_id').execute()).map(smsRow);
    },
  };
}
