// ba_balances: an append-only ledger; the balance is the sum of its entries.
import { sql } from 'kysely';
import type { BalanceRepository } from '../store.ts';
import { translateConstraint, type LooseDb } from '../row-table.ts';

export function balanceRepository(db: LooseDb): BalanceRepository {
  return {
    async add(tenantId, entry) {
      try {
        await db.insertInto('ba_balances').values({ ba_te_id: tenantId, ba_amount: entry.amount, ba_description: entry.description, ba_date: entry.date }).execute();
      } catch (error) {
        throw translateConstraint(error, 'Balance entry');
      }
    },
    async sum(tenantId, from, to) {
      let query = db
        .selectFrom('ba_balances')
        .select(sql<string | number | null>`sum(ba_amount)`.as('total'))
        .where('ba_te_id', '=', tenantId as never);
      if (from !== undefined) query = query.where('ba_date', '>=', from as never);
      if (to !== undefined) query = query.where('ba_date', '<=', to as never);
      const row = await query.executeTakeFirst();
      // PostgreSQL returns sum(bigint) as a numeric string.
      return Number(row?.total ?? 0);
    },
  };
}
