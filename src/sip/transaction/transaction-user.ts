// The transaction user (TU: the UAC/UAS cores) that the transaction layer calls up to (RFC 3261 §17).
import type { SipRequest, SipResponse } from '../message/sip-message.ts';
import type { Endpoint } from '../transport/endpoint.ts';
import type { ClientInviteTransaction } from './client-invite-transaction.ts';
import type { ClientNonInviteTransaction } from './client-non-invite-transaction.ts';
import type { ServerInviteTransaction } from './server-invite-transaction.ts';
import type { ServerNonInviteTransaction } from './server-non-invite-transaction.ts';

export type ClientTransaction = ClientInviteTransaction | ClientNonInviteTransaction;
export type ServerTransaction = ServerInviteTransaction | ServerNonInviteTransaction;
export type Transaction = ClientTransaction | ServerTransaction;

export interface TransactionUser {
  /** A new request (never a retransmission, never an ACK); answer it with `transaction.respond(...)`. */
  onRequest(transaction: ServerTransaction, request: SipRequest): void;
  /**
   * A response for a client transaction (including 2xx retransmissions and forked 2xx in the RFC 6026 Accepted
   * state), or one that matched none (`transaction` undefined): §18.1.2 says such responses "MUST be passed to the core".
   */
  onResponse(response: SipResponse, transaction: ClientTransaction | undefined): void;
  /** An ACK for a 2xx (it matched no transaction, or one in the RFC 6026 Accepted state): the UAS core's (§13.3.1.4). */
  onAck(request: SipRequest, source: Endpoint): void;
  /** Timer B, F or H fired; the transaction is already Terminated. */
  onTimeout(transaction: Transaction): void;
  /** The transport failed to send for this transaction (§17.1.4, §17.2.4); it is already Terminated. */
  onTransportError(transaction: Transaction): void;
  /** Any transaction reached Terminated and left the layer's tables. */
  onTerminated?(transaction: Transaction): void;
}
