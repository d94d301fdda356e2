// One call bridged by the B2BUA: the calling side (a phone's INVITE, or the source of an API call), the forks
// ringing the callee's contacts, the relay session anchoring the media, the live channels and the call's record.
import type { RelaySessionControl, RelaySideControl, SessionDescription } from '../../media/index.ts';
import type { CancelTimer, Clock, Logger } from '../../shared/index.ts';
import type { SipResponse } from '../../sip/index.ts';
import type { CallRecord, Landing } from '../cdr/index.ts';
import type { ChannelRegistry, LiveChannel } from './channel-registry.ts';
import { anchoredSdp, mediaAddress, readSdp, reanswer } from './media-plan.ts';
import type { OutboundLeg } from './outbound-leg.ts';
import type { CallerSide } from './caller-side.ts';
import { failureStatus, type Disposition } from './call-outcome.ts';

export interface CallContext {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly channels: ChannelRegistry;
  /** The address written into our SDP (the relay's public address). */
  readonly mediaAddress: string;
  readonly ringTimeoutMs: number;
  readonly maxDurationMs: number | undefined;
  /** Called once when the call is over and every leg is released. */
  readonly finished: (call: Call, record: CallRecord) => void;
  /** An attended transfer made `leg` the call's callee: its dialog now speaks for side b. */
  readonly calleeReplaced?: (call: Call, leg: OutboundLeg) => void;
  /** Starts an attended transfer by the call's called party (the B2BUA's, so it can route the target's dialog). */
  readonly attendedTransfer?: (call: Call, destination: string) => Promise<string | undefined>;
}

/** An attended transfer in progress: the called party consults the target on a second relay session. */
export interface Consultation {
  readonly forks: ReadonlyArray<{ leg: OutboundLeg; channel: LiveChannel }>;
  readonly session: RelaySessionControl;
  readonly destination: string;
  readonly peerAccount: string;
  readonly startedAt: Date;
  /** The fork that answered, and when. */
  answered?: { leg: OutboundLeg; channel: LiveChannel; at: Date };
  /** The called party hung up before the target answered: the caller is joined to the target when it does. */
  completeOnAnswer: boolean;
}

/** One attempt to reach the callee: its fork legs share one CDR row (Asterisk: one Dial). */
interface Fork {
  readonly leg: OutboundLeg;
  readonly channel: LiveChannel;
}

export type CallPhase = 'ringing' | 'answered' | 'ended';

/** Why the forks of an attempt all failed: the callee busy, the ring time over, or anything else. */
export type FallbackReason = 'busy' | 'noanswer' | 'failed';

export class Call {
  private phase: CallPhase = 'ringing';
  private readonly forks = new Map<string, Fork>();
  private winner: Fork | undefined;
  private earlyFrom: string | undefined;
  private sdpVersion = 1;
  /** The last description we sent each side: answers to its re-INVITEs reuse it. */
  private readonly sentTo: { a?: string; b?: string } = {};
  private stopRingTimer: CancelTimer | undefined;
  private stopMaxDuration: CancelTimer | undefined;
  private answeredAt: Date | undefined;
  private busySeen = false;
  private lastFailure: { status: number; reason: string } | undefined;
  private hangupCause: string | undefined;
  /** After a blind transfer the caller already talks to us: new callees are connected without answering it again. */
  private callerConnected = false;
  /** The description the next callee is offered: the caller's offer, or after a transfer what the caller now uses. */
  private offerForCallee: SessionDescription;
  /** Attempts already over (a callee released by a transfer), for the CDR. */
  private readonly attempts: CallRecord['attempts'][number][] = [];
  private attempt: { destination: string; peerAccount: string; landed: Landing; startedAt: Date };
  /** What to try when every fork failed (the next carrier, a forwarding slot): true when it rang something new. */
  private fallback: ((reason: FallbackReason) => Promise<boolean>) | undefined;
  /** The ring time ran out and the forks are being cancelled so the fallback (no-answer forward) can run. */
  private ringTimedOut = false;
  /** The relay side the callee's media is on: side b, or after an attended transfer a second session's side. */
  private calleeSide: RelaySideControl;
  private consultation: Consultation | undefined;
  /** Relay sessions the call took over from consultations; closed with the call. */
  private readonly extraSessions: RelaySessionControl[] = [];

