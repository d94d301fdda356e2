// xt_xmltemplates: a tenant's named XML templates for INFO cdrs format=xml (MiRTA keeps them
// under Configuration/Settings -> XML Template).
import type { XmlTemplateRepository } from '../store.ts';
import { translateConstraint, type LooseDb } from '../row-table.ts';

export function xmlTemplateRepository(db: LooseDb): XmlTemplateRepository {
  return {
    async get(tenantId, name) {
      const row = await db.selectFrom('xt_xmltemplates').select('xt_template').where('xt_te_id', '=', tenantId as never).where('xt_name', '=', name as never).executeTakeFirst();
      return row === undefined ? undefined : String(row.xt_template);
    },
    async list(tenantId) {
      const rows = await db.selectFrom('xt_xmltemplates').select('xt_name').where('xt_te_id', '=', tenantId as never).orderBy('xt_name').execute();
      return rows.map((row) => String(row.xt_name));
    },
    async put(tenantId, name, template) {
      try {
        await db
          .insertInto('xt_xmltemplates')
          .values({ xt_te_id: tenantId, xt_name: name, xt_template: template })
          .onConflict((oc) => oc.columns(['xt_te_id', 'xt_name']).doUpdateSet({ xt_template: template }))
          .execute();
      } catch (error) {
        throw translateConstraint(error, `XML template ${name}`);
      }
    },
    async delete(tenantId, name) {
      const result = await db.deleteFrom('xt_xmltemplates').where('xt_te_id', '=', tenantId as never).where('xt_name', '=', name as never).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
