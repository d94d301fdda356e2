// TrunkRegistrar: keeps Callgrid registered (RFC 3261 §10.2) to every provider that wants it, re-reading the
// provider list periodically so trunks added, changed or removed through the API are picked up.
import type { CancelTimer, Clock, Logger } from '../../shared/index.ts';
import type { SipStack } from '../../sip/index.ts';
import type { SipTrunkTarget } from '../dialplan/index.ts';
import { resolveTrunkHost, type ResolveHost } from './trunk-host.ts';
import type { TrunkDirectory, TrunkStatus } from './trunk-ports.ts';
import { TrunkRegistration, type TrunkTiming } from './trunk-registration.ts';

export interface TrunkRegistrarDeps {
  readonly stack: Pick<SipStack, 'sendRequest' | 'sentBy'>;
  readonly directory: TrunkDirectory;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Host name -> IP address; default the system resolver. */
  readonly resolveHost?: ResolveHost;
}

export interface TrunkRegistrarOptions {
  /** Expires asked of the carriers, seconds. Default 3600 (providers have no column for it). */
  readonly expiresSeconds?: number;
  /** How often the provider list is re-read. Default 60 s. */
  readonly rescanMs?: number;
  /** First retry after a failure, doubled per failure. Default 30 s. */
  readonly backoffInitialMs?: number;
  /** Longest wait between retries. Default 10 minutes. */
  readonly backoffMaxMs?: number;
  /** How long an unregistration waits for its answer. Default 5 s. */
  readonly unregisterTimeoutMs?: number;
}

interface Entry {
  readonly fingerprint: string;
  readonly registration: TrunkRegistration;
}

/** What, if changed, needs a new registration (a new Call-ID, the old binding removed). */
const fingerprint = (t: SipTrunkTarget): string =>
  JSON.stringify([t.host, t.port, t.transport, t.fromDomain, t.auth?.username ?? null, t.auth?.secret ?? null]);

export class TrunkRegistrar {
  private readonly trunks = new Map<number, Entry>();
  /** Providers that stopped registering, kept so list() shows them `Unregistered` until the next rescan. */
  private readonly gone = new Map<number, TrunkStatus>();
  private readonly timing: TrunkTiming;
  private readonly rescanMs: number;
  private readonly resolveHost: ResolveHost;
  private rescanTimer: CancelTimer | undefined;
  private scanning: Promise<void> | undefined;
  private running = false;

  constructor(private readonly deps: TrunkRegistrarDeps, options: TrunkRegistrarOptions = {}) {
    this.timing = {
      expiresSeconds: options.expiresSeconds ?? 3600,
      backoffInitialMs: options.backoffInitialMs ?? 30_000,
      backoffMaxMs: options.backoffMaxMs ?? 10 * 60_000,
      unregisterTimeoutMs: options.unregisterTimeoutMs ?? 5000,
    };
    this.rescanMs = options.rescanMs ?? 60_000;
    this.resolveHost = deps.resolveHost ?? resolveTrunkHost;
  }

  /** Reads the providers and starts registering; then re-reads them every rescanMs. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const tick = (): void => {
      this.rescanTimer = this.deps.clock.setTimer(this.rescanMs, tick);
      void this.rescan();
    };
    this.rescanTimer = this.deps.clock.setTimer(this.rescanMs, tick);
    await this.rescan();
  }

  /** Unregisters every trunk (Expires 0) and stops. Call before the SIP stack closes. */
  async stop(): Promise<void> {
    this.running = false;
    this.rescanTimer?.();
    this.rescanTimer = undefined;
    await this.scanning;
    await Promise.all([...this.trunks.values()].map((entry) => entry.registration.stop(true)));
  }

  /** Every trunk's registration status, by provider id. */
  list(): TrunkStatus[] {
    const all = [...[...this.trunks.values()].map((e) => e.registration.status()), ...this.gone.values()];
    return all.sort((a, b) => a.providerId - b.providerId);
  }

  status(providerId: number): TrunkStatus | undefined {
    return this.trunks.get(providerId)?.registration.status() ?? this.gone.get(providerId);
  }

  /** Re-reads the providers now (e.g. right after one changed through the API); one rescan at a time. */
  rescan(): Promise<void> {
    this.scanning ??= this.scan().finally(() => (this.scanning = undefined));
    return this.scanning;
  }

  private async scan(): Promise<void> {
    let targets: SipTrunkTarget[];
    try {
      targets = await this.deps.directory.registeringTrunks();
    } catch (error) {
      // The store may be briefly unreachable: keep the registrations we have and try at the next round.
      this.deps.logger.warn({ err: error }, 'trunks: reading the providers failed');
      return;
    }
    if (!this.running) return;
    this.gone.clear();
    const wanted = new Map(targets.filter((t) => t.registers && t.auth !== undefined).map((t) => [t.providerId, t] as const));
    const stopping: Array<Promise<void>> = [];
    for (const [providerId, entry] of this.trunks) {
      const target = wanted.get(providerId);
      if (target !== undefined && fingerprint(target) === entry.fingerprint) continue;
      // Removed, disabled or changed: the old binding goes first (a changed trunk then registers afresh).
      this.trunks.delete(providerId);
      stopping.push(entry.registration.stop(true).then(() => {
        if (target === undefined) this.gone.set(providerId, entry.registration.status());
      }));
    }
    await Promise.all(stopping);
    if (!this.running) return;
    for (const [providerId, target] of wanted) {
      if (this.trunks.has(providerId)) continue;
      this.gone.delete(providerId);
      const registration = new TrunkRegistration(target, { ...this.deps, resolveHost: this.resolveHost }, this.timing);
      this.trunks.set(providerId, { fingerprint: fingerprint(target), registration });
      this.deps.logger.info({ provider: providerId, name: target.name, host: target.host }, 'trunks: registering');
      registration.start();
    }
  }
}
