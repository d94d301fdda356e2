// An in-memory Transport (RFC 3261 §18 interface) for upper-layer tests: records what the stack sends and
// injects packets as if they had arrived, with no sockets and no waiting.
import { isReliable, type Endpoint, type InboundPacket, type Transport, type TransportCounters, type TransportListener, type TransportProtocol } from '../transport/index.ts';

export interface SentPacket {
  readonly data: Buffer;
  readonly destination: Endpoint;
  readonly flowId: string | undefined;
}

export class FakeTransport implements Transport {
  readonly protocol: TransportProtocol;
  readonly local: Endpoint;
  readonly sent: SentPacket[] = [];
  private listener: TransportListener | undefined;
  private closed = false;
  /** Set to make the next sends reject, as a refused connection would (§17.1.4). */
  failSends = false;
  private readonly stats: TransportCounters = {
    packetsIn: 0, packetsOut: 0, bytesIn: 0, bytesOut: 0, keepAlivesIn: 0, keepAlivesOut: 0, framingErrors: 0,
    oversizeDropped: 0, sendErrors: 0, socketErrors: 0, listenerErrors: 0, internalErrors: 0,
    connectionsOpened: 0, connectionsClosed: 0, connectionsRefused: 0, connectionsOpen: 0,
  };

  constructor(local: Endpoint = { protocol: 'udp', address: '192.0.2.1', port: 5060 }) {
    this.protocol = local.protocol;
    this.local = local;
  }

  /** For SipStackOptions.transports: `transports: [(listener) => fake.attach(listener)]`. */
  attach(listener: TransportListener): this {
    this.listener = listener;
    return this;
  }

  /** Delivers `data` to the stack as if it came from `source` (on connection transports, over `flowId`). */
  inject(data: string | Buffer, source: Endpoint, flowId?: string): void {
    if (this.listener === undefined || this.closed) throw new Error('FakeTransport is not attached or is closed');
    const buffer = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    this.stats.packetsIn++;
    this.stats.bytesIn += buffer.length;
    const flow = flowId ?? (isReliable(this.protocol) ? `${this.protocol}-fake-${source.address}:${source.port}` : undefined);
    const packet: InboundPacket = { data: buffer, source: { ...source, protocol: this.protocol }, local: this.local, flowId: flow };
    this.listener.onPacket(packet);
  }

  /** Tells the stack a connection ended (RFC 5626 flow). */
  closeFlow(flowId: string, remote: Endpoint): void {
    this.listener?.onFlowClosed?.(flowId, remote);
  }

  async send(data: Buffer, destination: Endpoint, flowId?: string): Promise<void> {
    if (this.closed) throw new Error('FakeTransport is closed');
    if (this.failSends) {
      this.stats.sendErrors++;
      throw new Error(`FakeTransport: send to ${destination.address}:${destination.port} refused`);
    }
    this.sent.push({ data: Buffer.from(data), destination, flowId });
    this.stats.packetsOut++;
    this.stats.bytesOut += data.length;
  }

  /** The sent packets as text, oldest first. */
  texts(): string[] {
    return this.sent.map((packet) => packet.data.toString('utf8'));
  }

  /** Forgets what was sent so far. */
  clear(): void {
    this.sent.length = 0;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  counters(): TransportCounters {
    return { ...this.stats };
  }
}
