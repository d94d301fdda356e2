// The calling side of a call as the Call sees it: a phone whose INVITE we are answering, or, for a call placed
// through the API, the source phone that already answered our INVITE and now waits for the destination.
import type { SessionDescription } from '../../media/index.ts';
import type { InboundLeg } from './inbound-leg.ts';
import type { OutboundLeg } from './outbound-leg.ts';

export interface CallerSide {
  /** The SIP leg towards the caller (its dialog once established). */
  readonly leg: InboundLeg | OutboundLeg;
  /** The description offered to the callee (re-pointed at relay side B by the Call). */
  readonly offer: SessionDescription;
  /** The caller already talks to us while the callee rings, so it hears ringback only if we play it. */
  readonly talking: boolean;
  /** The callee rings (180), or sends early media (183 with our SDP). */
  ringing(earlySdp: string | undefined): void;
  /** The callee answered: our answer to the caller. False when the caller can no longer take it. */
  answered(sdp: string): boolean;
  /** No callee answered: the caller gets this status (or, when it already talks to us, BYE). */
  failed(status: number, reason: string, headers?: ReadonlyArray<[string, string]>): void;
  /** The PBX or the callee ends an answered call. */
  hangup(): void;
  /** The caller itself went away (CANCEL or BYE): nothing more to send it. */
  ended(): void;
}

/** A phone's INVITE: answers go out as SIP responses. */
export class InviteCaller implements CallerSide {
  /** A ringing phone plays its own ringback on our 180. */
  readonly talking = false;

  constructor(readonly leg: InboundLeg, readonly offer: SessionDescription) {}

  ringing(earlySdp: string | undefined): void {
    this.leg.ringing(earlySdp);
  }

  answered(sdp: string): boolean {
    return this.leg.answer(sdp);
  }

  failed(status: number, reason: string, headers?: ReadonlyArray<[string, string]>): void {
    this.leg.reject(status, reason, headers === undefined ? undefined : [...headers]);
  }

  hangup(): void {
    this.leg.bye();
  }

  ended(): void {
    this.leg.ended();
  }
}

/** The source of a click-to-call: it already talks to us; the destination's progress is not signalled to it. */
export class OriginatedCaller implements CallerSide {
  /** The source's answer to our offer, once it answered: what the destination is offered. */
  offer: SessionDescription = { origin: { username: '-', sessionId: '0', sessionVersion: '0', netType: 'IN', addrType: 'IP4', address: '0.0.0.0' }, sessionName: '-', timing: [], attributes: [], lines: [], media: [] };

  /** Stops the source's dial timer once a source contact answered or all failed. */
  onSettled: (() => void) | undefined;
  /** Every contact of the source being rung; the one that answers becomes `leg`. */
  sourceLegs: readonly OutboundLeg[] = [];

  constructor(public leg: OutboundLeg) {}

  choose(leg: OutboundLeg): void {
    this.leg = leg;
  }

  get talking(): boolean {
    return this.leg.answered;
  }

  ringing(): void {}

  answered(): boolean {
    return this.leg.answered;
  }

  /** The destination failed, or the source never answered: the source leg is released either way. */
  failed(): void {
    this.onSettled?.();
    for (const leg of this.sourceLegs) if (leg.pending) leg.cancel();
    this.leg.bye();
  }

  hangup(): void {
    this.leg.bye();
  }

  ended(): void {
    this.leg.ended();
  }
}
