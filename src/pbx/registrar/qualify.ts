// Qualify: periodic OPTIONS (RFC 3261 §11) to every phone registered on this node, sent to where its REGISTER came
// from (over its connection when it has one), keeping the round trip and marking phones that stop answering.
import { randomBytes } from 'node:crypto';
import type { CancelTimer, Clock, Logger } from '../../shared/index.ts';
import { Headers, newTag, type ClientOutcome, type SipRequest, type SipStack } from '../../sip/index.ts';
import type { Binding, BindingStore } from './ports.ts';

export interface QualifyDeps {
  readonly stack: Pick<SipStack, 'sendRequest' | 'sentBy'>;
  readonly store: BindingStore;
  readonly clock: Clock;
  readonly logger: Logger;
}

export interface QualifyOptions {
  /** Only bindings of this node are qualified: only it holds their flows and NAT pinholes. */
  readonly nodeName: string;
  /** Time between rounds. Default 60 s. */
  readonly intervalMs?: number;
  /** An OPTIONS unanswered this long marks the phone unreachable. Default 3 s (Timer F's 32 s is far too long). */
  readonly timeoutMs?: number;
  /**
   * OPTIONS in flight at once. A round over thousands of phones would otherwise put thousands of transactions
   * (and their retransmissions) on the wire in one burst, competing with REGISTERs. Default 100.
   */
  readonly maxInFlight?: number;
}

export interface QualifyResult {
  readonly binding: Binding;
  readonly reachable: boolean;
  /** Null when unanswered. */
  readonly rttMs: number | null;
}

export interface QualifyListener {
  /** A phone became unreachable, or reachable again. */
  reachabilityChanged?(binding: Binding, previous: Binding): void;
}

/** What `sip show peers` style listings show: `OK (12 ms)`, `UNREACHABLE`, or `UNKNOWN` before any answer. */
export function qualifyStatus(binding: Pick<Binding, 'reachable' | 'lastRttMs'>): string {
  if (!binding.reachable) return 'UNREACHABLE';
  return binding.lastRttMs === null ? 'UNKNOWN' : `OK (${binding.lastRttMs} ms)`;
}

type Outcome = ClientOutcome | { readonly kind: 'gave-up' } | { readonly kind: 'not-sent'; readonly error: string };

export class Qualifier {
  private readonly listeners = new Set<QualifyListener>();
  /** One OPTIONS per binding at a time: a second ask joins the first. */
  private readonly inFlight = new Map<string, Promise<QualifyResult>>();
  private cancelRound: CancelTimer | undefined;

  constructor(private readonly deps: QualifyDeps, private readonly options: QualifyOptions) {}

  addListener(listener: QualifyListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  status(binding: Pick<Binding, 'reachable' | 'lastRttMs'>): string {
    return qualifyStatus(binding);
  }

  /** Starts the periodic rounds on the clock (the first one interval from now). */
  start(): void {
    if (this.cancelRound !== undefined) return;
    const interval = this.options.intervalMs ?? 60_000;
    const tick = (): void => {
      // Re-armed first, so a FakeClock advance fires every due round; in-flight bindings are not asked twice.
      this.cancelRound = this.deps.clock.setTimer(interval, tick);
      this.qualifyAll().catch((error: unknown) => this.deps.logger.error({ err: error }, 'qualify: round failed'));
    };
    this.cancelRound = this.deps.clock.setTimer(interval, tick);
  }

  stop(): void {
    this.cancelRound?.();
    this.cancelRound = undefined;
  }

  /** Qualifies every live binding of this node, at most maxInFlight at a time. */
  async qualifyAll(): Promise<QualifyResult[]> {
    const now = this.deps.clock.now().getTime();
    const mine = (await this.deps.store.list()).filter((b) => b.node === this.options.nodeName && b.expiresAt.getTime() > now);
    const results: QualifyResult[] = new Array(mine.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < mine.length) {
        const index = next++;
        const binding = mine[index];
        if (binding) results[index] = await this.qualify(binding);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.maxInFlight ?? 100, mine.length) }, worker));
    return results;
  }

  /** Sends one OPTIONS to the binding and stores the outcome on it. Never rejects. */
  qualify(binding: Binding): Promise<QualifyResult> {
    const key = `${binding.tenantId}/${binding.extensionId}/${binding.contactUri}`;
    const running = this.inFlight.get(key);
    if (running !== undefined) return running;
    const result = this.probe(binding).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, result);
    return result;
  }

  private async probe(binding: Binding): Promise<QualifyResult> {
    const started = this.deps.clock.now().getTime();
    const outcome = await this.send(binding);
    // Any response at all, even a 4xx or 5xx, shows the phone is there and answering: that is what qualify asks.
    const reachable = outcome.kind === 'response';
    const rttMs = reachable ? Math.max(0, this.deps.clock.now().getTime() - started) : null;
    if (!reachable) this.deps.logger.debug({ contact: binding.contactUri, outcome: outcome.kind }, 'qualify: no answer');
    try {
      // An unanswered probe keeps the last RTT: the status says UNREACHABLE anyway, and the figure is history.
      const updated = await this.deps.store.setReachability(binding.tenantId, binding.extensionId, binding.contactUri, {
        reachable,
        lastRttMs: rttMs ?? binding.lastRttMs,
      });
      if (updated !== undefined && updated.reachable !== binding.reachable) this.emit(updated, binding);
      return { binding: updated ?? binding, reachable, rttMs };
    } catch (error) {
      this.deps.logger.error({ err: error }, 'qualify: storing the result failed');
      return { binding, reachable, rttMs };
    }
  }

  /** The OPTIONS and its outcome, or 'gave-up' after timeoutMs. */
  private send(binding: Binding): Promise<Outcome> {
    const sent = this.deps.stack.sendRequest(this.optionsRequest(binding), binding.source, binding.flowId ?? undefined);
    if (!sent.ok) return Promise.resolve({ kind: 'not-sent', error: sent.error });
    return new Promise<Outcome>((resolve) => {
      // The transaction lives on until Timer F; we only stop waiting for it.
      const cancel = this.deps.clock.setTimer(this.options.timeoutMs ?? 3000, () => resolve({ kind: 'gave-up' }));
      void sent.value.final.then((outcome) => {
        cancel();
        resolve(outcome);
      });
    });
  }

  private optionsRequest(binding: Binding): SipRequest {
    const sentBy = this.deps.stack.sentBy(binding.source.protocol);
    const host = sentBy === undefined ? 'invalid' : sentBy.host.includes(':') ? `[${sentBy.host}]` : sentBy.host;
    // §8.1.1: To, From (with a tag), Call-ID, CSeq and Max-Forwards; the stack adds Via and Max-Forwards.
    const headers = new Headers([
      ['From', `<sip:qualify@${host}>;tag=${newTag()}`],
      ['To', `<${binding.contactUri}>`],
      ['Call-ID', `${randomBytes(10).toString('hex')}@${host}`],
      ['CSeq', '1 OPTIONS'],
      ['Accept', 'application/sdp'],
    ]);
    return { type: 'request', method: 'OPTIONS', uri: binding.contactUri, version: 'SIP/2.0', headers, body: Buffer.alloc(0) };
  }

  private emit(binding: Binding, previous: Binding): void {
    for (const listener of this.listeners) {
      try {
        listener.reachabilityChanged?.(binding, previous);
      } catch (error) {
        this.deps.logger.error({ err: error }, 'qualify listener threw');
      }
    }
  }
}
