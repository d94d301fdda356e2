// SIP over UDP (RFC 3261 §18.1, §18.2): one datagram is one message. IPv4 or IPv6
// by the bind address; a socket bound to `::` also serves IPv4 peers. On a wildcard bind each datagram's
// `local` is the address the peer reaches (local-routes.ts), so Contact and SDP name it, not the host's main one.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIPv4, isIPv6 } from 'node:net';
import { silentLogger, type Logger } from '../../shared/index.ts';
import type { Endpoint } from './endpoint.ts';
import { normalizeAddress } from './flow-table.ts';
import { LocalRoutes, WILDCARD_ADDRESSES } from './local-routes.ts';
import type { Transport, TransportCounters, TransportListener } from './transport.ts';
import { describeError, TransportStats } from './transport-stats.ts';

export interface UdpTransportOptions {
  readonly host: string;
  /** 0 picks a free port; `local.port` tells which. */
  readonly port: number;
  /** Larger datagrams are dropped on receipt and refused on send (default 65507, the IPv4 UDP maximum). */
  readonly maxDatagramSize?: number;
  readonly logger?: Logger;
}

const MAX_UDP_PAYLOAD = 65_507;

/** A datagram of nothing but CR and LF: a keep-alive some UAs send on UDP, not a message. */
function isKeepAlive(data: Buffer): boolean {
  for (const byte of data) if (byte !== 0x0d && byte !== 0x0a) return false;
  return true;
}

export class UdpTransport implements Transport {
  readonly protocol = 'udp' as const;
  private readonly stats: TransportStats;
  private readonly socket: Socket;
  private readonly maxDatagramSize: number;
  private readonly ipv6: boolean;
  private localEndpoint: Endpoint;
  /** Set when bound to a wildcard address: our address towards each peer. */
  private routes: LocalRoutes | undefined;
  private closed = false;

  /** Binds host:port and starts receiving. */
  static async listen(options: UdpTransportOptions, listener: TransportListener): Promise<UdpTransport> {
    const transport = new UdpTransport(options, listener);
    await transport.bind(options);
    return transport;
  }

  private constructor(options: UdpTransportOptions, listener: TransportListener) {
    this.stats = new TransportStats('udp', listener, options.logger ?? silentLogger);
    this.maxDatagramSize = Math.min(options.maxDatagramSize ?? MAX_UDP_PAYLOAD, MAX_UDP_PAYLOAD);
    this.localEndpoint = { protocol: 'udp', address: options.host, port: options.port };
    this.ipv6 = isIPv6(options.host);
    // Bursts (every phone re-registering after an outage) overflow the default ~200 KB queue and are lost as
    // retransmissions; ask for 4 MiB each way (the kernel caps it at net.core.rmem_max / wmem_max).
    this.socket = createSocket({ type: this.ipv6 ? 'udp6' : 'udp4', ipv6Only: false, recvBufferSize: 4 << 20, sendBufferSize: 4 << 20 });
    this.socket.on('message', (data: Buffer, rinfo: RemoteInfo) => this.stats.guard('udp message', () => this.onMessage(data, rinfo)));
    this.socket.on('error', (error) => this.stats.report({ kind: 'socket', message: describeError(error) }));
  }

  get local(): Endpoint {
    return this.localEndpoint;
  }

  counters(): TransportCounters {
    return this.stats.snapshot();
  }

  async send(data: Buffer, destination: Endpoint): Promise<void> {
    if (this.closed) throw this.stats.sendFailed('udp transport is closed');
    // RFC 3261 §18.1.1 sends large requests over TCP instead; choosing that is the caller's job.
    if (data.length > this.maxDatagramSize) {
      throw this.stats.sendFailed(`datagram of ${data.length} bytes exceeds ${this.maxDatagramSize}`, 'invalid_parameter');
    }
    const address = this.targetAddress(destination.address);
    await new Promise<void>((resolve, reject) => {
      this.socket.send(data, destination.port, address, (error) => {
        if (error) reject(this.stats.sendFailed(`udp send to ${destination.address}:${destination.port} failed: ${describeError(error)}`));
        else resolve();
      });
    });
    this.stats.sent(data.length);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }

  private async bind(options: UdpTransportOptions): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      this.socket.once('error', onError);
      this.socket.bind({ address: options.host, port: options.port, exclusive: true }, () => {
        this.socket.off('error', onError);
        resolve();
      });
    });
    const address = this.socket.address();
    this.localEndpoint = { protocol: 'udp', address: normalizeAddress(address.address), port: address.port };
    if (WILDCARD_ADDRESSES.has(this.localEndpoint.address)) this.routes = new LocalRoutes();
  }

  /** An IPv6 socket reaches IPv4 peers through their mapped address. */
  private targetAddress(address: string): string {
    const plain = normalizeAddress(address);
    return this.ipv6 && isIPv4(plain) ? `::ffff:${plain}` : plain;
  }

  private onMessage(data: Buffer, rinfo: RemoteInfo): void {
    if (data.length > this.maxDatagramSize) {
      this.stats.report({ kind: 'oversize', message: `datagram of ${data.length} bytes from ${rinfo.address}:${rinfo.port} dropped` });
      return;
    }
    if (isKeepAlive(data)) {
      this.stats.counters.keepAlivesIn++;
      return;
    }
    const source: Endpoint = { protocol: 'udp', address: normalizeAddress(rinfo.address), port: rinfo.port };
    const routes = this.routes;
    if (routes === undefined) return this.stats.deliver({ data, source, local: this.localEndpoint, flowId: undefined });
    const known = routes.cached(source.address);
    if (known !== undefined) return this.stats.deliver({ data, source, local: this.reached(known), flowId: undefined });
    // A new peer waits for one route lookup. Datagrams from it arriving meanwhile wait on the same promise and are
    // delivered in arrival order; without an answer the wildcard endpoint stands (the stack's advertised address).
    void routes.lookup(source.address).then((address) => {
      if (this.closed) return;
      this.stats.guard('udp message', () => this.stats.deliver({ data, source, local: address === undefined ? this.localEndpoint : this.reached(address), flowId: undefined }));
    });
  }

  localToward(destination: Endpoint): Endpoint | undefined {
    const address = this.routes?.cached(normalizeAddress(destination.address));
    return address === undefined ? undefined : this.reached(address);
  }

  private reached(address: string): Endpoint {
    return { protocol: 'udp', address, port: this.localEndpoint.port };
  }
}