  constructor(
    private readonly context: CallContext,
    readonly caller: CallerSide,
    readonly relay: RelaySessionControl,
    readonly callerChannel: LiveChannel,
    readonly record: Omit<CallRecord, 'attempts' | 'endedAt'> & { readonly destination: string; readonly calleeAccount: string; readonly landed: Landing },
    /** A longer or shorter limit than the node's for this call (DIAL timeout=). */
    private readonly maxDurationMs: number | undefined = context.maxDurationMs,
  ) {
    this.offerForCallee = caller.offer;
    this.calleeSide = relay.side('b');
    this.attempt = { destination: record.destination, peerAccount: record.calleeAccount, landed: record.landed, startedAt: callerChannel.createdAt };
    relay.onInactive = () => this.hangup('rtp-timeout');
    // No media flows while the callee rings (early media aside): the RTP timeout counts from the answer.
    relay.pause();
  }

  get state(): CallPhase {
    return this.phase;
  }

  /** Registers the forks and starts the no-answer timer. The legs are started by the B2BUA. */
  /** `ringSeconds`: the callee extension's own ring time (ex_dialtimeout), else the node's. */
  ring(forks: ReadonlyArray<{ leg: OutboundLeg; channel: LiveChannel }>, ringSeconds?: number): void {
    for (const fork of forks) this.forks.set(fork.leg.id, fork);
    this.stopRingTimer?.();
    const ringMs = ringSeconds === undefined ? this.context.ringTimeoutMs : ringSeconds * 1000;
    this.stopRingTimer = this.context.clock.setTimer(ringMs, () => this.noAnswer());
  }

  /** The offer for the callee: the caller's description on relay side B. */
  calleeOffer(): string {
    const offer = anchoredSdp(this.callerConnected ? this.offerForCallee : this.caller.offer, this.context.mediaAddress, this.relay.side('b').localPort, this.sdpVersion++);
    this.sentTo.b = offer;
    return offer;
  }

  /**
   * Our answer to a re-INVITE or UPDATE from one side (hold, resume, a media address change): the description we
   * gave that side before, with a new version and the direction the offer allows (RFC 3264 §8.4, §6.1).
   */
  localDescription(side: 'a' | 'b', offerBody: Buffer): string {
    const previous = this.sentTo[side] ?? '';
    const offer = offerBody.length > 0 ? readSdp(offerBody) : undefined;
    return reanswer(previous, offer?.ok ? offer.value : undefined, this.sdpVersion++);
  }

  provisional(leg: OutboundLeg, response: SipResponse): void {
    const fork = this.forks.get(leg.id);
    if (fork === undefined || this.phase !== 'ringing') return;
    this.context.channels.update(fork.channel.name, { state: 'Ringing' });
    const sdp = response.body.length > 0 ? readSdp(response.body) : undefined;
    // Early media (RFC 3960 gateway model): the first fork that sends SDP is heard; other forks' tones are not.
    if (this.callerConnected) return;
    if (sdp?.ok && (this.earlyFrom === undefined || this.earlyFrom === leg.id)) {
      this.earlyFrom = leg.id;
      this.pointSideB(sdp.value);
      this.caller.ringing(anchoredSdp(sdp.value, this.context.mediaAddress, this.relay.side('a').localPort, this.sdpVersion++));
    } else {
      this.caller.ringing(undefined);
    }
  }

  answered(leg: OutboundLeg, response: SipResponse): void {
    const fork = this.forks.get(leg.id);
    if (fork === undefined || this.phase !== 'ringing') {
      leg.bye();
      return;
    }
    const sdp = readSdp(response.body);
    if (!sdp.ok) {
      this.context.logger.warn({ error: sdp.error }, 'call: the callee answered without usable SDP');
      leg.bye('Q.850;cause=88');
      this.failed(leg, 488, 'Not Acceptable Here');
      return;
    }
    this.phase = 'answered';
    this.winner = fork;
    // Forwarding and failover were for this attempt's ringing; they must not outlive the answer.
    this.fallback = undefined;
    this.stopRingTimer?.();
    for (const other of this.forks.values()) if (other !== fork) other.leg.cancel();
    this.pointSideB(sdp.value);
    if (!this.callerConnected) {
      const answer = anchoredSdp(sdp.value, this.context.mediaAddress, this.relay.side('a').localPort, this.sdpVersion++);
      this.sentTo.a = answer;
      if (!this.caller.answered(answer)) {
        this.hangup('caller-gone');
        return;
      }
    }
    const now = this.context.clock.now();
    this.answeredAt = now;
    this.relay.resume();
    this.context.channels.update(fork.channel.name, { state: 'Up', answeredAt: now, bridgedTo: this.callerChannel.name });
    this.context.channels.update(this.callerChannel.name, { state: 'Up', answeredAt: now, bridgedTo: fork.channel.name });
    if (this.maxDurationMs !== undefined && this.stopMaxDuration === undefined) this.stopMaxDuration = this.context.clock.setTimer(this.maxDurationMs, () => this.hangup('max-duration'));
  }

