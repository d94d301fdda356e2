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

/** Voice carriers first (their rules are finer: pr_match), then SIP MESSAGE SMS providers, read at most every `cacheMs`. */
export class StoreMessageCarriers implements MessageCarriers {
  private snapshot: Promise<{ readonly readAt: number; readonly byAddress: ReadonlyMap<string, readonly SmsTrunkRule[]> }> | undefined;

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

  private current(): Promise<{ readonly readAt: number; readonly byAddress: ReadonlyMap<string, readonly SmsTrunkRule[]> }> {
    const now = this.clock.now().getTime();
    const cached = this.snapshot;
    if (cached !== undefined) return cached.then((s) => (now - s.readAt < this.cacheMs ? s : this.reload(now)));
    return this.reload(now);
  }

  private reload(now: number): NonNullable<StoreMessageCarriers['snapshot']> {
    this.snapshot = (async () => {
      const byAddress = new Map<string, SmsTrunkRule[]>();
      for (const row of await this.store.objects('provider').list(null)) {
        if (String(row.pr_disabled ?? '') === 'on' || String(row.pr_tech ?? '').toUpperCase() !== 'SMS') continue;
        if (!SIP_SMS_PROTOCOLS.has(String(row.pr_smsprotocol ?? '').trim().toUpperCase())) continue;
        const parsed = parseSipSmsProvider(row);
        if (!parsed.ok) continue;
        const trunk = parsed.value;
        const ip = parseIp((await this.resolveHost(trunk.host)) ?? '');
        if (ip === undefined) continue;
        const key = prefixKey(ip, ip.bytes.length * 8);
        const rule: SmsTrunkRule = { providerId: trunk.providerId, port: trunk.transport === 'udp' ? sipSmsPort(trunk) : undefined, protocol: trunk.transport };
        byAddress.set(key, [...(byAddress.get(key) ?? []), rule]);
      }
      return { readAt: now, byAddress };
    })();
    return this.snapshot;
  }
}
