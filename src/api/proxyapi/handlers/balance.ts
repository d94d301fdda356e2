// BALANCE: add an entry to the tenant's balance ledger (negative amounts subtract). The balance is
// the operator's credit to the tenant, so only the admin key writes it; tenants read it (INFO balance).
import { formatAmount } from '../../../domain/index.ts';
import type { ReqtypeHandler } from '../handler.ts';
import { tenantOf } from '../handler.ts';

export const balance: ReqtypeHandler = {
  syntax: 'Add to the tenant balance (admin key only; read it with INFO balance).\n  tenant, amount (negative subtracts), description\n  answers OK|<new balance>|',
  tenant: 'required',
  // A tenant key could otherwise credit its own account.
  adminOnly: true,
  writes: true,
  async handle(ctx) {
    const tenant = tenantOf(ctx);
    const total = await ctx.services.balance.add(tenant.te_id, ctx.params.require('amount'), ctx.params.get('description') ?? '');
    const text = formatAmount(total);
    return { kind: 'value', plain: `OK|${text}|`, json: { result: 'OK', balance: Number(text) } };
  },
};