  failed(leg: OutboundLeg, status: number, reason: string): void {
    const fork = this.forks.get(leg.id);
    if (fork === undefined) return;
    if (status === 486 || status === 600) this.busySeen = true;
    if (status !== 487) this.lastFailure = { status, reason };
    if (this.phase !== 'ringing') return;
    // A contact that failed is no channel any more; the CDR keeps the first one it saw.
    if (this.forks.size > 1 || this.fallback !== undefined) this.context.channels.remove(fork.channel.name);
    if ([...this.forks.values()].some((f) => f.leg.pending)) return;
    const fallback = this.fallback;
    this.fallback = undefined;
    if (fallback !== undefined) {
      const reason: FallbackReason = this.busySeen ? 'busy' : this.ringTimedOut ? 'noanswer' : 'failed';
      void fallback(reason).then((started) => {
        if (!started) this.giveUp();
      });
      return;
    }
    this.giveUp();
  }

  /** Sets what to try once every fork failed (e.g. the next carrier). Cleared when used. */
  setFallback(fallback: (reason: FallbackReason) => Promise<boolean>): void {
    this.fallback = fallback;
  }

  /**
   * A forward: the attempt so far ends (busy, not answered) and is kept for the CDR; the call rings a new
   * destination, whose forks the caller adds with ring().
   */
  nextAttempt(ended: Disposition, destination: string, peerAccount: string, landed: Landing): void {
    this.closeAttempt(ended, [...this.forks.values()][0]?.channel);
    this.forks.clear();
    this.earlyFrom = undefined;
    this.busySeen = false;
    this.lastFailure = undefined;
    this.ringTimedOut = false;
    this.attempt = { destination, peerAccount, landed, startedAt: this.context.clock.now() };
    this.context.channels.update(this.callerChannel.name, { connectedNum: destination });
  }

  private giveUp(): void {
    if (this.phase !== 'ringing') return;
    const answer = this.ringTimedOut ? { status: 480, reason: 'Temporarily Unavailable' } : failureStatus(this.busySeen, this.lastFailure);
    this.refuseCaller(answer.status, answer.reason);
    this.end(this.busySeen ? 'BUSY' : answer.status === 480 || answer.status === 408 ? 'NO ANSWER' : 'FAILED');
  }

  /** The caller's side went away before the answer (CANCEL) or after it (BYE). */
  callerEnded(): void {
    if (this.phase === 'ended') return;
    this.caller.ended();
    if (this.phase === 'ringing') {
      for (const fork of this.forks.values()) fork.leg.cancel();
      this.end('NO ANSWER');
      return;
    }
    this.winner?.leg.bye();
    this.end('ANSWERED');
  }

  /** The callee hung up (its BYE). */
  calleeEnded(leg: OutboundLeg): void {
    if (this.phase !== 'answered' || this.winner?.leg !== leg) return;
    leg.ended();
    const consultation = this.consultation;
    if (consultation !== undefined) {
      // The called party hangs up during its consultation: that is how it completes the attended transfer.
      if (consultation.answered !== undefined) this.completeTransfer(consultation);
      else consultation.completeOnAnswer = true;
      return;
    }
    this.caller.hangup();
    this.end('ANSWERED');
  }

  /** Ends the call from the PBX side: API HANGUP, RTP timeout, max duration. */
  hangup(cause: string): void {
    if (this.phase === 'ended') return;
    this.hangupCause = cause;
    if (this.phase === 'ringing') {
      for (const fork of this.forks.values()) fork.leg.cancel();
      this.refuseCaller(480, 'Temporarily Unavailable');
      this.end('NO ANSWER');
      return;
    }
    this.winner?.leg.bye(`Q.850;cause=16;text="${cause}"`);
    this.caller.hangup();
    this.end('ANSWERED');
  }

  /** Starts an attended transfer's consultation; false when the call is not answered or already consulting. */
  beginConsultation(consultation: Consultation): boolean {
    if (this.phase !== 'answered' || this.consultation !== undefined) return false;
    this.consultation = consultation;
    consultation.session.onInactive = () => this.hangup('rtp-timeout');
    consultation.session.pause();
    return true;
  }

  /** The offer for a consultation target: the codec the call uses now, on the consultation session's port. */
  consultationOffer(port: number): string {
    const current = readSdp(Buffer.from(this.sentTo.a ?? ''));
    return anchoredSdp(current.ok ? current.value : this.caller.offer, this.context.mediaAddress, port, this.sdpVersion++);
  }

