// The transaction user under the delegate (RFC 3261 §8.1.3, §8.2, §9.2): runs the UAS checks, answers CANCEL,
// builds and counts responses, settles the promises of requests we sent, and shields the stack from the delegate.
import type { Logger } from '../../shared/index.ts';
import type { SipRequest, SipResponse } from '../message/index.ts';
import type {
  ClientTransaction,
  ServerTransaction,
  Transaction,
  TransactionLayer,
  TransactionUser,
} from '../transaction/index.ts';
import type { Endpoint } from '../transport/index.ts';
import { buildResponse, newTag, tagOfHeader, type HeaderList } from './response-builder.ts';
import { countAnswer } from './stack-counters.ts';
import type { ClientOutcome, InboundSource, SipStackCounters, SipStackDelegate } from './stack-types.ts';
import { checkRequest, type UasPolicy } from './uas-checks.ts';

export interface UasCoreOptions {
  readonly delegate: SipStackDelegate;
  readonly policy: UasPolicy;
  readonly counters: SipStackCounters;
  readonly logger: Logger;
  /** Written into responses as Server. */
  readonly server: string | undefined;
  /** Where each received request came from (filled by the inbound side before the transaction layer runs). */
  readonly sources: WeakMap<SipRequest, InboundSource>;
  readonly transactions: () => TransactionLayer;
}

export class UasCore implements TransactionUser {
  /** Our To tag per server transaction, so every response of one transaction carries the same tag. */
  private readonly toTags = new WeakMap<ServerTransaction, string>();
  /** Resolvers of OutgoingRequest.final, by the request that created the client transaction. */
  private readonly pending = new WeakMap<SipRequest, (outcome: ClientOutcome) => void>();

  constructor(private readonly options: UasCoreOptions) {}

  onRequest(transaction: ServerTransaction, request: SipRequest): void {
    const rejection = checkRequest(request, this.options.policy);
    if (rejection !== undefined) {
      this.respond(transaction, rejection.status, rejection.reason, rejection.headers);
      return;
    }
    const source = this.sourceOf(request, transaction.peer);
    if (request.method === 'CANCEL') {
      this.cancel(transaction, request, source);
      return;
    }
    this.callUp('onRequest', () => this.options.delegate.onRequest(transaction, request, source), transaction);
  }

  onAck(request: SipRequest, endpoint: Endpoint): void {
    const onAck = this.options.delegate.onAck;
    if (onAck) this.callUp('onAck', () => onAck.call(this.options.delegate, request, this.sourceOf(request, endpoint)));
  }

  onResponse(response: SipResponse, transaction: ClientTransaction | undefined): void {
    if (transaction !== undefined && response.status >= 200) this.settle(transaction, { kind: 'response', response });
    const onResponse = this.options.delegate.onResponse;
    if (onResponse) this.callUp('onResponse', () => onResponse.call(this.options.delegate, response, transaction));
  }

  onTimeout(transaction: Transaction): void {
    this.settle(transaction, { kind: 'timeout' });
    const onTimeout = this.options.delegate.onTimeout;
    if (onTimeout) this.callUp('onTimeout', () => onTimeout.call(this.options.delegate, transaction));
  }

  onTransportError(transaction: Transaction): void {
    this.settle(transaction, { kind: 'transport-error' });
    const onTransportError = this.options.delegate.onTransportError;
    if (onTransportError) this.callUp('onTransportError', () => onTransportError.call(this.options.delegate, transaction));
  }

  onTerminated(transaction: Transaction): void {
    // A failing transaction reports Terminated before the timeout or transport error that ended it
    // (BaseTransaction.fail), so 'terminated' waits a microtask for the more telling outcome to settle first.
    queueMicrotask(() => this.settle(transaction, { kind: 'terminated' }));
  }

  /** A promise of how `request` ends, registered before the transaction exists (a send can fail at once). */
  expectFinal(request: SipRequest): Promise<ClientOutcome> {
    return new Promise((resolve) => this.pending.set(request, resolve));
  }

  forget(request: SipRequest): void {
    this.pending.delete(request);
  }

