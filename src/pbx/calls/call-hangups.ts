// How each way a call can end reaches its other parties and its CDR: the caller's CANCEL or BYE, the answered
// callee's BYE (which, during an attended transfer's consultation, hands the caller over instead), the PBX's own
// hangup (API HANGUP, RTP timeout, max duration) and a callee that could not be rung at all. Each tells the parties
// still there (CANCEL, BYE, an error answer) and says how the attempt ends; the Call's end closes everything else.
import type { CallAttempts } from './call-attempts.ts';
import type { CallForks } from './call-forks.ts';
import type { CallMedia } from './call-media.ts';
import type { Disposition } from './call-outcome.ts';
import type { CallPhase } from './call-ringing.ts';
import type { CallerSide } from './caller-side.ts';
import type { ConsultationRun } from './consultation.ts';
import type { OutboundLeg } from './outbound-leg.ts';

/** The call that ends: who is still there, and its own end. */
export interface EndingCall {
  readonly phase: CallPhase;
  readonly caller: CallerSide;
  readonly media: CallMedia;
  readonly forks: CallForks;
  readonly attempts: CallAttempts;
  /** An attended transfer's consultation in progress: the called party leaving it hands the caller over. */
  readonly consultation: ConsultationRun | undefined;
  /** A BYE from a party asked to confirm while it rang: true when it was one (only its own leg ends). */
  confirmingLeft(leg: OutboundLeg): boolean;
  /** The call is over: every part is closed and the CDR record is written with `disposition` for the last attempt. */
  end(disposition: Disposition): void;
}

export class CallHangups {
  /** Why the PBX hung up, when it did: logged at the end. */
  private pbxCause: string | undefined;

  constructor(private readonly call: EndingCall) {}

  get cause(): string | undefined {
    return this.pbxCause;
  }

  /** The caller's side went away before the answer (CANCEL) or after it (BYE). */
  callerEnded(): void {
    const call = this.call;
    if (call.phase === 'ended') return;
    call.caller.ended();
    if (call.phase === 'ringing') {
      call.forks.cancelAll();
      return call.end(call.attempts.isAnswered ? 'ANSWERED' : 'NO ANSWER');
    }
    call.forks.answered?.leg.bye();
    call.end('ANSWERED');
  }

  /** The callee hung up (its BYE). */
  calleeEnded(leg: OutboundLeg): void {
    const call = this.call;
    // A party that hung up while it was asked to confirm: only its own leg ends.
    if (call.confirmingLeft(leg)) return;
    if (call.phase !== 'answered' || call.forks.answered?.leg !== leg) return;
    leg.ended();
    const consultation = call.consultation;
    if (consultation !== undefined) return consultation.calledPartyLeft();
    call.caller.hangup();
    call.end('ANSWERED');
  }

  /** Ends the call from the PBX side: API HANGUP, RTP timeout, max duration. */
  hangup(cause: string): void {
    const call = this.call;
    if (call.phase === 'ended') return;
    this.pbxCause = cause;
    if (call.phase === 'ringing') {
      call.forks.cancelAll();
      // The caller hears the failure: an error answer to its INVITE, or BYE when it is already connected.
      if (call.media.callerConnected) call.caller.hangup();
      else call.caller.failed(480, 'Temporarily Unavailable');
      return call.end(call.attempts.isAnswered ? 'ANSWERED' : 'NO ANSWER');
    }
    call.forks.answered?.leg.bye(`Q.850;cause=16;text="${cause}"`);
    call.caller.hangup();
    call.end('ANSWERED');
  }

  /** The callee could not be rung at all (unknown, busy, offline) or the caller side gave up first. */
  unreachable(disposition: Disposition, status: number, reason: string): void {
    if (this.call.phase !== 'ringing') return;
    this.call.caller.failed(status, reason);
    this.call.end(disposition);
  }
}
