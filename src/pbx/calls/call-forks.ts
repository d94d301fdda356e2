// The forks ringing a call's current attempt and what they tell: which one answered, whose early media the caller
// hears, why they all failed (busy, the ring time over, the last error). The step that rang them waits for that
// outcome (RingOutcome) and decides what comes next; this keeps the attempt's score and its ring timer.
import type { CancelTimer, Clock } from '../../shared/index.ts';
import { failureStatus, type Disposition } from './call-outcome.ts';
import type { LiveChannel } from './channel-registry.ts';
import type { OutboundLeg } from './outbound-leg.ts';
import type { RingOutcome } from './runner/step.ts';

/** One attempt to reach the callee: its fork legs share one CDR row (Asterisk: one Dial). */
export interface Fork {
  readonly leg: OutboundLeg;
  readonly channel: LiveChannel;
}

/** The Reason of the CANCEL the forks that did not answer get. */
export const ANSWERED_ELSEWHERE = 'SIP;cause=200;text="Call completed elsewhere"';

export class CallForks {
  private readonly forks = new Map<string, Fork>();
  private winner: Fork | undefined;
  private earlyFrom: string | undefined;
  private stopRingTimer: CancelTimer | undefined;
  private busySeen = false;
  private lastFailure: { status: number; reason: string } | undefined;
  /** The step waiting for this ringing's outcome (Call.ring). */
  private waiter: ((outcome: RingOutcome) => void) | undefined;
  /** The ring time ran out: the forks were cancelled and the outcome is no answer. */
  private ringTimedOut = false;
  /** Forks that answered and wait for their party's key (answer-confirmation.ts): neither connected nor failed yet. */
  private readonly confirming = new Set<string>();
  /** A party answered but did not confirm: with nobody else, the attempt reads as not answered. */
  private declinedSeen = false;
  /** Parties whose INVITE waits for its delay (follow-me's ex_fmfmdelay): the ringing is not over before they ring. */
  private readonly delayed = new Set<CancelTimer>();

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

  /** Some fork has no final answer yet, a party that answered still has to confirm, or a delayed one has yet to ring. */
  get pending(): boolean {
    return this.confirming.size > 0 || this.delayed.size > 0 || [...this.forks.values()].some((f) => f.leg.pending);
  }

  /** Adds forks that start late (a delayed party) to the attempt, keeping its ring timer. */
  add(forks: ReadonlyArray<Fork>): void {
    for (const fork of forks) this.forks.set(fork.leg.id, fork);
  }

  /** Starts `start` after `ms` unless the ringing settles first; until then the attempt is not over. */
  later(ms: number, start: () => void): void {
    const cancel = this.clock.setTimer(ms, () => {
      this.delayed.delete(cancel);
      start();
    });
    this.delayed.add(cancel);
  }

  /** `leg` answered and waits for its party's confirmation. */
  awaitingConfirmation(leg: OutboundLeg): void {
    this.confirming.add(leg.id);
  }

  /** `leg`'s confirmation is over: accepted (it is about to win) or declined (its leg is ended, the others ring on). */
  confirmationOver(leg: OutboundLeg, accepted: boolean): void {
    this.confirming.delete(leg.id);
    if (!accepted) this.declinedSeen = true;
  }

  /** A step waits for these forks' outcome. */
  get waiting(): boolean {
    return this.waiter !== undefined;
  }

  /** The outcome the ringing step will get: resolved by settle(). */
  wait(): Promise<RingOutcome> {
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  /** Tells the waiting step how the ringing went (once); the ring timer stops. */
  settle(outcome: RingOutcome): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    this.stopRingTimer?.();
    this.stopDelayed();
    waiter?.(outcome);
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
    this.stopDelayed();
    for (const fork of this.forks.values()) fork.leg.cancel();
  }

  /** `fork` answered: the other forks are cancelled, and the ring timer was for the ringing only. */
  won(fork: Fork): void {
    this.winner = fork;
    this.stopRingTimer?.();
    this.stopDelayed();
    // RFC 3326 with cause 200 (as RFC 3261's forking proxies and Asterisk send it): the other phones of the
    // extension or the ring group show no missed call.
    for (const other of this.forks.values()) if (other !== fork) other.leg.cancel(ANSWERED_ELSEWHERE);
  }

  /** A fork's failure: a busy one, or else the last real one, is what the caller hears if none answers. */
  failed(status: number, reason: string): void {
    if (status === 486 || status === 600) this.busySeen = true;
    if (status !== 487) this.lastFailure = { status, reason };
  }

  /** The ring time ran out: every fork is cancelled and the attempt counts as not answered. */
  timedOut(): void {
    this.ringTimedOut = true;
    this.cancelAll();
  }

  /** How the attempt's ringing ended for the step that waits: busy, no answer, or another failure. */
  ringOutcome(): RingOutcome {
    if (this.busySeen) return { kind: 'busy' };
    if (this.ringTimedOut || this.declinedSeen) return { kind: 'noanswer' };
    const answer = failureStatus(false, this.lastFailure);
    return { kind: 'failed', status: answer.status, text: answer.reason };
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
    this.stopDelayed();
  }

  private stopDelayed(): void {
    for (const cancel of this.delayed) cancel();
    this.delayed.clear();
  }

  private forget(): void {
    this.stopDelayed();
    this.confirming.clear();
    this.declinedSeen = false;
    this.forks.clear();
    this.earlyFrom = undefined;
    this.busySeen = false;
    this.lastFailure = undefined;
  }
}
