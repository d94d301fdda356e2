// us_users and the user <-> tenant links (ut_usertenants).
import type { WebUser } from '../../domain/index.ts';
import type { WebUserRepository } from '../store.ts';
import { RowTable, translateConstraint, type LooseDb } from '../row-table.ts';

export function webUserRepository(db: LooseDb): WebUserRepository {
  const rows = new RowTable<WebUser>(db, 'us_users', 'us_id', (u) => `User ${u.us_username ?? ''}`.trim());
  return {
    list: () => rows.list(),
    get: (id) => rows.get(id),
    async getByUsername(username) {
      const [user] = await rows.list({ us_username: username });
      return user;
    },
    create: (fields, createdAt) => rows.insert({ ...fields, us_created: createdAt }),
    update: (id, fields) => rows.update(id, fields),
    delete: (id) => rows.delete(id),
    async tenantIds(userId) {
      const links = await db.selectFrom('ut_usertenants').select('ut_te_id').where('ut_us_id', '=', userId as never).orderBy('ut_te_id').execute();
      return links.map((link) => Number(link.ut_te_id));
    },
    async addTenant(userId, tenantId) {
      try {
        // One statement: a concurrent second link is "already linked", never a conflict error.
        const result = await db
          .insertInto('ut_usertenants')
          .values({ ut_us_id: userId, ut_te_id: tenantId })
          .onConflict((oc) => oc.columns(['ut_us_id', 'ut_te_id']).doNothing())
          .executeTakeFirst();
        return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
      } catch (error) {
        throw translateConstraint(error, 'User tenant link');
      }
    },
    async removeTenant(userId, tenantId) {
      const result = await db.deleteFrom('ut_usertenants').where('ut_us_id', '=', userId as never).where('ut_te_id', '=', tenantId as never).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
