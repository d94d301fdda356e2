// The SipStack's options, its delegate (how it calls the upper layer) and what it reports
// (RFC 3261 §8 UA cores over §17 transactions and §18 transports).
import type { Clock, Logger } from '../../shared/index.ts';
import type { SipRequest, SipResponse } from '../message/index.ts';
import type { ClientTransaction, ServerInviteTransaction, ServerTransaction, TimerConfig, Transaction } from '../transaction/index.ts';
import type { Endpoint, StreamTlsOptions, TlsCredentials, Transport, TransportCounters, TransportListener } from '../transport/index.ts';

/** Opens a transport that reports to `listener`: how tests plug in a FakeTransport. */
export type TransportFactory = (listener: TransportListener) => Transport | Promise<Transport>;

export interface SipStackOptions {
  readonly udp?: { readonly host: string; readonly port: number };
  /** With `tls` the connection transport speaks TLS (RFC 3261 §26.2) and is used for `tls` destinations. */
  readonly tcp?: { readonly host: string; readonly port: number; readonly tls?: StreamTlsOptions };
  readonly ws?: { readonly host: string; readonly port: number; readonly tls?: TlsCredentials };
  /** Extra transports (e.g. FakeTransport); one per protocol, like the built-in ones. */
  readonly transports?: readonly TransportFactory[];
  /** Drives the transaction timers (FakeClock in tests) and the connection transports' idle timers. */
  readonly clock: Clock;
  readonly logger: Logger;
  readonly timers?: Partial<TimerConfig>;
  /**
   * Timer G's retransmissions wait for the input already on the sockets to be read (an ACK in flight), by
   * setImmediate: for a stack on the real clock. Default false (FakeClock tests retransmit the moment a timer fires).
   */
  readonly readPendingInputFirst?: boolean;
  /** Sent as User-Agent on requests and as Server on responses (RFC 3261 §20.41, §20.35). */
  readonly userAgent?: string;
  /**
   * Methods the upper layer handles. ACK and CANCEL are the stack's own and always accepted: CANCEL is
   * answered here (§9.2), ACK goes to the transaction or to `onAck`.
   */
  readonly allow: readonly string[];
  /** Option tags the upper layer understands; a Require outside this list gets 420 (§8.2.2.3). */
  readonly supported?: readonly string[];
  /**
   * The host written into the sent-by of our Via (and offered for Contact). Default: the bound address,
   * or the first non-internal IPv4 address when bound to a wildcard.
   */
  readonly publicHost?: string;
  /**
   * Send UDP responses to the packet's source port even without `rport` in the request, as if the top Via
   * had carried an empty rport (what Asterisk and Kamailio call force_rport; for NATed phones that do not
   * implement RFC 3581). Default false: strict RFC 3261 §18.2.2 / RFC 3581 routing.
   */
  readonly forceRport?: boolean;
}

/** Where a request came from: the packet's source, the connection (RFC 5626 flow; undefined for UDP), and the local socket. */
export interface InboundSource {
  readonly endpoint: Endpoint;
  readonly flowId: string | undefined;
  readonly local: Endpoint;
}

/** How the stack calls up. Exceptions thrown here are caught, logged and counted (a request then gets 500). */
export interface SipStackDelegate {
  /**
   * A new request that passed the §8.2 checks (never a retransmission, ACK or CANCEL). Answer it with
   * `stack.respond(transaction, ...)`.
   */
  onRequest(transaction: ServerTransaction, request: SipRequest, source: InboundSource): void;
  /** An ACK for a 2xx, or one that matched no transaction (§13.3.1.4): the dialog layer's. */
  onAck?(request: SipRequest, source: InboundSource): void;
  /** A CANCEL ended `invite`: the stack already answered 200 to the CANCEL and 487 to the INVITE (§9.2). */
  onCancel?(invite: ServerInviteTransaction, cancel: SipRequest, source: InboundSource): void;
  /**
   * Every response of a client transaction (provisionals, finals, RFC 6026 2xx retransmissions), and
   * responses that matched none (`transaction` undefined; §18.1.2 "MUST be passed to the core").
   */
  onResponse?(response: SipResponse, transaction: ClientTransaction | undefined): void;
  /** Timer B, F or H fired (§17). */
  onTimeout?(transaction: Transaction): void;
  /** The transport failed for this transaction (§17.1.4, §17.2.4). */
  onTransportError?(transaction: Transaction): void;
  /** A connection closed: bindings and dialogs on this flow are stale (RFC 5626 §4.4, §5.3). */
  onFlowClosed?(flowId: string, remote: Endpoint): void;
}

/** How a request sent by `sendRequest` ended. The promise never rejects. */
export type ClientOutcome =
  | { readonly kind: 'response'; readonly response: SipResponse }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'transport-error' }
  /** The stack closed (or the transaction was ended) before a final response came. */
  | { readonly kind: 'terminated' };

export interface OutgoingRequest {
  /** The request as sent: with our Via, Max-Forwards and User-Agent. */
  readonly request: SipRequest;
  readonly transaction: ClientTransaction;
  /** Settles at the first final response (or timeout, transport error, shutdown). */
  readonly final: Promise<ClientOutcome>;
}

export interface SipStackCounters {
  /** Packets handed up by the transports. */
  received: number;
  requests: number;
  responses: number;
  /** Unparseable packets that could not be answered (no usable start line or top Via, a response, an ACK). */
  malformedDropped: number;
  /** Unparseable requests answered from the parser's partial: 400 (or 505, 513 when the parser names them). */
  malformedAnswered: number;
  /** Responses whose top Via is not ours (§18.1.2: "MUST be silently discarded"). */
  responsesDiscarded: number;
  /** Responses the stack sent, by status (first transmissions; retransmissions are the transactions'). */
  answers: Record<number, number>;
  /** Exceptions from the delegate, and sends that failed. */
  delegateErrors: number;
  sendErrors: number;
}

export interface SipStackSnapshot {
  readonly stack: SipStackCounters;
  readonly transports: Readonly<Record<string, TransportCounters>>;
  readonly transactions: { readonly clients: number; readonly servers: number; readonly dropped: number };
}