  /** The target answered: the caller is held, the called party talks with the target. */
  consultationAnswered(leg: OutboundLeg, body: Buffer): void {
    const consultation = this.consultation;
    const fork = consultation?.forks.find((f) => f.leg === leg);
    if (consultation === undefined || fork === undefined || consultation.answered !== undefined) return void leg.bye();
    for (const other of consultation.forks) {
      if (other === fork) continue;
      other.leg.cancel();
      this.context.channels.remove(other.channel.name);
    }
    const sdp = readSdp(body);
    const address = sdp.ok ? mediaAddress(sdp.value) : undefined;
    if (address !== undefined) consultation.session.side('b').setRemote(address.address, address.port);
    consultation.answered = { leg, channel: fork.channel, at: this.context.clock.now() };
    consultation.session.resume();
    this.context.channels.update(fork.channel.name, { state: 'Up', answeredAt: consultation.answered.at, bridgedTo: this.winner?.channel.name });
    if (consultation.completeOnAnswer) return this.completeTransfer(consultation);
    this.relay.side('a').bridgeTo(undefined);
    this.calleeSide.bridgeTo(consultation.session.side('b'));
  }

  /** The target hung up, refused or was cancelled: the called party gets its caller back. */
  consultationEnded(leg: OutboundLeg): void {
    const consultation = this.consultation;
    if (consultation === undefined || !consultation.forks.some((f) => f.leg === leg)) return;
    if (consultation.answered === undefined && consultation.forks.some((f) => f.leg.pending)) return;
    this.consultation = undefined;
    consultation.session.close();
    for (const fork of consultation.forks) this.context.channels.remove(fork.channel.name);
    if (this.phase !== 'answered') return;
    if (consultation.completeOnAnswer) {
      // Nobody is left for the caller: the called party already hung up and the target never came.
      this.caller.hangup();
      this.end('ANSWERED');
      return;
    }
    this.relay.side('a').bridgeTo(this.calleeSide);
  }

  /** The callee could not be rung at all (unknown, busy, offline) or the caller side gave up first. */
  unreachable(disposition: Disposition, status: number, reason: string): void {
    if (this.phase !== 'ringing') return;
    this.caller.failed(status, reason);
    this.end(disposition);
  }

  /** For a call the PBX placed: the description the caller side got from us (re-INVITE answers reuse it). */
  setCallerDescription(sdp: string): void {
    this.sentTo.a = sdp;
  }

  /** Which fork (if any) a leg belongs to. */
  owns(leg: OutboundLeg): boolean {
    return this.forks.has(leg.id);
  }

  get answeredLeg(): OutboundLeg | undefined {
    return this.winner?.leg;
  }

  /** A re-INVITE or UPDATE from one side moved its media (new address, hold): point the relay at it. */
  remoteMediaChanged(side: 'a' | 'b', body: Buffer): void {
    const sdp = readSdp(body);
    if (!sdp.ok) return;
    const address = mediaAddress(sdp.value);
    if (address === undefined) return;
    (side === 'b' ? this.calleeSide : this.relay.side('a')).setRemote(address.address, address.port);
    this.relay.hold(side, address.direction !== 'sendrecv');
  }

  /**
   * Blind transfer where the caller stays: the answered callee is released (BYE) and its attempt kept for the CDR;
   * the call is ringing again, towards the destination the caller is transferred to. The new callee is offered what
   * the caller uses now, so both ends agree on the codec without transcoding.
   */
  detachCallee(destination: string, peerAccount: string, landed: Landing, beforeRelease?: () => void): boolean {
    const winner = this.winner;
    if (this.phase !== 'answered' || winner === undefined) return false;
    beforeRelease?.();
    if (this.calleeSide !== this.relay.side('b')) {
      // After an attended transfer the callee was on another session: the next one is on this call's own side b.
      this.calleeSide.bridgeTo(undefined);
      this.calleeSide = this.relay.side('b');
      this.relay.side('a').bridgeTo(this.calleeSide);
    }
    winner.leg.bye('SIP;cause=200;text="transferred"');
    this.closeAttempt('ANSWERED', winner.channel);
    this.context.channels.remove(winner.channel.name);
    this.forks.clear();
    this.winner = undefined;
    this.earlyFrom = undefined;
    this.busySeen = false;
    this.lastFailure = undefined;
    const current = readSdp(Buffer.from(this.sentTo.a ?? ''));
    if (current.ok) this.offerForCallee = current.value;
    this.callerConnected = true;
    this.phase = 'ringing';
    this.attempt = { destination, peerAccount, landed, startedAt: this.context.clock.now() };
    this.context.channels.update(this.callerChannel.name, { bridgedTo: undefined, connectedNum: destination, exten: destination });
    return true;
  }

