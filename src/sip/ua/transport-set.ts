// The stack's transports, one per protocol, and which one (and which connection) carries a message:
// responses go back over the transport and flow the request came on (RFC 3261 §18.2.2, RFC 5626 §5).
import { networkInterfaces } from 'node:os';
import type { Logger } from '../../shared/index.ts';
import {
  TcpTransport,
  UdpTransport,
  WsTransport,
  normalizeAddress,
  type Endpoint,
  type Transport,
  type TransportCounters,
  type TransportListener,
  type TransportProtocol,
} from '../transport/index.ts';
import { defaultPort } from './inbound-via.ts';
import type { SipStackOptions } from './stack-types.ts';

export interface Route {
  readonly transport: Transport;
  readonly flowId: string | undefined;
}

export class TransportSet {
  private readonly byProtocol = new Map<TransportProtocol, Transport>();
  /** Destinations we handed to the transaction layer, by identity, with the flow they must use. */
  private readonly routes = new WeakMap<Endpoint, Route>();
  private readonly sentBys = new Set<string>();

  private constructor(
    private readonly transports: readonly Transport[],
    private readonly host: string,
  ) {
    for (const transport of transports) {
      this.byProtocol.set(transport.protocol, transport);
      this.sentBys.add(sentByKey(host, transport.local.port));
    }
  }

  /** Opens every configured transport; if one fails to bind, the ones already open are closed again. */
  static async open(options: SipStackOptions, listener: TransportListener): Promise<TransportSet> {
    const opened: Transport[] = [];
    const common = { clock: options.clock, logger: options.logger };
    try {
      if (options.udp) opened.push(await UdpTransport.listen({ ...options.udp, logger: options.logger }, listener));
      if (options.tcp) opened.push(await TcpTransport.listen({ ...options.tcp, ...common }, listener));
      if (options.ws) opened.push(await WsTransport.listen({ ...options.ws, ...common }, listener));
      for (const factory of options.transports ?? []) opened.push(await factory(listener));
      const protocols = opened.map((t) => t.protocol);
      if (opened.length === 0) throw new Error('SipStack needs at least one transport');
      if (new Set(protocols).size !== protocols.length) throw new Error(`one transport per protocol: ${protocols.join(', ')}`);
    } catch (error) {
      await Promise.allSettled(opened.map((t) => t.close()));
      throw error;
    }
    return new TransportSet(opened, options.publicHost ?? advertisedHost(opened, options.logger));
  }

  /** The host written into our Via sent-by. */
  get sentByHost(): string {
    return this.host;
  }

  get(protocol: TransportProtocol): Transport | undefined {
    return this.byProtocol.get(protocol);
  }

  /** A destination object that carries its route: the transaction layer passes it back to send(). */
  pin(destination: Endpoint, route: Route): Endpoint {
    const pinned: Endpoint = { protocol: destination.protocol, address: destination.address, port: destination.port };
    this.routes.set(pinned, route);
    return pinned;
  }

  /** The pinned route of `destination`, or the transport of its protocol. */
  route(destination: Endpoint): Route | undefined {
    const pinned = this.routes.get(destination);
    if (pinned) return pinned;
    const transport = this.byProtocol.get(destination.protocol);
    return transport === undefined ? undefined : { transport, flowId: undefined };
  }

  /** §18.1.2: whether a response's top Via sent-by is one we put into requests. */
  isOurSentBy(host: string, port: number | undefined, viaTransport: string): boolean {
    // We always write the port; a Via without one names the transport's default (§18.1.2, §19.1.2).
    const secure = viaTransport === 'TLS' || viaTransport === 'WSS';
    return this.sentBys.has(sentByKey(host, port ?? defaultPort(secure ? 'tls' : 'udp')));
  }

  counters(): Record<string, TransportCounters> {
    return Object.fromEntries(this.transports.map((t) => [t.protocol, t.counters()]));
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.transports.map((t) => t.close()));
  }
}

function sentByKey(host: string, port: number): string {
  return `${normalizeAddress(host)}|${port}`;
}

const WILDCARDS = new Set(['0.0.0.0', '::', '::0', '']);

/** The bound address, or for a wildcard bind the first non-internal IPv4 (127.0.0.1 when there is none). */
function advertisedHost(transports: readonly Transport[], logger: Logger): string {
  const bound = transports.map((t) => normalizeAddress(t.local.address)).find((address) => !WILDCARDS.has(address));
  if (bound !== undefined) return bound;
  for (const addresses of Object.values(networkInterfaces())) {
    const found = addresses?.find((a) => a.family === 'IPv4' && !a.internal);
    if (found) return found.address;
  }
  logger.warn('SipStack: no non-loopback IPv4 address to advertise in Via; using 127.0.0.1 (set publicHost)');
  return '127.0.0.1';
}
