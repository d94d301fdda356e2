// The Transport interface of the SIP stack (RFC 3261 §18): transports move bytes
// between endpoints; parsing and the §18.1/§18.2 routing decisions live in the layer above.
import type { Endpoint, TransportProtocol } from './endpoint.ts';

/** One SIP message (a datagram, a §18.3-framed chunk of a stream, or one WebSocket message). */
export interface InboundPacket {
  readonly data: Buffer;
  readonly source: Endpoint;
  /** The local address and port of the socket that received it. */
  readonly local: Endpoint;
  /** The connection it came on (RFC 5626 flow); undefined for UDP. */
  readonly flowId: string | undefined;
}

/** What went wrong; `framing` and `refused` are the peer's fault, the rest are ours or the network's. */
export type TransportErrorKind = 'framing' | 'oversize' | 'socket' | 'refused' | 'listener' | 'internal';

export interface TransportErrorEvent {
  readonly kind: TransportErrorKind;
  readonly message: string;
  readonly flowId?: string;
  readonly remote?: Endpoint;
}

/** The delegate a transport calls up into; its exceptions are caught and counted, never rethrown. */
export interface TransportListener {
  onPacket(packet: InboundPacket): void;
  onError?(error: TransportErrorEvent): void;
  /** A connection ended: bindings and dialogs using this flow are stale (RFC 5626 §4.4, §5.3). */
  onFlowClosed?(flowId: string, remote: Endpoint): void;
}

export interface TransportCounters {
  packetsIn: number;
  packetsOut: number;
  bytesIn: number;
  bytesOut: number;
  /** CRLF keep-alives (RFC 5626 §3.5.1) and empty datagrams, which are not packets. */
  keepAlivesIn: number;
  keepAlivesOut: number;
  framingErrors: number;
  /** Datagrams over the size limit, dropped. */
  oversizeDropped: number;
  sendErrors: number;
  socketErrors: number;
  listenerErrors: number;
  internalErrors: number;
  connectionsOpened: number;
  connectionsClosed: number;
  connectionsRefused: number;
  connectionsOpen: number;
}

export interface Transport {
  readonly protocol: TransportProtocol;
  /** Where it listens; the real port when it was asked to bind port 0. */
  readonly local: Endpoint;
  /**
   * Sends one serialized message. On connection transports `flowId` picks the
   * connection; without it (or when that flow is gone) a connection to `destination`
   * is reused or opened. Rejects on a transport error (RFC 3261 §17.1.4, §18.4).
   */
  send(data: Buffer, destination: Endpoint, flowId?: string): Promise<void>;
  /**
   * Our end of the way to `destination` when it is known without waiting: a connection's local address, or on a UDP
   * socket bound to a wildcard the address the kernel sends from towards that peer (cached when the peer last sent
   * to us). Undefined when unknown, or when the transport is bound to one address (that address is the answer).
   */
  localToward?(destination: Endpoint, flowId?: string): Endpoint | undefined;
  close(): Promise<void>;
  /** A snapshot of the counters. */
  counters(): TransportCounters;
}

/** PEM certificate and key for the TLS and WSS variants. */
export interface TlsCredentials {
  readonly cert: string | Buffer;
  readonly key: string | Buffer;
}
