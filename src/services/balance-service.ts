// The tenant balance: an append-only ledger whose sum is the credit (BALANCE, INFO balance).
import { parseAmount } from '../domain/index.ts';
import { PbxError, formatDateTime, type Clock } from '../shared/index.ts';
import type { Store } from '../store/index.ts';
import { dateBounds } from './date-window.ts';

export class BalanceService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Adds a ledger entry (negative amounts subtract); returns the new balance in ten-thousandths. */
  async add(tenantId: number, amountText: string, description: string): Promise<number> {
    const amount = parseAmount('amount', amountText);
    if (description.length > 255) throw new PbxError('invalid_parameter', 'Invalid description: at most 255 characters');
    await this.store.balances.add(tenantId, { amount, description, date: formatDateTime(this.clock.now()) });
    return this.store.balances.sum(tenantId);
  }

  /** The balance, or the sum of the entries dated within [start, end] when given. */
  async total(tenantId: number, start?: string, end?: string): Promise<number> {
    // As given, untrimmed, and no default: without bounds the balance is the whole ledger's.
    const { from, to } = dateBounds(start, end);
    return this.store.balances.sum(tenantId, from, to);
  }
}
