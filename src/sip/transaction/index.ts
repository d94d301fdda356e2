// The SIP transaction layer (RFC 3261 §17): four state machines, their matching and their timers.
export { TransactionLayer, type TransactionLayerOptions } from './transaction-layer.ts';
export type { ClientTransaction, ServerTransaction, Transaction, TransactionUser } from './transaction-user.ts';
export type { SendFunction, TransactionKind, TransactionState } from './base-transaction.ts';
export { ClientInviteTransaction } from './client-invite-transaction.ts';
export { ClientNonInviteTransaction } from './client-non-invite-transaction.ts';
export { ServerInviteTransaction } from './server-invite-transaction.ts';
export { ServerNonInviteTransaction } from './server-non-invite-transaction.ts';
export { MAGIC_COOKIE, newBranch } from './branch.ts';
export { DEFAULT_TIMERS, TRYING_DELAY_MS, type TimerConfig } from './timer-config.ts';
export { buildNon2xxAck } from './non-2xx-ack.ts';
export { buildTrying } from './trying-response.ts';
