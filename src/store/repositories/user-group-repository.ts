// ug_usergroups with their tenants (gt_usergrouptenants) and users (gu_usergroupusers).
import type { Tenant, UserGroup, UserGroupMember } from '../../domain/index.ts';
import type { UserGroupRepository } from '../store.ts';
import { RowTable, translateConstraint, type LooseDb } from '../row-table.ts';

export function userGroupRepository(db: LooseDb): UserGroupRepository {
  const rows = new RowTable<UserGroup>(db, 'ug_usergroups', 'ug_id', (g) => `User group ${g.ug_name ?? ''}`.trim());
  return {
    list: () => rows.list(),
    get: (id) => rows.get(id),
    create: (fields) => rows.insert(fields),
    delete: (id) => rows.delete(id),

    async tenants(groupId) {
      const found = await db
        .selectFrom('gt_usergrouptenants')
        .innerJoin('te_tenants', 'te_tenants.te_id', 'gt_usergrouptenants.gt_te_id')
        .selectAll('te_tenants')
        .where('gt_ug_id', '=', groupId as never)
        .orderBy('te_tenants.te_id')
        .execute();
      return found as unknown as Tenant[];
    },

    async users(groupId) {
      const found = await db
        .selectFrom('gu_usergroupusers')
        .innerJoin('us_users', 'us_users.us_id', 'gu_usergroupusers.gu_us_id')
        .select(['us_users.us_id as us_id', 'us_users.us_username as us_username', 'gu_usergroupusers.gu_inherit as gu_inherit'])
        .where('gu_ug_id', '=', groupId as never)
        .orderBy('us_users.us_id')
        .execute();
      return found as unknown as UserGroupMember[];
    },

    async addTenant(groupId, tenantId) {
      try {
        const result = await db
          .insertInto('gt_usergrouptenants')
          .values({ gt_ug_id: groupId, gt_te_id: tenantId })
          .onConflict((oc) => oc.columns(['gt_ug_id', 'gt_te_id']).doNothing())
          .executeTakeFirst();
        return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
      } catch (error) {
        throw translateConstraint(error, 'User group tenant link');
      }
    },

    async removeTenant(groupId, tenantId) {
      const result = await db.deleteFrom('gt_usergrouptenants').where('gt_ug_id', '=', groupId as never).where('gt_te_id', '=', tenantId as never).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async putUser(groupId, userId, inherit) {
      const flag = inherit ? 'on' : '';
      try {
        // Adding a member again updates its inherit flag.
        await db
          .insertInto('gu_usergroupusers')
          .values({ gu_ug_id: groupId, gu_us_id: userId, gu_inherit: flag })
          .onConflict((oc) => oc.columns(['gu_ug_id', 'gu_us_id']).doUpdateSet({ gu_inherit: flag }))
          .execute();
      } catch (error) {
        throw translateConstraint(error, 'User group member');
      }
    },

    async removeUser(groupId, userId) {
      const result = await db.deleteFrom('gu_usergroupusers').where('gu_ug_id', '=', groupId as never).where('gu_us_id', '=', userId as never).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async inheritedTenantIds(userId) {
      const found = await db
        .selectFrom('gu_usergroupusers')
        .innerJoin('gt_usergrouptenants', 'gt_usergrouptenants.gt_ug_id', 'gu_usergroupusers.gu_ug_id')
        .select('gt_usergrouptenants.gt_te_id as te_id')
        .distinct()
        .where('gu_us_id', '=', userId as never)
        .where('gu_inherit', '=', 'on' as never)
        .orderBy('te_id')
        .execute();
      return found.map((row) => Number(row.te_id));
    },
  };
}
