// The RTP timeout of offloaded calls. The built-in relay sees every packet and ends a call silent for the inactivity
// window (CALLGRID_RTP_TIMEOUT_SECONDS); rtpengine forwards those calls' packets instead, so each watched call is
// asked about with an ng `query` now and then, and its RTP packet counters are handed to its session, which decides
// (silence-watch.ts) and calls its onInactive as a relay session would.
//
// The queries are spread so many calls do not flood rtpengine: each call starts at a random point of the interval,
// a tick sends at most its share of maxQueriesPerSecond and never more than maxInFlight unanswered; when calls
// outnumber the rate, each one's interval stretches instead (a later hang-up, never a burst).
import type { Clock, CancelTimer, Logger } from '../../shared/index.ts';
import { systemClock } from '../../shared/index.ts';
import type { NgRequester, RtpengineSession } from './rtpengine-session.ts';
import { rtpPacketsOf } from './silence-watch.ts';

export interface ActivityPollerOptions {
  /** No RTP from either party for this long (while watched) ends the call, as the relay's own inactivityMs. */
  readonly inactivityMs: number;
  /** How often each call is queried; default a quarter of inactivityMs, kept within 250 ms..5 s. */
  readonly pollIntervalMs?: number;
  /** Queries per second over all calls at most (default 200: 1,000 calls each every 5 s). */
  readonly maxQueriesPerSecond?: number;
  /** Queries waiting for rtpengine's answer at once (default 16), so polls never crowd out offers. */
  readonly maxInFlight?: number;
  readonly clock?: Clock;
  readonly logger: Logger;
}

interface Watched {
  /** When this call is next due a query (ms of the clock). */
  nextAt: number;
}

export class RtpengineActivityPoller {
  private readonly watched = new Map<RtpengineSession, Watched>();
  private readonly inactivityMs: number;
  private readonly intervalMs: number;
  private readonly tickMs: number;
  private readonly perTick: number;
  private readonly maxInFlight: number;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private cancelTick: CancelTimer | undefined;
  private inFlight = 0;
  private closed = false;
  /** Whether a failing query was already logged (once per outage, as MediaOffload logs a dead rtpengine). */
  private failing = false;
  /** Queries sent, for tests and the bench. */
  queries = 0;

  constructor(
    private readonly client: NgRequester,
    options: ActivityPollerOptions,
  ) {
    this.inactivityMs = options.inactivityMs;
    this.intervalMs = options.pollIntervalMs ?? Math.min(5_000, Math.max(250, Math.floor(options.inactivityMs / 4)));
    this.tickMs = Math.max(50, Math.min(250, Math.floor(this.intervalMs / 4)));
    this.perTick = Math.max(1, Math.ceil(((options.maxQueriesPerSecond ?? 200) * this.tickMs) / 1000));
    this.maxInFlight = options.maxInFlight ?? 16;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger;
  }

  /** Watches an offloaded call until it is closed; nothing is asked while it is paused or held. */
  watch(session: RtpengineSession): void {
    if (this.closed || session.closed) return;
    this.watched.set(session, { nextAt: this.now() + Math.random() * this.intervalMs });
    this.schedule();
  }

  get watchedCount(): number {
    return this.watched.size;
  }

  close(): void {
    this.closed = true;
    this.cancelTick?.();
    this.cancelTick = undefined;
    this.watched.clear();
  }

  private now(): number {
    return this.clock.now().getTime();
  }

  private schedule(): void {
    if (this.cancelTick !== undefined || this.closed || this.watched.size === 0) return;
    this.cancelTick = this.clock.setTimer(this.tickMs, () => {
      this.cancelTick = undefined;
      this.tick();
      this.schedule();
    });
  }

  private tick(): void {
    const now = this.now();
    let budget = this.perTick;
    for (const [session, entry] of this.watched) {
      // Over, or moved to the built-in relay (whose own timeout watches it now).
      if (session.closed || session.onRelay) {
        this.watched.delete(session);
        continue;
      }
      // Ringing or on hold: silence is normal, so nothing is asked; the first query after it comes when due.
      if (!session.watched || entry.nextAt > now) continue;
      if (budget === 0 || this.inFlight >= this.maxInFlight) break;
      budget--;
      // Those served now go to the back of the due ones: a call not reached this tick is reached by a later one.
      entry.nextAt = now + this.intervalMs;
      this.watched.delete(session);
      this.watched.set(session, entry);
      void this.poll(session);
    }
  }

  private async poll(session: RtpengineSession): Promise<void> {
    this.inFlight++;
    this.queries++;
    const answer = await this.client.request('query', { 'call-id': session.id });
    this.inFlight--;
    if (session.closed) return;
    if (answer.ok) {
      this.failing = false;
      const packets = rtpPacketsOf(answer.value);
      // No RTP stream in the answer is no verdict: an answer we cannot read must not hang up every call.
      if (packets === undefined) return void this.logger.debug({ callId: session.id }, 'rtpengine: a query answer holds no RTP stream');
      return session.packetsCounted(packets, this.inactivityMs);
    }
    if (answer.error.kind === 'error' && /unknown call/i.test(answer.error.reason)) return session.unknownToRtpengine();
    // rtpengine not answering is not silence: calls go on (their time limit still ends them) and the next query retries.
    if (!this.failing) this.logger.warn({ error: answer.error.message }, 'rtpengine: a query for an offloaded call failed; its RTP timeout waits');
    this.failing = true;
  }
}
