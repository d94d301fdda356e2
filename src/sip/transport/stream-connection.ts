// One TCP or TLS connection of the stream transport: an RFC 5626 flow that frames
// inbound bytes per RFC 3261 §18.3, answers CRLF pings and closes when idle, malformed, or (accepted ones)
// silent: no SIP request within the first-request deadline.
import type { Socket } from 'node:net';
import type { Clock } from '../../shared/index.ts';
import type { Endpoint, TransportProtocol } from './endpoint.ts';
import { normalizeAddress } from './flow-table.ts';
import { startsWithRequestLine } from './connection-gate.ts';
import { IdleTimer } from './idle-timer.ts';
import { StreamFramer, type StreamFramerLimits } from './stream-framer.ts';
import { describeError, type TransportStats } from './transport-stats.ts';

const PONG = Buffer.from('\r\n');

export interface StreamConnectionOptions {
  readonly protocol: Extract<TransportProtocol, 'tcp' | 'tls'>;
  readonly flowId: string;
  readonly remote: Endpoint;
  /** False for a connection we are still dialling: writes wait for it. */
  readonly connected: boolean;
  readonly limits: StreamFramerLimits;
  readonly clock: Clock;
  readonly idleTimeoutMs: number;
  /** Accepted connections: closed unless a SIP request arrives this soon (0 or undefined = no deadline). */
  readonly firstRequestTimeoutMs?: number;
  readonly connectTimeoutMs: number;
  /** Bytes queued in the socket beyond which send() fails instead of buffering without bound. */
  readonly maxWriteBuffer: number;
  readonly stats: TransportStats;
  readonly onClose: (connection: StreamConnection) => void;
}

export class StreamConnection {
  readonly flowId: string;
  readonly remote: Endpoint;
  readonly ready: Promise<void>;
  private readonly framer: StreamFramer;
  private readonly idle: IdleTimer;
  private readonly stats: TransportStats;
  private cancelConnectTimer: (() => void) | undefined;
  /** Set until the first SIP request arrives on an accepted connection. */
  private cancelFirstRequest: (() => void) | undefined;
  private closed = false;

  constructor(
    private readonly socket: Socket,
    private readonly options: StreamConnectionOptions,
  ) {
    this.flowId = options.flowId;
    this.remote = options.remote;
    this.stats = options.stats;
    this.framer = new StreamFramer(options.limits);
    this.idle = new IdleTimer(options.clock, options.idleTimeoutMs, () => this.stats.guard('idle timeout', () => this.close()));
    let settle: { resolve: () => void; reject: (error: Error) => void } | undefined;
    this.ready = new Promise<void>((resolve, reject) => {
      settle = { resolve, reject };
    });
    // Nobody may be waiting yet; an unobserved rejection must not crash the process.
    this.ready.catch(() => undefined);
    if (options.connected) settle?.resolve();
    else this.dial(settle);
    const deadline = options.firstRequestTimeoutMs ?? 0;
    if (deadline > 0 && Number.isFinite(deadline)) {
      this.cancelFirstRequest = options.clock.setTimer(deadline, () =>
        this.stats.guard('first request timeout', () => {
          // A refusal of the peer's making: counted with the refused connections.
          this.stats.report({ kind: 'refused', message: `closed: no SIP request within ${deadline} ms`, flowId: this.flowId, remote: this.remote });
          this.close();
        }),
      );
    }

    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.stats.guard('stream data', () => this.onData(chunk)));
    socket.on('error', (error) => {
      this.stats.report({ kind: 'socket', message: describeError(error), flowId: this.flowId, remote: this.remote });
      settle?.reject(error);
    });
    socket.on('close', () =>
      this.stats.guard('stream close', () => {
        settle?.reject(new Error(`connection to ${this.remote.address}:${this.remote.port} closed`));
        this.finish();
      }),
    );
  }

  /** The socket's own address and port (an ephemeral port on connections we dialled). */
  get local(): Endpoint {
    return { protocol: this.options.protocol, address: normalizeAddress(this.socket.localAddress ?? ''), port: this.socket.localPort ?? 0 };
  }

  get isOpen(): boolean {
    return !this.closed && !this.socket.destroyed;
  }

  async write(data: Buffer): Promise<void> {
    try {
      await this.ready;
    } catch (error) {
      throw this.stats.sendFailed(`connection to ${this.remote.address}:${this.remote.port} failed: ${describeError(error)}`);
    }
    if (!this.isOpen) throw this.stats.sendFailed(`connection ${this.flowId} is closed`);
    if (this.socket.writableLength > this.options.maxWriteBuffer) {
      throw this.stats.sendFailed(`connection ${this.flowId} send buffer is full`);
    }
    await new Promise<void>((resolve, reject) => {
      this.socket.write(data, (error) => {
        if (error) reject(this.stats.sendFailed(`write on ${this.flowId} failed: ${describeError(error)}`));
        else resolve();
      });
    });
    this.stats.sent(data.length);
    this.idle.touch();
  }

  close(): void {
    this.socket.destroy();
    this.finish();
  }

  private dial(settle: { resolve: () => void; reject: (error: Error) => void } | undefined): void {
    const connectEvent = this.options.protocol === 'tls' ? 'secureConnect' : 'connect';
    this.cancelConnectTimer = this.options.clock.setTimer(this.options.connectTimeoutMs, () =>
      this.stats.guard('connect timeout', () => {
        settle?.reject(new Error(`connect to ${this.remote.address}:${this.remote.port} timed out`));
        this.close();
      }),
    );
    this.socket.once(connectEvent, () => {
      this.cancelConnectTimer?.();
      this.idle.touch();
      settle?.resolve();
    });
  }

  private onData(chunk: Buffer): void {
    this.idle.touch();
    for (const output of this.framer.push(chunk)) {
      // The listener may have closed this flow while handling the previous message.
      if (!this.isOpen) return;
      if (output.kind === 'message') {
        if (this.cancelFirstRequest !== undefined && startsWithRequestLine(output.data)) {
          this.cancelFirstRequest();
          this.cancelFirstRequest = undefined;
        }
        this.stats.deliver({ data: output.data, source: this.remote, local: this.local, flowId: this.flowId });
      } else if (output.kind === 'ping') {
        this.stats.counters.keepAlivesIn++;
        this.stats.counters.keepAlivesOut++;
        this.socket.write(PONG);
      } else if (output.kind === 'pong') {
        this.stats.counters.keepAlivesIn++;
      } else {
        // The stream can no longer be delimited, so nothing after this point can be trusted.
        this.stats.report({ kind: 'framing', message: output.reason, flowId: this.flowId, remote: this.remote });
        this.close();
        return;
      }
    }
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.idle.stop();
    this.cancelConnectTimer?.();
    this.cancelFirstRequest?.();
    this.options.onClose(this);
  }
}
