// What the four RFC 3261 §17 state machines share: state, named timers, sending through
// the injected transport function, and the single way into the Terminated state.
import type { Clock } from '../../shared/index.ts';
import { Headers } from '../message/headers.ts';
import type { SipMessage, SipRequest, SipResponse } from '../message/sip-message.ts';
import { isReliable, type Endpoint } from '../transport/endpoint.ts';
import type { TimerConfig } from './timer-config.ts';
import { ownText } from './own-text.ts';
import { TimerSet } from './timer-set.ts';

/** Header names (canonical) that a response copies from its request. */
const RESPONSE_COPIED = new Set(['via', 'from', 'to', 'call-id', 'cseq', 'timestamp']);
const EMPTY_BODY = Buffer.alloc(0);

/** 'accepted' is the state RFC 6026 adds to both INVITE machines after a 2xx. */
export type TransactionState = 'calling' | 'trying' | 'proceeding' | 'accepted' | 'completed' | 'confirmed' | 'terminated';
export type TransactionKind = 'client-invite' | 'client-non-invite' | 'server-invite' | 'server-non-invite';

/** Hands one message to the transport; throwing means the transport failed (§17.1.4, §17.2.4). */
export type SendFunction = (message: SipMessage, destination: Endpoint) => void;

export interface TransactionContext {
  readonly clock: Clock;
  readonly send: SendFunction;
  readonly timers: TimerConfig;
  /**
   * Runs `retransmit` once the input already waiting on the sockets has been read (setImmediate on a real event
   * loop); absent = at once (FakeClock tests). See ServerInviteTransaction's timer G.
   */
  readonly afterPendingInput?: (retransmit: () => void) => void;
}

/** How a transaction reports upward; the layer binds these to the TU and its own tables. */
export interface TransactionEvents {
  /** Timer B, F or H fired: the transaction failed (§17.1.1.2, §17.1.2.2, §17.2.1). */
  onTimeout(): void;
  onTransportError(): void;
  onTerminated(): void;
}

export interface ClientTransactionEvents extends TransactionEvents {
  onResponse(response: SipResponse): void;
}

export abstract class BaseTransaction<Timer extends string> {
  abstract readonly kind: TransactionKind;
  protected current: TransactionState;
  protected readonly timers: TimerSet<Timer>;
  private held: SipRequest;

  protected constructor(
    /** The key the layer files this transaction under (§17.1.3 / §17.2.3). */
    readonly key: string,
    request: SipRequest,
    /** Where requests go (client) or where responses go (server: the request's source). */
    readonly peer: Endpoint,
    protected readonly context: TransactionContext,
    private readonly events: TransactionEvents,
    initial: TransactionState,
  ) {
    this.current = initial;
    this.held = request;
    this.timers = new TimerSet<Timer>(context.clock);
  }

  /**
   * The request that created the transaction; once a server transaction only waits out its timer, the part of it
   * a response is built from (see keepForRetransmissions).
   */
  get request(): SipRequest {
    return this.held;
  }

  get state(): TransactionState {
    return this.current;
  }

  get method(): string {
    return this.request.method;
  }

  /** §17: on reliable transports the retransmit timers are not used and the wait timers are zero. */
  get reliable(): boolean {
    return isReliable(this.peer.protocol);
  }

  /** Ends the transaction at once (the layer's shutdown); the TU hears only onTerminated. */
  terminate(): void {
    if (this.current === 'terminated') return;
    this.current = 'terminated';
    this.timers.stopAll();
    this.events.onTerminated();
  }

  /** The transport reported a failure after send() returned (e.g. a TCP connect that was refused). */
  transportFailed(): void {
    this.fail('transport');
  }

  /** A fresh look at the state after calling out (the TU may have ended the transaction meanwhile). */
  protected stillIn(state: TransactionState): boolean {
    return this.current === state;
  }

  protected setState(state: Exclude<TransactionState, 'terminated'>): void {
    this.current = state;
  }

  /** Sends to the peer; a throwing transport ends the transaction as §17.1.4 / §17.2.4 ask. */
  protected transmit(message: SipMessage): boolean {
    try {
      this.context.send(message, this.peer);
      return true;
    } catch {
      this.fail('transport');
      return false;
    }
  }

  /** Terminated plus a report to the TU: a timeout (B, F, H) or a transport failure. */
  protected fail(reason: 'timeout' | 'transport'): void {
    if (this.current === 'terminated') return;
    this.terminate();
    if (reason === 'timeout') this.events.onTimeout();
    else this.events.onTransportError();
  }

  /**
   * Keeps of the request only what a response to it copies (§8.2.6.2: Via, From, To, Call-ID, CSeq; §8.2.6.1:
   * Timestamp), for a transaction that answered and now only absorbs retransmissions, and lets `response` (kept to
   * answer them) hold its header values as strings of their own. A REGISTER's server transaction lives 32 s after its
   * 200 on UDP (Timer J), so a registrar under load holds hundreds of thousands: the rest of each request (credentials,
   * contacts) and the received packet's text, which every value sliced from it keeps alive, were most of their
   * memory. Values are copied once each, shared by the request and the response; the response stays the same object
   * with the same text.
   */
  protected keepForRetransmissions(response: SipResponse): void {
    const copies = new Map<string, string>();
    const { method, uri, version, headers } = this.held;
    const kept = new Headers();
    for (let i = 0; i < headers.size; i++) if (RESPONSE_COPIED.has(headers.nameAt(i) as string)) kept.append(headers.nameAt(i) as string, headers.valueAt(i) as string);
    this.held = { type: 'request', method, uri: ownText(uri), version, headers: kept.compact((value) => sharedCopy(copies, value)), body: EMPTY_BODY };
    response.headers.compact((value) => sharedCopy(copies, value));
    if (response.body.length === 0) response.body = EMPTY_BODY;
  }

  /** Timers D, I, J, K: `ms` on unreliable transports, zero (Terminated now) on reliable ones. */
  protected waitThenTerminate(timer: Timer, ms: number): void {
    if (this.reliable) this.terminate();
    else this.timers.start(timer, ms, () => this.terminate());
  }
}

/** One own copy (ownText) per distinct value among those a transaction keeps. */
function sharedCopy(copies: Map<string, string>, value: string): string {
  let copy = copies.get(value);
  if (copy === undefined) {
    copy = ownText(value);
    copies.set(value, copy);
  }
  return copy;
}
