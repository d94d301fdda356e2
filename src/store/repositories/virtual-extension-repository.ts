// vi_virtualitems: which real extensions a VIRTUAL extension rings (VIRTUALEXT, spec §2.29).
import type { VirtualExtensionRepository } from '../store.ts';
import type { VirtualMember } from '../../domain/index.ts';
import { translateConstraint, type LooseDb } from '../row-table.ts';

export function virtualExtensionRepository(db: LooseDb): VirtualExtensionRepository {
  return {
    async members(tenantId, virtualId) {
      const found = await db
        .selectFrom('vi_virtualitems')
        .innerJoin('ex_extensions', 'ex_extensions.ex_id', 'vi_virtualitems.vi_member_ex_id')
        .select(['ex_extensions.ex_id as ex_id', 'ex_extensions.ex_number as ex_number', 'ex_extensions.ex_name as ex_name', 'ex_extensions.ex_username as ex_username'])
        .where('vi_te_id', '=', tenantId as never)
        .where('vi_ex_id', '=', virtualId as never)
        .orderBy('vi_virtualitems.vi_id')
        .execute();
      return found as unknown as VirtualMember[];
    },

    async add(tenantId, virtualId, memberId) {
      try {
        const result = await db
          .insertInto('vi_virtualitems')
          .values({ vi_te_id: tenantId, vi_ex_id: virtualId, vi_member_ex_id: memberId })
          .onConflict((oc) => oc.columns(['vi_ex_id', 'vi_member_ex_id']).doNothing())
          .executeTakeFirst();
        return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
      } catch (error) {
        throw translateConstraint(error, 'Virtual extension member');
      }
    },

    async remove(tenantId, virtualId, memberId) {
      const result = await db
        .deleteFrom('vi_virtualitems')
        .where('vi_te_id', '=', tenantId as never)
        .where('vi_ex_id', '=', virtualId as never)
        .where('vi_member_ex_id', '=', memberId as never)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async clear(tenantId, virtualId) {
      const result = await db.deleteFrom('vi_virtualitems').where('vi_te_id', '=', tenantId as never).where('vi_ex_id', '=', virtualId as never).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
