// Which carrier (provider) a packet's source address belongs to: INVITEs from a provider's host are calls
// arriving on the tenants' DIDs, authenticated by that address rather than by digest (IP-authenticated trunks).
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Clock } from '../../shared/index.ts';
import type { Store } from '../../store/index.ts';
import { providerTarget, type SipTrunkTarget } from '../dialplan/index.ts';

export interface CarrierDirectory {
  /** The enabled provider whose host is `address`, or undefined. */
  carrierAt(address: string): Promise<SipTrunkTarget | undefined>;
  /** A provider's target by id (outbound calls), or why it cannot be dialled. */
  target(providerId: number): Promise<SipTrunkTarget | undefined>;
  /** The IP address to send to for a target's host (host names resolved). */
  addressOf(target: SipTrunkTarget): Promise<string | undefined>;
}

interface Snapshot {
  readonly readAt: number;
  readonly byAddress: ReadonlyMap<string, SipTrunkTarget>;
}

/** Providers read from the store at most every `cacheMs` (INVITEs from carriers are frequent, providers rarely change). */
export class StoreCarrierDirectory implements CarrierDirectory {
  private snapshot: Promise<Snapshot> | undefined;

  constructor(private readonly store: Store, private readonly clock: Clock, private readonly cacheMs = 5000) {}

  async carrierAt(address: string): Promise<SipTrunkTarget | undefined> {
    return (await this.current()).byAddress.get(address);
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
      const byAddress = new Map<string, SipTrunkTarget>();
      for (const row of rows) {
        if (String(row.pr_disabled ?? '') === 'on') continue;
        const parsed = providerTarget(row);
        if (!parsed.ok) continue;
        const address = await this.addressOf(parsed.target);
        if (address !== undefined && !byAddress.has(address)) byAddress.set(address, parsed.target);
      }
      return { readAt: now, byAddress };
    })();
    return this.snapshot;
  }
}
