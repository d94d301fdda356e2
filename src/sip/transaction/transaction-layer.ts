// The transaction layer (RFC 3261 §17): creates client transactions for the TU, matches responses to them
// (§17.1.3) and requests to server transactions (§17.2.3), absorbs retransmissions and calls the TU up.
import { err, ok, type Clock, type Result } from '../../shared/index.ts';
import type { SipMessage, SipRequest, SipResponse } from '../message/sip-message.ts';
import type { Endpoint } from '../transport/endpoint.ts';
import type { SendFunction, TransactionContext } from './base-transaction.ts';
import { hasMagicCookie } from './branch.ts';
import { LayerEvents } from './layer-events.ts';
import { ownText } from './own-text.ts';
import { ClientInviteTransaction } from './client-invite-transaction.ts';
import { ClientNonInviteTransaction } from './client-non-invite-transaction.ts';
import { ServerInviteTransaction } from './server-invite-transaction.ts';
import { ServerNonInviteTransaction } from './server-non-invite-transaction.ts';
import { DEFAULT_TIMERS, type TimerConfig } from './timer-config.ts';
import { clientKey, clientKeyOfResponse, serverKey, serverKeyOfResponse, tagOf, topVia } from './transaction-key.ts';
import type { ClientTransaction, ServerTransaction, TransactionUser } from './transaction-user.ts';

export interface TransactionLayerOptions {
  readonly send: SendFunction;
  readonly clock: Clock;
  readonly user: TransactionUser;
  readonly timers?: Partial<TimerConfig>;
  readonly afterPendingInput?: (retransmit: () => void) => void;
}

export class TransactionLayer {
  private readonly clients = new Map<string, ClientTransaction>();
  private readonly servers = new Map<string, ServerTransaction>();
  private readonly context: TransactionContext;
  private readonly user: TransactionUser;
  private droppedCount = 0;

  constructor(options: TransactionLayerOptions) {
    this.context = { clock: options.clock, send: options.send, timers: { ...DEFAULT_TIMERS, ...options.timers }, ...(options.afterPendingInput ? { afterPendingInput: options.afterPendingInput } : {}) };
    this.user = options.user;
  }

  /**
   * Starts a client transaction and sends the request. The TU has put the top Via (with a branch from newBranch())
   * on it; a CANCEL reuses its INVITE's branch (§9.1) and still gets its own transaction, keyed by method.
   * A send that throws ends the transaction at once: onTransportError runs before this returns.
   */
  sendRequest(request: SipRequest, destination: Endpoint): Result<ClientTransaction, string> {
    // §17.1.1.3: the ACK for a non-2xx is the transaction's own; the ACK for a 2xx is sent by the TU directly.
    if (request.method === 'ACK') return err('ACK is not sent through a client transaction');
    // §8.1.1.7: the branch ID "MUST always begin with the characters z9hG4bK".
    const key = clientKey(request);
    if (key === undefined || !hasMagicCookie(topVia(request.headers)?.branch)) return err('the top Via needs a branch starting with z9hG4bK');
    if (this.clients.has(key)) return err(`a ${request.method} client transaction with this branch exists`);
    const events = new LayerEvents<ClientTransaction>(this.user, this.clients);
    const transaction: ClientTransaction =
      request.method === 'INVITE'
        ? new ClientInviteTransaction(key, request, destination, this.context, events)
        : new ClientNonInviteTransaction(key, request, destination, this.context, events);
    events.transaction = transaction;
    this.clients.set(key, transaction);
    transaction.start();
    return ok(transaction);
  }

  /** A request from the transport (already parsed and checked by it). */
  receiveRequest(request: SipRequest, source: Endpoint): void {
    let key = serverKey(request);
    if (key === undefined) {
      this.droppedCount++; // no usable Via (or, without a cookie, no Call-ID/CSeq): nothing to match or answer to
      return;
    }
    const existing = this.servers.get(key);
    if (request.method === 'ACK') {
      const absorbed = existing instanceof ServerInviteTransaction && this.ackMatches(existing, request, key) && existing.receiveAck();
      if (!absorbed) this.user.onAck(request, source);
      return;
    }
    if (existing) {
      existing.receiveRetransmission();
      return;
    }
    // The key is kept as long as the transaction (32 s after the answer on UDP): a string of its own, not slices of
    // the packet's text (ownText).
    key = ownText(key);
    const events = new LayerEvents<ServerTransaction>(this.user, this.servers);
    const transaction: ServerTransaction =
      request.method === 'INVITE'
        ? new ServerInviteTransaction(key, request, source, this.context, events)
        : new ServerNonInviteTransaction(key, request, source, this.context, events);
    events.transaction = transaction;
    this.servers.set(key, transaction);
    this.user.onRequest(transaction, request);
    if (transaction instanceof ServerInviteTransaction) transaction.start();
  }

  /** A response from the transport. */
  receiveResponse(response: SipResponse): void {
    const key = clientKeyOfResponse(response);
    if (key === undefined) {
      this.droppedCount++;
      return;
    }
    const transaction = this.clients.get(key);
    // §18.1.2: "If there are any client transactions in existence, the response MUST be passed to that
    // transaction. Otherwise, the response MUST be passed to the core".
    if (transaction) transaction.receiveResponse(response);
    else this.user.onResponse(response, undefined);
  }

  /** The INVITE server transaction a CANCEL refers to, matched by the §17.2.3 rules (§9.2); for the UAS core. */
  findInviteTransaction(cancel: SipRequest): ServerInviteTransaction | undefined {
    const key = serverKey(cancel, 'INVITE');
    const transaction = key === undefined ? undefined : this.servers.get(key);
    return transaction instanceof ServerInviteTransaction ? transaction : undefined;
  }

  /** The transport failed after send() returned (e.g. a refused TCP connect) for a message a transaction sent. */
  transportFailed(message: SipMessage): void {
    const transaction =
      message.type === 'request'
        ? this.clients.get(clientKey(message, message.method === 'ACK' ? 'INVITE' : message.method) ?? '')
        : this.servers.get(serverKeyOfResponse(message) ?? '');
    transaction?.transportFailed();
  }

  /** Terminates every transaction (shutdown); their timers are cancelled and the tables emptied. */
  close(): void {
    for (const transaction of [...this.clients.values(), ...this.servers.values()]) transaction.terminate();
  }

  get clientCount(): number {
    return this.clients.size;
  }

  get serverCount(): number {
    return this.servers.size;
  }

  /** Messages dropped because nothing could be matched from them. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Under RFC 2543 matching the ACK must also carry the To tag of the response it acknowledges (§17.2.3). */
  private ackMatches(invite: ServerInviteTransaction, ack: SipRequest, key: string): boolean {
    if (!key.startsWith('2543|')) return true;
    return tagOf(ack.headers.get('to')) === tagOf(invite.lastResponse?.headers.get('to'));
  }
}
