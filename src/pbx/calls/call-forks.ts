// The forks ringing a call's current attempt and what they tell: which one answered, whose early media the caller
// hears, why they all failed (busy, the ring time over, the last error) and what to try then (the next carrier, a
// forwarding slot). The Call decides what its caller gets; this keeps the attempt's score and its ring timer.
import type { CancelTimer, Clock } from '../../shared/index.ts';
import { failureStatus, type Disposition } from './call-outcome.ts';
import type { LiveChannel } from './channel-registry.ts';
import type { OutboundLeg } from './outbound-leg.ts';

/** One attempt to reach the callee: its fork legs share one CDR row (Asterisk: one Dial). */
export interface Fork {
  readonly leg: OutboundLeg;
  readonly channel: LiveChannel;
}

/** Why the forks of an attempt all failed: the callee busy, the ring time over, or anything else. */
export type FallbackReason = 'busy' | 'noanswer' | 'failed';

export class CallForks {
  private readonly forks = new Map<string, Fork>();
  private winner: Fork | undefined;
  private earlyFrom: string | undefined;
  private stopRingTimer: CancelTimer | undefined;
  private busySeen = false;
  private lastFailure: { status: number; reason: string } | undefined;
  /** What to try when every fork failed (the next carrier, a forwarding slot): true when it rang something new. */
  private fallback: ((reason: FallbackReason) => Promise<boolean>) | undefined;
  /** The ring time ran out and the forks are being cancelled so the fallback (no-answer forward) can run. */
  private ringTimedOut = false;

  constructor(private readonly clock: Clock) {}

  /** Adds forks to the attempt and starts its ring timer again. */
  ring(forks: ReadonlyArray<Fork>, ringMs: number, noAnswer: () => void): void {
    for (const fork of forks) this.forks.set(fork.leg.id, fork);
    this.stopRingTimer?.();
    this.stopRingTimer = this.clock.setTimer(ringMs, noAnswer);
  }

  of(leg: OutboundLeg): Fork | undefined {
    return this.forks.get(leg.id);
  }

  /** The fork that answered (after an attended transfer, the target that took its place). */
  get answered(): Fork | undefined {
    return this.winner;
  }

  /** The attempt's first fork: its channel stands for the attempt in the CDR when none answered. */
  get first(): Fork | undefined {
    return [...this.forks.values()][0];
  }

  get all(): Iterable<Fork> {
    return this.forks.values();
  }

  get count(): number {
    return this.forks.size;
  }

  /** Some fork has no final answer yet. */
  get pending(): boolean {
    return [...this.forks.values()].some((f) => f.leg.pending);
  }

  get hasFallback(): boolean {
    return this.fallback !== undefined;
  }

  /** Some fork's early media is what the caller hears. */
  get earlyMediaHeard(): boolean {
    return this.earlyFrom !== undefined;
  }

  /** Whether `leg`'s early media is heard: the first fork that sends SDP is, other forks' tones are not. */
  hearsEarlyMedia(leg: OutboundLeg): boolean {
    if (this.earlyFrom !== undefined && this.earlyFrom !== leg.id) return false;
    this.earlyFrom = leg.id;
    return true;
  }

  cancelAll(): void {
    for (const fork of this.forks.values()) fork.leg.cancel();
  }

  /** `fork` answered: the other forks are cancelled, and the ring timer and fallback were for the ringing only. */
  won(fork: Fork): void {
    this.winner = fork;
    this.fallback = undefined;
    this.stopRingTimer?.();
    for (const other of this.forks.values()) if (other !== fork) other.leg.cancel();
  }

  /** A fork's failure: a busy one, or else the last real one, is what the caller hears if none answers. */
  failed(status: number, reason: string): void {
    if (status === 486 || status === 600) this.busySeen = true;
    if (status !== 487) this.lastFailure = { status, reason };
  }

  /** Sets what to try once every fork failed (e.g. the next carrier). Cleared when used. */
  setFallback(fallback: (reason: FallbackReason) => Promise<boolean>): void {
    this.fallback = fallback;
  }

  /** The fallback, used once, bound to why the forks failed; undefined when there is none. */
  takeFallback(): (() => Promise<boolean>) | undefined {
    const fallback = this.fallback;
    this.fallback = undefined;
    if (fallback === undefined) return undefined;
    const reason: FallbackReason = this.busySeen ? 'busy' : this.ringTimedOut ? 'noanswer' : 'failed';
    return () => fallback(reason);
  }

  /** The ring time ran out: every fork is cancelled. True when a fallback waits for their 487s (no-answer forward). */
  timedOut(): boolean {
    const fallbackWaits = this.fallback !== undefined;
    if (fallbackWaits) this.ringTimedOut = true;
    this.cancelAll();
    return fallbackWaits;
  }

  /** What the caller hears when every fork failed and nothing follows, and how the attempt ends in the CDR. */
  outcome(): { status: number; reason: string; disposition: Disposition } {
    const answer = this.ringTimedOut ? { status: 480, reason: 'Temporarily Unavailable' } : failureStatus(this.busySeen, this.lastFailure);
    const disposition = this.busySeen ? 'BUSY' : answer.status === 480 || answer.status === 408 ? 'NO ANSWER' : 'FAILED';
    return { ...answer, disposition };
  }

  /** A forward: the next attempt starts with no fork and nothing heard or failed yet. */
  nextAttempt(): void {
    this.forget();
    this.ringTimedOut = false;
  }

  /** A blind transfer released the answered callee: the call rings anew. */
  released(): void {
    this.forget();
    this.winner = undefined;
  }

  /** An attended transfer's target took the callee's place: it is the attempt's only fork, answered. */
  replaced(fork: Fork): void {
    this.forks.clear();
    this.winner = fork;
    this.forks.set(fork.leg.id, fork);
  }

  stop(): void {
    this.stopRingTimer?.();
  }

  private forget(): void {
    this.forks.clear();
    this.earlyFrom = undefined;
    this.busySeen = false;
    this.lastFailure = undefined;
  }
}
