// se_settings: one value per (tenant, code).
import type { SettingRepository, SettingRow } from '../store.ts';
import { translateConstraint, type LooseDb } from '../row-table.ts';

const rowOf = (row: Record<string, unknown>): SettingRow => ({
  se_id: Number(row.se_id),
  se_te_id: Number(row.se_te_id),
  se_code: String(row.se_code),
  se_value: String(row.se_value),
});

export function settingRepository(db: LooseDb): SettingRepository {
  return {
    async get(tenantId, code) {
      const row = await db.selectFrom('se_settings').select('se_value').where('se_te_id', '=', tenantId as never).where('se_code', '=', code as never).executeTakeFirst();
      return row === undefined ? undefined : String(row.se_value);
    },
    async set(tenantId, code, value) {
      // Both engines support ON CONFLICT on the (se_te_id, se_code) unique constraint.
      try {
        await db
          .insertInto('se_settings')
          .values({ se_te_id: tenantId, se_code: code, se_value: value })
          .onConflict((oc) => oc.columns(['se_te_id', 'se_code']).doUpdateSet({ se_value: value }))
          .execute();
      } catch (error) {
        throw translateConstraint(error, `Setting ${code}`);
      }
    },
    async list(tenantId) {
      let q = db.selectFrom('se_settings').selectAll();
      if (tenantId !== null) q = q.where('se_te_id', '=', tenantId as never);
      return (await q.orderBy('se_te_id').orderBy('se_code').execute()).map((r) => rowOf(r as Record<string, unknown>));
    },
    async insert(tenantId, code, value) {
      // A plain INSERT: the unique constraint, not a prior read, decides between two concurrent creates.
      try {
        return rowOf((await db.insertInto('se_settings').values({ se_te_id: tenantId, se_code: code, se_value: value }).returningAll().executeTakeFirstOrThrow()) as Record<string, unknown>);
      } catch (error) {
        throw translateConstraint(error, `Setting ${code}`);
      }
    },
    async remove(tenantId, code) {
      const result = await db.deleteFrom('se_settings').where('se_te_id', '=', tenantId as never).where('se_code', '=', code as never).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