  /** The caller hears the failure: an error answer to its INVITE, or BYE when it is already connected. */
  private refuseCaller(status: number, reason: string): void {
    if (this.callerConnected) this.caller.hangup();
    else this.caller.failed(status, reason);
  }

  private closeAttempt(disposition: Disposition, dstChannel: LiveChannel | undefined): void {
    const endedAt = this.context.clock.now();
    const answeredAt = this.answeredAt;
    const outcome = answeredAt !== undefined && disposition === 'ANSWERED' ? { disposition: 'ANSWERED' as const, answeredAt } : { disposition: disposition === 'ANSWERED' ? ('FAILED' as const) : disposition };
    this.attempts.push({
      ...outcome,
      uniqueId: this.attempts.length === 0 ? this.callerChannel.uniqueId : (dstChannel?.uniqueId ?? this.callerChannel.uniqueId),
      dstChannel: dstChannel?.name ?? '',
      destination: this.attempt.destination,
      landed: this.attempt.landed,
      peerAccount: this.attempt.peerAccount,
      startedAt: this.attempt.startedAt,
      endedAt,
    });
    this.answeredAt = undefined;
  }

  private noAnswer(): void {
    if (this.phase !== 'ringing') return;
    if (this.fallback !== undefined) {
      // The forks' 487s bring failed() here again, which runs the no-answer fallback.
      this.ringTimedOut = true;
      for (const fork of this.forks.values()) fork.leg.cancel();
      return;
    }
    for (const fork of this.forks.values()) fork.leg.cancel();
    this.refuseCaller(480, 'Temporarily Unavailable');
    this.end('NO ANSWER');
  }

  private pointSideB(sdp: SessionDescription): void {
    const address = mediaAddress(sdp);
    if (address !== undefined) this.calleeSide.setRemote(address.address, address.port);
  }

  /** The called party left its consultation: the caller is joined to the target, which is now the callee. */
  private completeTransfer(consultation: Consultation): void {
    const answered = consultation.answered;
    const previous = this.winner;
    if (answered === undefined || previous === undefined) return;
    this.consultation = undefined;
    this.closeAttempt('ANSWERED', previous.channel);
    this.context.channels.remove(previous.channel.name);
    this.relay.side('b').bridgeTo(undefined);
    this.calleeSide = consultation.session.side('b');
    this.relay.side('a').bridgeTo(this.calleeSide);
    this.extraSessions.push(consultation.session);
    this.forks.clear();
    this.winner = { leg: answered.leg, channel: answered.channel };
    this.forks.set(answered.leg.id, this.winner);
    this.answeredAt = answered.at;
    this.attempt = { destination: consultation.destination, peerAccount: consultation.peerAccount, landed: { kind: 'EXT', label: consultation.destination }, startedAt: consultation.startedAt };
    this.context.channels.update(answered.channel.name, { bridgedTo: this.callerChannel.name });
    this.context.channels.update(this.callerChannel.name, { bridgedTo: answered.channel.name, connectedNum: consultation.destination });
    this.context.calleeReplaced?.(this, answered.leg);
  }

  private end(disposition: Disposition): void {
    if (this.phase === 'ended') return;
    this.phase = 'ended';
    this.stopRingTimer?.();
    this.stopMaxDuration?.();
    this.relay.close();
    for (const session of this.extraSessions) session.close();
    const consultation = this.consultation;
    this.consultation = undefined;
    if (consultation !== undefined) {
      for (const fork of consultation.forks) {
        if (fork.leg.answered) fork.leg.bye();
        else fork.leg.cancel();
        this.context.channels.remove(fork.channel.name);
      }
      consultation.session.close();
    }
    this.context.channels.remove(this.callerChannel.name);
    for (const fork of this.forks.values()) this.context.channels.remove(fork.channel.name);
    this.closeAttempt(disposition, this.winner?.channel ?? [...this.forks.values()][0]?.channel);
    const { destination: _destination, calleeAccount: _account, landed: _landed, ...call } = this.record;
    const record: CallRecord = { ...call, endedAt: this.context.clock.now(), attempts: [...this.attempts] };
    if (this.hangupCause) this.context.logger.debug({ cause: this.hangupCause, linkedId: this.callerChannel.linkedId }, 'call: hung up by the PBX');
    this.context.finished(this, record);
  }
}
