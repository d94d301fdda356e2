// SIP over TCP and, given a certificate, over TLS (RFC 3261 §18.3, §26.2): a listening
// server plus connections we dial; each connection is a flow, reused for later traffic to its peer.
// Inbound connections are capped per source and must send a SIP request soon (connection-gate.ts).
import { createServer as createNetServer, connect as netConnect, isIPv6, type Server, type Socket } from 'node:net';
import { connect as tlsConnect, createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { silentLogger, systemClock, type Clock, type Logger } from '../../shared/index.ts';
import { CONNECTION_DEFAULTS, ConnectionGate, type ConnectionLimits } from './connection-gate.ts';
import type { Endpoint } from './endpoint.ts';
import { FlowTable, newFlowId, normalizeAddress } from './flow-table.ts';
import { StreamConnection } from './stream-connection.ts';
import { DEFAULT_STREAM_LIMITS } from './stream-framer.ts';
import type { TlsCredentials, Transport, TransportCounters, TransportListener } from './transport.ts';
import { describeError, TransportStats } from './transport-stats.ts';

export interface StreamTlsOptions extends TlsCredentials {
  /** Trusted CAs for connections we dial (default: Node's bundle). */
  readonly ca?: string | Buffer | ReadonlyArray<string | Buffer>;
  /** Verify the peer's certificate on connections we dial (default true, RFC 5922 §7). */
  readonly rejectUnauthorized?: boolean;
  /** The name to send as SNI and to check the certificate against, for a destination we dial. */
  readonly serverName?: (destination: Endpoint) => string | undefined;
  readonly handshakeTimeoutMs?: number;
}

export interface TcpTransportOptions extends ConnectionLimits {
  readonly host: string;
  /** 0 picks a free port; `local.port` tells which. */
  readonly port: number;
  /** With it the transport speaks TLS and calls itself 'tls'. */
  readonly tls?: StreamTlsOptions;
  /** Inbound and outbound together (default 1024). */
  readonly maxConnections?: number;
  /** Close a connection after this long without traffic (default 300 s; 0 never). */
  readonly idleTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
  readonly maxMessageBytes?: number;
  readonly maxHeaderBytes?: number;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

const DEFAULTS = { maxConnections: 1024, idleTimeoutMs: 300_000, connectTimeoutMs: 10_000, handshakeTimeoutMs: 10_000 } as const;

export class TcpTransport implements Transport {
  readonly protocol: 'tcp' | 'tls';
  private readonly flows = new FlowTable<StreamConnection>();
  private readonly stats: TransportStats;
  private readonly server: Server;
  /** Every accepted socket, TLS handshakes in progress included, so close() can end them all. */
  private readonly sockets = new Set<Socket>();
  private readonly gate: ConnectionGate;
  private localEndpoint: Endpoint;
  private closing = false;

  /** Binds host:port and starts accepting connections. */
  static async listen(options: TcpTransportOptions, listener: TransportListener): Promise<TcpTransport> {
    const transport = new TcpTransport(options, listener);
    await transport.bind();
    return transport;
  }

  private constructor(
    private readonly options: TcpTransportOptions,
    listener: TransportListener,
  ) {
    this.protocol = options.tls ? 'tls' : 'tcp';
    this.stats = new TransportStats(this.protocol, listener, options.logger ?? silentLogger);
    this.localEndpoint = { protocol: this.protocol, address: options.host, port: options.port };
    const max = options.maxConnections ?? DEFAULTS.maxConnections;
    this.gate = new ConnectionGate(options);
    if (options.tls) {
      const tls = options.tls;
      const server = createTlsServer({ cert: tls.cert, key: tls.key, handshakeTimeout: tls.handshakeTimeoutMs ?? DEFAULTS.handshakeTimeoutMs });
      server.on('secureConnection', (socket: TLSSocket) => this.stats.guard('tls accept', () => this.accept(socket)));
      server.on('tlsClientError', (error) => this.stats.report({ kind: 'socket', message: `TLS handshake: ${describeError(error)}` }));
      this.server = server;
    } else {
      this.server = createNetServer();
    }
    // A first guard that also covers TLS handshakes in progress; accept() counts all flows.
    this.server.maxConnections = max;
    this.server.on('drop', (data) =>
      this.stats.report({ kind: 'refused', message: `refused connection from ${data?.remoteAddress ?? '?'}: ${max} connections open` }),
    );
    // Every raw connection, TLS handshakes included, counts against its source from the start. Prepended, so a TLS
    // connection over its source's share is dropped before the handshake is worked on.
    this.server.prependListener('connection', (socket: Socket) =>
      this.stats.guard('tcp connection', () => {
        socket.on('error', () => undefined); // until StreamConnection takes over, or after a refusal
        const release = this.gate.admit(socket.remoteAddress ?? '');
        if (release === undefined) {
          this.stats.report({ kind: 'refused', message: `refused connection from ${socket.remoteAddress ?? '?'}: its ${this.gate.countFrom(socket.remoteAddress ?? '')} connections are its share` });
          socket.destroy();
          return;
        }
        this.sockets.add(socket);
        socket.once('close', () => {
          this.sockets.delete(socket);
          release();
        });
        if (!options.tls) this.accept(socket);
      }),
    );
    this.server.on('error', (error) => this.stats.report({ kind: 'socket', message: `server: ${describeError(error)}` }));
  }

  get local(): Endpoint {
    return this.localEndpoint;
  }

  counters(): TransportCounters {
    return this.stats.snapshot();
  }

  get connectionCount(): number {
    return this.flows.size;
  }

  localToward(destination: Endpoint, flowId?: string): Endpoint | undefined {
    return this.flows.route(destination, flowId)?.local;
  }

  async send(data: Buffer, destination: Endpoint, flowId?: string): Promise<void> {
    if (this.closing) throw this.stats.sendFailed(`${this.protocol} transport is closed`);
    const existing = this.flows.route(destination, flowId);
    const connection = existing?.isOpen ? existing : this.dial(destination);
    await connection.write(data);
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const connection of this.flows.values()) connection.close();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async bind(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      this.server.once('error', onError);
      this.server.listen({ host: this.options.host, port: this.options.port, ipv6Only: false }, () => {
        this.server.off('error', onError);
        resolve();
      });
    });
    const address = this.server.address();
    if (address !== null && typeof address === 'object') {
      this.localEndpoint = { protocol: this.protocol, address: normalizeAddress(address.address), port: address.port };
    }
  }

  private accept(socket: Socket): void {
    socket.on('error', () => undefined); // until StreamConnection takes over, or after a refusal
    // A TLS socket whose raw connection was refused above still completes nothing: it is already destroyed.
    if (socket.destroyed) return;
    const max = this.options.maxConnections ?? DEFAULTS.maxConnections;
    if (this.closing || this.flows.size >= max || socket.remoteAddress === undefined || socket.remotePort === undefined) {
      this.stats.report({ kind: 'refused', message: `refused connection from ${socket.remoteAddress ?? '?'} (${this.flows.size} open)` });
      socket.destroy();
      return;
    }
    const remote: Endpoint = { protocol: this.protocol, address: normalizeAddress(socket.remoteAddress), port: socket.remotePort };
    this.track(socket, remote, true);
  }

  /** Inbound connections open from the source of `address` (TLS handshakes in progress included). */
  connectionsFrom(address: string): number {
    return this.gate.countFrom(address);
  }

  /** Opens a connection to `destination` (RFC 3261 §18.1.1: when none exists, the client opens one). */
  private dial(destination: Endpoint): StreamConnection {
    const max = this.options.maxConnections ?? DEFAULTS.maxConnections;
    if (this.flows.size >= max) throw this.stats.sendFailed(`connection limit ${max} reached`);
    const host = normalizeAddress(destination.address);
    const remote: Endpoint = { protocol: this.protocol, address: host, port: destination.port };
    const tls = this.options.tls;
    let socket: Socket;
    if (tls) {
      const servername = tls.serverName?.(remote);
      socket = tlsConnect({
        host,
        port: destination.port,
        cert: tls.cert,
        key: tls.key,
        ...(tls.ca === undefined ? {} : { ca: tls.ca as string | Buffer | Array<string | Buffer> }),
        rejectUnauthorized: tls.rejectUnauthorized ?? true,
        // SNI carries host names only; an IP literal is checked against the certificate's IP entries.
        ...(servername === undefined ? {} : { servername }),
      });
    } else {
      socket = netConnect({ host, port: destination.port, family: isIPv6(host) ? 6 : 4 });
    }
    return this.track(socket, remote, false);
  }

  private track(socket: Socket, remote: Endpoint, connected: boolean): StreamConnection {
    const connection = new StreamConnection(socket, {
      protocol: this.protocol,
      flowId: newFlowId(this.protocol),
      remote,
      connected,
      limits: {
        maxMessageBytes: this.options.maxMessageBytes ?? DEFAULT_STREAM_LIMITS.maxMessageBytes,
        maxHeaderBytes: this.options.maxHeaderBytes ?? DEFAULT_STREAM_LIMITS.maxHeaderBytes,
      },
      clock: this.options.clock ?? systemClock,
      idleTimeoutMs: this.options.idleTimeoutMs ?? DEFAULTS.idleTimeoutMs,
      // Only connections a peer opened must prove themselves; ours carry our own requests.
      ...(connected ? { firstRequestTimeoutMs: this.options.firstMessageTimeoutMs ?? CONNECTION_DEFAULTS.firstMessageTimeoutMs } : {}),
      connectTimeoutMs: this.options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
      maxWriteBuffer: 16 * (this.options.maxMessageBytes ?? DEFAULT_STREAM_LIMITS.maxMessageBytes),
      stats: this.stats,
      onClose: (closed) => {
        if (this.flows.remove(closed)) this.stats.flowClosed(closed.flowId, closed.remote);
      },
    });
    this.flows.add(connection);
    this.stats.counters.connectionsOpened++;
    this.stats.counters.connectionsOpen++;
    return connection;
  }
}
