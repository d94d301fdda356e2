// BALANCE: add an entry to the tenant's balance ledger (negative amounts subtract).
import { formatAmount } from '../../../domain/index.ts';
import type { ReqtypeHandler } from '../handler.ts';
import { tenantOf } from '../handler.ts';

export const balance: ReqtypeHandler = {
  syntax: 'Add to the tenant balance (read it with INFO balance).\n  tenant, amount (negative subtracts), description\n  answers OK|<new balance>|',
  tenant: 'required',
  adminOnly: false,
  writes: true,
  async handle(ctx) {
    const tenant = tenantOf(ctx);
    const total = await ctx.services.balance.add(tenant.te_id, ctx.params.require('amount'), ctx.params.get('description') ?? '');
    const text = formatAmount(total);
    return { kind: 'value', plain: `OK|${text}|`, json: { result: 'OK', balance: Number(text) } };
  },
};
