// te_tenants. Codes are stored upper case and looked up case-insensitively.
import type { Tenant } from '../../domain/index.ts';
import type { TenantRepository } from '../store.ts';
import { RowTable, type LooseDb } from '../row-table.ts';

export function tenantRepository(db: LooseDb): TenantRepository {
  const rows = new RowTable<Tenant>(db, 'te_tenants', 'te_id', (t) => `Tenant ${t.te_code ?? ''}`.trim());
  return {
    list: (filter = {}) => rows.list(filter),
    get: (id) => rows.get(id),
    async getByCode(code) {
      const [tenant] = await rows.list({ te_code: code.toUpperCase() });
      return tenant;
    },
    create: (fields, createdAt) => rows.insert({ ...fields, te_code: fields.te_code.toUpperCase(), te_created: createdAt }),
    update: (id, fields) => rows.update(id, fields.te_code === undefined ? fields : { ...fields, te_code: fields.te_code.toUpperCase() }),
    delete: (id) => rows.delete(id),
  };
}