  /** Our To tag for responses of `transaction` (also the local tag of a dialog it creates, §12.1.1). */
  toTag(transaction: ServerTransaction): string {
    const given = tagOfHeader(transaction.request.headers.get('to'));
    if (given !== undefined) return given;
    let tag = this.toTags.get(transaction);
    if (tag === undefined) {
      tag = newTag();
      this.toTags.set(transaction, tag);
    }
    return tag;
  }

  /** Builds the response per §8.2.6 and hands it to the transaction; false when the transaction refused it. */
  respond(transaction: ServerTransaction, status: number, reason: string, headers?: HeaderList, body?: Buffer | string, toTag?: string): boolean {
    // Assigned, not spread (a slow path in Node 20's V8 on every response); the options stay exact (no undefined keys).
    const options: { toTag?: string; headers?: HeaderList; body?: Buffer | string; server?: string } = {};
    // A 100 goes without a tag (§8.2.6.2 allows either); every later response carries the transaction's.
    if (status !== 100 || toTag !== undefined) options.toTag = toTag ?? this.toTag(transaction);
    if (headers !== undefined) options.headers = headers;
    if (body !== undefined) options.body = body;
    if (this.options.server !== undefined) options.server = this.options.server;
    const response = buildResponse(transaction.request, status, reason, options);
    return this.respondWith(transaction, response);
  }

  respondWith(transaction: ServerTransaction, response: SipResponse): boolean {
    // A response the upper layer built itself fixes the tag for the rest of the transaction.
    const tag = tagOfHeader(response.headers.get('to'));
    if (tag !== undefined && !this.toTags.has(transaction)) this.toTags.set(transaction, tag);
    const sent = transaction.respond(response);
    if (sent) countAnswer(this.options.counters, response.status);
    return sent;
  }

  /** §9.2: a CANCEL for a pending INVITE ends it with 487; the CANCEL itself is answered hop by hop. */
  private cancel(transaction: ServerTransaction, cancel: SipRequest, source: InboundSource): void {
    const invite = this.options.transactions().findInviteTransaction(cancel);
    if (invite === undefined) {
      // "If the UAS did not find a transaction for the CANCEL request, it SHOULD respond to the CANCEL request
      // with a 481 (Call Leg/Transaction Does Not Exist)." (A CANCEL of a non-INVITE lands here too: it has no
      // effect either way, §9.2.)
      this.respond(transaction, 481, 'Call/Transaction Does Not Exist');
      return;
    }
    // "The To tag of the response to the CANCEL and the To tag in the response to the original request SHOULD
    // be the same." The CANCEL gets its 200 whether or not the INVITE was already answered.
    this.respond(transaction, 200, 'OK', undefined, undefined, this.toTag(invite));
    // "If the original request was an INVITE, the UAS SHOULD immediately respond to the INVITE with a 487
    // (Request Terminated)" — unless a final response went already: then "the CANCEL request has no effect".
    if (invite.state !== 'proceeding') return;
    this.respond(invite, 487, 'Request Terminated');
    const onCancel = this.options.delegate.onCancel;
    if (onCancel) this.callUp('onCancel', () => onCancel.call(this.options.delegate, invite, cancel, source));
  }

  private sourceOf(request: SipRequest, fallback: Endpoint): InboundSource {
    return this.options.sources.get(request) ?? { endpoint: fallback, flowId: undefined, local: fallback };
  }

  private settle(transaction: Transaction, outcome: ClientOutcome): void {
    const resolve = this.pending.get(transaction.request);
    if (resolve === undefined || transaction.kind.startsWith('server')) return;
    this.pending.delete(transaction.request);
    resolve(outcome);
  }

  /** Runs a delegate callback; an exception is logged and counted, and an unanswered request gets a 500. */
  private callUp(what: string, call: () => void, transaction?: ServerTransaction): void {
    try {
      call();
    } catch (error) {
      this.options.counters.delegateErrors++;
      this.options.logger.error({ err: error }, `SipStack delegate ${what} threw`);
      const open = transaction !== undefined && (transaction.state === 'trying' || transaction.state === 'proceeding');
      if (transaction !== undefined && open) this.respond(transaction, 500, 'Server Internal Error');
    }
  }
}
