// SIP over WebSocket, RFC 7118: a WebSocket server (WSS when given a certificate) where
// each WS message, text or binary, is one SIP message, and each connection is a flow.
// Connections are capped per source from the first byte and must send a SIP request soon (connection-gate.ts).
import { isUtf8 } from 'node:buffer';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { silentLogger, systemClock, type CancelTimer, type Clock, type Logger } from '../../shared/index.ts';
import { CONNECTION_DEFAULTS, ConnectionGate, startsWithRequestLine, type ConnectionLimits } from './connection-gate.ts';
import { WsHandshakes } from './ws-handshakes.ts';
import type { Endpoint } from './endpoint.ts';
import { FlowTable, newFlowId, normalizeAddress } from './flow-table.ts';
import type { TlsCredentials, Transport, TransportCounters, TransportListener } from './transport.ts';
import { describeError, TransportStats } from './transport-stats.ts';

export interface WsTransportOptions extends ConnectionLimits {
  readonly host: string;
  /** 0 picks a free port; `local.port` tells which. */
  readonly port: number;
  /** With it the server is HTTPS and the transport calls itself 'wss'. */
  readonly tls?: TlsCredentials;
  readonly maxConnections?: number;
  /** Largest WS message accepted (default 64 KiB); a bigger one closes the connection with 1009. */
  readonly maxMessageBytes?: number;
  /** WS ping period (default 30 s; 0 never); a peer that missed the previous pong is dropped. */
  readonly pingIntervalMs?: number;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

interface WsFlow {
  readonly flowId: string;
  readonly remote: Endpoint;
  readonly local: Endpoint;
  readonly socket: WebSocket;
  alive: boolean;
  /** Set until the flow's first SIP request: cancels the first-request deadline. */
  firstRequest: CancelTimer | undefined;
}

const SUBPROTOCOL = 'sip';
const PONG = '\r\n'; // a text frame, as clients that ping with CRLF expect
const DEFAULTS = { maxConnections: 1024, maxMessageBytes: 65_536, pingIntervalMs: 30_000 } as const;

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}

/** Only CR and LF: the CRLF keep-alive some WS clients (SIP.js) send, as on TCP (RFC 5626 §3.5.1). */
function isKeepAlive(data: Buffer): boolean {
  for (const byte of data) if (byte !== 0x0d && byte !== 0x0a) return false;
  return true;
}

function offeredProtocols(header: string | undefined): string[] {
  return (header ?? '').split(',').map((token) => token.trim());
}

