// Which carrier a MESSAGE comes from. A voice carrier (a SIP provider row, as its INVITEs are recognised) or an SMS
// provider that is itself a SIP MESSAGE trunk (pr_tech SMS, pr_smsprotocol SIP: pr_smsurl names where we send, and
// a carrier sends its MESSAGEs from there too). Without the second, a carrier used only for SMS would have to be
// entered twice, once as a voice provider, or its MESSAGEs would be challenged as a phone's.
import type { Clock } from '../../../shared/index.ts';
import type { Endpoint } from '../../../sip/index.ts';
import type { Store } from '../../../store/index.ts';
import { parseIp, prefixKey } from '../../registrar/index.ts';
import { resolveTrunkHost, type ResolveHost } from '../../trunks/index.ts';
import { parseSipSmsProvider, sipSmsPort, SIP_SMS_PROTOCOLS } from '../sms/index.ts';

export interface MessageCarriers {
  /** The enabled provider `source` belongs to, or undefined (then the MESSAGE is a phone's). */
  carrierAt(source: Endpoint): Promise<{ readonly providerId: number } | undefined>;
}

interface SmsTrunkRule {
  readonly providerId: number;
  /** UDP: the port the trunk listens on, as for voice carriers; TCP/TLS connections come from ephemeral ports. */
  readonly port: number | undefined;
  readonly protocol: Endpoint['protocol'];
}

interface Snapshot {
  readonly readAt: number;
  readonly byAddress: ReadonlyMap<string, readonly SmsTrunkRule[]>;
}

/** The longest a provider's host name may take to resolve at a reload. */
const RESOLVE_MS = 2000;

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    timer.unref();
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => {
        clearTimeout(timer);
        resolve(undefined);
      },
    );
  });
}

/** Voice carriers first (their rules are finer: pr_match), then SIP MESSAGE SMS providers, read at most every `cacheMs`. */
export class StoreMessageCarriers implements MessageCarriers {
  private good: Snapshot | undefined;
  private reloading: Promise<Snapshot> | undefined;

  constructor(
    private readonly voice: MessageCarriers,
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly cacheMs = 5000,
    private readonly resolveHost: ResolveHost = resolveTrunkHost,
  ) {}

  async carrierAt(source: Endpoint): Promise<{ readonly providerId: number } | undefined> {
    const voice = await this.voice.carrierAt(source);
    if (voice !== undefined) return voice;
    const ip = parseIp(source.address);
    if (ip === undefined) return undefined;
    const rules = (await this.current()).byAddress.get(prefixKey(ip, ip.bytes.length * 8)) ?? [];
    const rule = rules.find((r) => r.protocol === source.protocol && (r.port === undefined || r.port === source.port));
    return rule === undefined ? undefined : { providerId: rule.providerId };
  }

  /**
   * The snapshot to answer from. A stale one is reloaded, and answered from meanwhile once there is one (a MESSAGE
   * never waits for the provider table or DNS after the first read, so a change is seen within the cache time and
   * one MESSAGE); a failed reload is not kept: the next MESSAGE tries again.
   */
  private async current(): Promise<Snapshot> {
    const now = this.clock.now().getTime();
    const good = this.good;
    if (good !== undefined && now - good.readAt < this.cacheMs) return good;
    this.reloading ??= this.reload(now).then(
      (snapshot) => {
        this.good = snapshot;
        this.reloading = undefined;
        return snapshot;
      },
      (error: unknown) => {
        this.reloading = undefined;
        throw error;
      },
    );
    // With a cache time of 0 (every MESSAGE reads the table) there is no stale answer to give.
    if (good !== undefined && this.cacheMs > 0) {
      this.reloading.catch(() => undefined);
      return good;
    }
    return this.reloading;
  }

  private async reload(now: number): Promise<Snapshot> {
    const trunks = (await this.store.objects('provider').list(null)).flatMap((row) => {
      if (String(row.pr_disabled ?? '') === 'on' || String(row.pr_tech ?? '').toUpperCase() !== 'SMS') return [];
      if (!SIP_SMS_PROTOCOLS.has(String(row.pr_smsprotocol ?? '').trim().toUpperCase())) return [];
      const parsed = parseSipSmsProvider(row);
      return parsed.ok ? [parsed.value] : [];
    });
    // Host names are resolved side by side, each within RESOLVE_MS: one slow name does not hold the others.
    const addresses = await Promise.all(trunks.map((trunk) => withTimeout(this.resolveHost(trunk.host), RESOLVE_MS)));
    const byAddress = new Map<string, SmsTrunkRule[]>();
    trunks.forEach((trunk, i) => {
      const ip = parseIp(addresses[i] ?? '');
      if (ip === undefined) return;
      const key = prefixKey(ip, ip.bytes.length * 8);
      const rule: SmsTrunkRule = { providerId: trunk.providerId, port: trunk.transport === 'udp' ? sipSmsPort(trunk) : undefined, protocol: trunk.transport };
      byAddress.set(key, [...(byAddress.get(key) ?? []), rule]);
    });
    return { readAt: now, byAddress };
  }
}
