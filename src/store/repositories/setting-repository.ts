// se_settings: one value per (tenant, code).
import type { SettingRepository } from '../store.ts';
import { translateConstraint, type LooseDb } from '../row-table.ts';

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
  };
}
