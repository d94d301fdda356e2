// il_ivrlogs: the choices callers made in voice menus, written by the IVR step and read by INFO ivrlogs. Every
// read names its tenant.
import type { IvrLogRepository, IvrLogRow, NewIvrLog } from '../store.ts';
import { translateConstraint, type LooseDb } from '../row-table.ts';

/** Integer columns come back as numbers on both engines. */
function ivrLog(row: Record<string, unknown>): IvrLogRow {
  return { ...(row as unknown as IvrLogRow), il_id: Number(row.il_id), il_te_id: Number(row.il_te_id), il_iv_id: Number(row.il_iv_id), il_round: Number(row.il_round) };
}

export function ivrLogRepository(db: LooseDb): IvrLogRepository {
  return {
    async add(tenantId, row: NewIvrLog) {
      try {
        return ivrLog(await db.insertInto('il_ivrlogs').values({ ...row, il_te_id: tenantId }).returningAll().executeTakeFirstOrThrow());
      } catch (error) {
        throw translateConstraint(error, `IVR log of call ${row.il_linkedid}`);
      }
    },

    async list(tenantId, range) {
      let query = db.selectFrom('il_ivrlogs').selectAll().where('il_te_id', '=', tenantId as never);
      if (range.from !== undefined) query = query.where('il_date', '>=', range.from as never);
      if (range.to !== undefined) query = query.where('il_date', '<=', range.to as never);
      return (await query.orderBy('il_date').orderBy('il_id').execute()).map(ivrLog);
    },
  };
}
