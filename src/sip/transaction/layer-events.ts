// What one transaction reports to the layer: its table entry goes when it terminates, and the TU hears the rest.
// A class rather than closures made per transaction: a REGISTER's server transaction stays 32 s after its answer
// (Timer J on UDP), so under load hundreds of thousands are alive, and three closures each (named ones, which the
// TypeScript loader's keepNames gives a property store of their own) were a quarter of every transaction's memory.
import type { SipResponse } from '../message/sip-message.ts';
import type { ClientTransactionEvents } from './base-transaction.ts';
import type { ClientTransaction, Transaction, TransactionUser } from './transaction-user.ts';

export class LayerEvents<T extends Transaction> implements ClientTransactionEvents {
  /** Set by the layer right after the transaction is made, before it can report anything. */
  transaction: T | undefined;

  constructor(
    private readonly user: TransactionUser,
    private readonly table: Map<string, T>,
  ) {}

  onTimeout(): void {
    this.user.onTimeout(this.current());
  }

  onTransportError(): void {
    this.user.onTransportError(this.current());
  }

  onTerminated(): void {
    const transaction = this.current();
    // Terminated transactions leave the tables: nothing leaks.
    if (this.table.get(transaction.key) === transaction) this.table.delete(transaction.key);
    this.user.onTerminated?.(transaction);
  }

  /** Client transactions only: the layer makes server ones with these events too, and they never call it. */
  onResponse(response: SipResponse): void {
    this.user.onResponse(response, this.current() as ClientTransaction);
  }

  private current(): T {
    if (this.transaction === undefined) throw new Error('transaction event before the transaction was made');
    return this.transaction;
  }
}