function refuseUpgrade(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

export class WsTransport implements Transport {
  readonly protocol: 'ws' | 'wss';
  private readonly flows = new FlowTable<WsFlow>();
  private readonly stats: TransportStats;
  private readonly server: Server;
  private readonly wss: WebSocketServer;
  private readonly clock: Clock;
  private readonly gate: ConnectionGate;
  private readonly handshakes: WsHandshakes;
  private localEndpoint: Endpoint;
  private cancelPing: CancelTimer | undefined;
  private closing = false;

  /** Binds host:port and starts accepting WebSocket upgrades that ask for the `sip` subprotocol. */
  static async listen(options: WsTransportOptions, listener: TransportListener): Promise<WsTransport> {
    const transport = new WsTransport(options, listener);
    await transport.bind();
    transport.schedulePing();
    return transport;
  }

  private constructor(
    private readonly options: WsTransportOptions,
    listener: TransportListener,
  ) {
    this.protocol = options.tls ? 'wss' : 'ws';
    this.clock = options.clock ?? systemClock;
    this.stats = new TransportStats(this.protocol, listener, options.logger ?? silentLogger);
    this.localEndpoint = { protocol: this.protocol, address: options.host, port: options.port };
    this.gate = new ConnectionGate(options);
    const firstRequestMs = options.firstMessageTimeoutMs ?? CONNECTION_DEFAULTS.firstMessageTimeoutMs;
    // The TLS handshake is part of the time a connection has to say something (Node's default would be 120 s).
    this.server = options.tls
      ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key, ...(firstRequestMs > 0 ? { handshakeTimeout: firstRequestMs } : {}) })
      : createHttpServer();
    const report = (message: string): void => this.stats.report({ kind: 'refused', message });
    this.handshakes = new WsHandshakes(this.clock, options.maxConnections ?? DEFAULTS.maxConnections, firstRequestMs, report, (where, handler) => this.stats.guard(where, handler));
    this.server.prependListener('connection', (socket: Socket) => this.stats.guard('ws connection', () => this.admit(socket)));
    // The deadline runs on the socket the upgrade request arrives on: the TLS socket for WSS, else the raw one.
    if (options.tls) this.server.on('secureConnection', (socket: TLSSocket) => this.stats.guard('wss connection', () => this.handshakes.start(socket)));
    this.wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      maxPayload: options.maxMessageBytes ?? DEFAULTS.maxMessageBytes,
      handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
    });
    this.wss.on('wsClientError', (error, socket) =>
      this.stats.guard('ws handshake error', () => {
        this.stats.report({ kind: 'refused', message: `WebSocket handshake: ${describeError(error)}` });
        refuseUpgrade(socket, '400 Bad WebSocket Handshake');
      }),
    );
    // Plain HTTP gets told that only WebSocket is spoken here.
    this.server.on('request', (_request, response) =>
      this.stats.guard('http request', () => response.writeHead(426, { Upgrade: 'websocket', Connection: 'close' }).end()),
    );
    this.server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.stats.guard('ws upgrade', () => this.upgrade(request, socket, head)),
    );
    this.server.on('tlsClientError', (error: Error) => this.stats.report({ kind: 'socket', message: `TLS handshake: ${describeError(error)}` }));
    this.server.on('clientError', (error: Error, socket: Duplex) => {
      this.stats.report({ kind: 'socket', message: `HTTP: ${describeError(error)}` });
      socket.destroy();
    });
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

  /** On the flow `flowId`, else on any flow from `destination`: a WS server cannot dial out. */
  localToward(destination: Endpoint, flowId?: string): Endpoint | undefined {
    return this.flows.route(destination, flowId)?.local;
  }

  async send(data: Buffer, destination: Endpoint, flowId?: string): Promise<void> {
    const flow = this.flows.route(destination, flowId);
    if (!flow || flow.socket.readyState !== WebSocket.OPEN) {
      throw this.stats.sendFailed(`no open ${this.protocol} flow to ${destination.address}:${destination.port}`);
    }
    if (flow.socket.bufferedAmount > 16 * (this.options.maxMessageBytes ?? DEFAULTS.maxMessageBytes)) {
      throw this.stats.sendFailed(`flow ${flow.flowId} send buffer is full`);
    }
    // RFC 7118 §4.2 allows both frame types; text frames need valid UTF-8, so others go binary.
    const binary = !isUtf8(data);
    await new Promise<void>((resolve, reject) => {
      flow.socket.send(data, { binary }, (error) => {
        if (error) reject(this.stats.sendFailed(`send on ${flow.flowId} failed: ${describeError(error)}`));
        else resolve();
      });
    });
    this.stats.sent(data.length);
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.cancelPing?.();
    for (const flow of this.flows.values()) flow.socket.terminate();
    this.server.closeAllConnections();
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

  /** Counts a new connection against its source, or drops it when the source holds its share. */
  private admit(socket: Socket): void {
    socket.on('error', () => undefined); // a reset before the upgrade is not ours to crash on
    const release = this.gate.admit(socket.remoteAddress ?? '');
    if (release === undefined) {
      this.stats.report({ kind: 'refused', message: `refused connection from ${socket.remoteAddress ?? '?'}: its ${this.gate.countFrom(socket.remoteAddress ?? '')} connections are its share` });
      socket.destroy();
      return;
    }
    socket.once('close', release);
    if (!this.options.tls) this.handshakes.start(socket);
  }

  /** Connections open from the source of `address`, upgraded or not. */
  connectionsFrom(address: string): number {
    return this.gate.countFrom(address);
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => undefined); // a reset during the handshake is not ours to crash on
    // RFC 7118 §4.1: the client MUST include "sip" in Sec-WebSocket-Protocol; a server that
    // does not answer with it would make the client fail the connection, so refuse outright.
    if (!offeredProtocols(request.headers['sec-websocket-protocol']).includes(SUBPROTOCOL)) {
      this.stats.report({ kind: 'refused', message: `upgrade without the '${SUBPROTOCOL}' subprotocol from ${request.socket.remoteAddress ?? '?'}` });
      refuseUpgrade(socket, '400 Missing sip WebSocket Subprotocol');
      return;
    }
    const max = this.options.maxConnections ?? DEFAULTS.maxConnections;
    if (this.closing || this.flows.size >= max) {
      this.stats.report({ kind: 'refused', message: `refused upgrade: ${this.flows.size} connections open` });
      refuseUpgrade(socket, '503 Service Unavailable');
      return;
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => this.stats.guard('ws open', () => this.open(ws, request)));
  }

  private open(socket: WebSocket, request: IncomingMessage): void {
    const raw = request.socket;
    const flow: WsFlow = {
      flowId: newFlowId(this.protocol),
      remote: { protocol: this.protocol, address: normalizeAddress(raw.remoteAddress ?? ''), port: raw.remotePort ?? 0 },
      local: { protocol: this.protocol, address: normalizeAddress(raw.localAddress ?? ''), port: raw.localPort ?? 0 },
      socket,
      alive: true,
      firstRequest: this.handshakes.upgraded(raw),
    };
    this.flows.add(flow);
    this.stats.counters.connectionsOpened++;
    this.stats.counters.connectionsOpen++;
    socket.on('message', (data, _isBinary) => this.stats.guard('ws message', () => this.onMessage(flow, toBuffer(data))));
    socket.on('pong', () => {
      flow.alive = true;
    });
    socket.on('error', (error: Error & { code?: string }) => {
      // ws names protocol violations (too big, bad UTF-8 in a text frame, bad opcode) WS_ERR_*.
      const kind = error.code?.startsWith('WS_ERR_') ? 'framing' : 'socket';
      this.stats.report({ kind, message: describeError(error), flowId: flow.flowId, remote: flow.remote });
    });
    socket.on('close', () =>
      this.stats.guard('ws close', () => {
        if (this.flows.remove(flow)) this.stats.flowClosed(flow.flowId, flow.remote);
      }),
    );
  }

  private onMessage(flow: WsFlow, data: Buffer): void {
    flow.alive = true;
    if (isKeepAlive(data)) {
      this.stats.counters.keepAlivesIn++;
      if (data.includes('\r\n\r\n')) {
        this.stats.counters.keepAlivesOut++;
        flow.socket.send(PONG);
      }
      return;
    }
    if (flow.firstRequest !== undefined && startsWithRequestLine(data)) {
      flow.firstRequest();
      flow.firstRequest = undefined;
    }
    this.stats.deliver({ data, source: flow.remote, local: flow.local, flowId: flow.flowId });
  }

  /** RFC 7118 §6 leaves keep-alive to WS ping/pong: a flow silent for a whole period is dead. */
  private schedulePing(): void {
    const period = this.options.pingIntervalMs ?? DEFAULTS.pingIntervalMs;
    if (!(period > 0) || !Number.isFinite(period)) return;
    this.cancelPing = this.clock.setTimer(period, () =>
      this.stats.guard('ws ping', () => {
        for (const flow of this.flows.values()) {
          if (!flow.alive) {
            this.stats.report({ kind: 'socket', message: 'no pong within a ping period', flowId: flow.flowId, remote: flow.remote });
            flow.socket.terminate();
          } else {
            flow.alive = false;
            flow.socket.ping();
          }
        }
        if (!this.closing) this.schedulePing();
      }),
    );
  }
}
