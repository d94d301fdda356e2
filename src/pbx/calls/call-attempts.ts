// A call's attempts for its CDR: one per callee it reached or tried (Asterisk writes one row per Dial). A forward,
// a transfer or a join closes the current attempt and may start the next one.
import type { CallAttempt, Landing } from '../cdr/index.ts';
import type { Disposition } from './call-outcome.ts';
import type { LiveChannel } from './channel-registry.ts';

export interface AttemptStart {
  readonly destination: string;
  readonly peerAccount: string;
  readonly landed: Landing;
  /** The application of the leg (CDR lastapp), Dial when not given. */
  readonly app?: string;
  readonly startedAt: Date;
}

export class CallAttempts {
  private readonly done: CallAttempt[] = [];
  private answeredAt: Date | undefined;
  /** False once the last attempt closed with none after it: the call records nothing more. */
  private open = true;

  constructor(
    /** The call's first channel: the first attempt's row carries its uniqueid. */
    private readonly callerChannel: LiveChannel,
    private current: AttemptStart,
  ) {}

  get all(): readonly CallAttempt[] {
    return this.done;
  }

  answered(at: Date): void {
    this.answeredAt ??= at;
  }

  /** The attempt in progress was answered (by a party, or by the PBX itself). */
  get isAnswered(): boolean {
    return this.answeredAt !== undefined;
  }

  /** The first step names the attempt the call was created with (what it rings, where it landed). */
  relabel(label: Omit<AttemptStart, 'startedAt'>): void {
    this.current = { ...label, startedAt: this.current.startedAt };
  }

  /** Out through a carrier (PROVIDER): the attempt lands at the provider rung now, by name (wherelanded, peeraccount). */
  ringsCarrier(name: string): void {
    if (this.current.landed.kind === 'PROVIDER') this.current = { ...this.current, landed: { kind: 'PROVIDER', label: name }, peerAccount: name };
  }

  /** The next attempt, already answered at `answeredAt` when the party was talking before (a transfer's target). */
  start(next: AttemptStart, answeredAt?: Date): void {
    this.current = next;
    this.answeredAt = answeredAt;
    this.open = true;
  }

  /** Ends the current attempt; 'ANSWERED' counts as answered only if it was, else it is FAILED. */
  close(disposition: Disposition, dstChannel: LiveChannel | undefined, endedAt: Date): void {
    if (!this.open) return;
    const answeredAt = this.answeredAt;
    const outcome = answeredAt !== undefined && disposition === 'ANSWERED' ? { disposition: 'ANSWERED' as const, answeredAt } : { disposition: disposition === 'ANSWERED' ? ('FAILED' as const) : disposition };
    this.done.push({
      ...outcome,
      uniqueId: this.done.length === 0 ? this.callerChannel.uniqueId : (dstChannel?.uniqueId ?? this.callerChannel.uniqueId),
      dstChannel: dstChannel?.name ?? '',
      destination: this.current.destination,
      landed: this.current.landed,
      peerAccount: this.current.peerAccount,
      ...(this.current.app === undefined ? {} : { app: this.current.app }),
      startedAt: this.current.startedAt,
      endedAt,
    });
    this.answeredAt = undefined;
  }

  /**
   * The attempts as they would read if the call ended at `at`, changing nothing (the live-call journal's record):
   * the one in progress, if any, closed ANSWERED when it was answered, else NO ANSWER; `open` says it was there.
   */
  soFar(dstChannel: LiveChannel | undefined, at: Date): { readonly attempts: CallAttempt[]; readonly open: boolean } {
    if (!this.open) return { attempts: [...this.done], open: false };
    const answeredAt = this.answeredAt;
    const current: CallAttempt = {
      ...(answeredAt === undefined ? { disposition: 'NO ANSWER' as const } : { disposition: 'ANSWERED' as const, answeredAt }),
      uniqueId: this.done.length === 0 ? this.callerChannel.uniqueId : (dstChannel?.uniqueId ?? this.callerChannel.uniqueId),
      dstChannel: dstChannel?.name ?? '',
      destination: this.current.destination,
      landed: this.current.landed,
      peerAccount: this.current.peerAccount,
      ...(this.current.app === undefined ? {} : { app: this.current.app }),
      startedAt: this.current.startedAt,
      endedAt: at,
    };
    return { attempts: [...this.done, current], open: true };
  }

  /** Closes the current attempt and opens none: whatever the call does next is recorded elsewhere. */
  closeLast(disposition: Disposition, dstChannel: LiveChannel | undefined, endedAt: Date): void {
    this.close(disposition, dstChannel, endedAt);
    this.open = false;
  }
}
