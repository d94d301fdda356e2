// Which carrier (provider) a request's source is: INVITEs from a provider's host are calls arriving on the tenants'
// DIDs, authenticated by where they come from rather than by digest (IP-authenticated trunks). The host's address
// alone is not enough: a phone behind the same NAT, an SBC or any other process on that host shares it, so the
// port and transport of pr_host count too, and pr_match lists the carrier's other sources explicitly.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Clock } from '../../shared/index.ts';
import type { Endpoint } from '../../sip/index.ts';
import type { Store } from '../../store/index.ts';
import { providerTarget, type SipTrunkTarget } from '../dialplan/index.ts';
import { parseIp, parsePrefix, prefixContains, prefixKey, type IpPrefix } from '../registrar/index.ts';

export interface CarrierDirectory {
  /** The enabled provider that `source` (address, port and transport of a request) belongs to, or undefined. */
  carrierAt(source: Endpoint): Promise<SipTrunkTarget | undefined>;
  /** A provider's target by id (outbound calls), or why it cannot be dialled. */
  target(providerId: number): Promise<SipTrunkTarget | undefined>;
  /** The IP address to send to for a target's host (host names resolved). */
  addressOf(target: SipTrunkTarget): Promise<string | undefined>;
}

/** One source a carrier is recognised by; undefined port or protocol = any. */
interface SourceRule {
  readonly target: SipTrunkTarget;
  readonly port: number | undefined;
  readonly protocol: Endpoint['protocol'] | undefined;
}

interface Snapshot {
  readonly readAt: number;
  /** Rules for single addresses, by the address's key: pr_host's first, then pr_match's, in provider order. */
  readonly byAddress: ReadonlyMap<string, readonly SourceRule[]>;
  /** pr_match networks (CIDR), in provider order. */
  readonly networks: ReadonlyArray<SourceRule & { readonly prefix: IpPrefix }>;
}

/** The rule of a provider's own host: its port and transport, as pr_host and pr_transport give them. */
function hostRule(target: SipTrunkTarget): Omit<SourceRule, 'target'> {
  // UDP requests come from the socket the carrier listens on (RFC 3261 §18.1.1 sends from the advertised port in
  // practice, and rport relies on it), so the port tells the carrier from its neighbours. A TCP, TLS or WebSocket
  // connection's source port is ephemeral (§18.3), so there the address and the transport must do.
  return target.transport === 'udp' ? { port: target.port, protocol: 'udp' } : { port: undefined, protocol: target.transport };
}

function matches(rule: SourceRule, source: Endpoint): boolean {
  return (rule.port === undefined || rule.port === source.port) && (rule.protocol === undefined || rule.protocol === source.protocol);
}

/** Providers read from the store at most every `cacheMs` (INVITEs from carriers are frequent, providers rarely change). */
export class StoreCarrierDirectory implements CarrierDirectory {
  private snapshot: Promise<Snapshot> | undefined;

  constructor(private readonly store: Store, private readonly clock: Clock, private readonly cacheMs = 5000) {}

  async carrierAt(source: Endpoint): Promise<SipTrunkTarget | undefined> {
    const ip = parseIp(source.address);
    if (ip === undefined) return undefined;
    const snapshot = await this.current();
    const exact = snapshot.byAddress.get(prefixKey(ip, ip.bytes.length * 8))?.find((rule) => matches(rule, source));
    return exact?.target ?? snapshot.networks.find((rule) => prefixContains(rule.prefix, ip) && matches(rule, source))?.target;
  }

  async target(providerId: number): Promise<SipTrunkTarget | undefined> {
    const row = await this.store.objects('provider').get(null, providerId);
    if (row === undefined || String(row.pr_disabled ?? '') === 'on') return undefined;
    const parsed = providerTarget(row);
    return parsed.ok ? parsed.target : undefined;
  }

  async addressOf(target: SipTrunkTarget): Promise<string | undefined> {
    const host = target.host.replace(/^\[|\]$/g, '');
    if (isIP(host) !== 0) return host;
    try {
      return (await lookup(host)).address;
    } catch {
      return undefined;
    }
  }

  private current(): Promise<Snapshot> {
    const now = this.clock.now().getTime();
    const cached = this.snapshot;
    if (cached !== undefined) {
      return cached.then((s) => (now - s.readAt < this.cacheMs ? s : this.reload(now)));
    }
    return this.reload(now);
  }

  private reload(now: number): Promise<Snapshot> {
    this.snapshot = (async (): Promise<Snapshot> => {
      const rows = await this.store.objects('provider').list(null);
      const hosts: Array<[string, SourceRule]> = [];
      const listed: Array<[string, SourceRule]> = [];
      const networks: Array<SourceRule & { readonly prefix: IpPrefix }> = [];
      for (const row of rows) {
        if (String(row.pr_disabled ?? '') === 'on') continue;
        const parsed = providerTarget(row);
        if (!parsed.ok) continue;
        const target = parsed.target;
        const hostKey = keyOf(await this.addressOf(target));
        if (hostKey !== undefined) hosts.push([hostKey, { target, ...hostRule(target) }]);
        for (const source of target.sources ?? []) {
          // A listed source is taken as written: with a port, that port on any transport; without, any port.
          const rule: SourceRule = { target, port: source.port, protocol: undefined };
          const prefix = parsePrefix(source.prefixLength === undefined ? source.address : `${source.address}/${source.prefixLength}`);
          if (prefix === undefined) continue;
          if (prefix.length === prefix.network.bytes.length * 8) listed.push([prefixKey(prefix.network, prefix.length), rule]);
          else networks.push({ ...rule, prefix });
        }
      }
      // A provider's own host:port wins over another provider's listed address on the same host.
      const byAddress = new Map<string, SourceRule[]>();
      for (const [key, rule] of [...hosts, ...listed]) byAddress.set(key, [...(byAddress.get(key) ?? []), rule]);
      return { readAt: now, byAddress, networks };
    })();
    return this.snapshot;
  }
}

function keyOf(address: string | undefined): string | undefined {
  const ip = address === undefined ? undefined : parseIp(address);
  return ip === undefined ? undefined : prefixKey(ip, ip.bytes.length * 8);
}
