// One call bridged by the B2BUA: the calling side (a phone's INVITE, or the source of an API call), the forks
// ringing the callee's contacts, the relay session anchoring the media, the live channels and the call's record.
import { restrictCodecs, type RelaySessionControl, type RelaySideControl, type SessionDescription } from '../../media/index.ts';
import type { CancelTimer, Clock, Logger } from '../../shared/index.ts';
import type { SipResponse } from '../../sip/index.ts';
import type { CallRecord, Landing } from '../cdr/index.ts';
import { CallAttempts } from './call-attempts.ts';
import { ConsultationRun, type Consultation, type ConsultedTarget } from './consultation.ts';
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
  private busySeen = false;
  private lastFailure: { status: number; reason: string } | undefined;
  private hangupCause: string | undefined;
  /** After a blind transfer the caller already talks to us: new callees are connected without answering it again. */
  private callerConnected = false;
  /** The description the next callee is offered: the caller's offer, or after a transfer what the caller now uses. */
  private offerForCallee: SessionDescription;
  /** The CDR's attempts: the one in progress and those already over (a forward, a callee released by a transfer). */
  private readonly attempts: CallAttempts;
  /** What to try when every fork failed (the next carrier, a forwarding slot): true when it rang something new. */
  private fallback: ((reason: FallbackReason) => Promise<boolean>) | undefined;
  /** The ring time ran out and the forks are being cancelled so the fallback (no-answer forward) can run. */
  private ringTimedOut = false;
  /** The relay side the callee's media is on: side b, or after an attended transfer a second session's side. */
  private calleeSide: RelaySideControl;
  private consultationRun: ConsultationRun | undefined;
  /** Relay sessions the call took over from consultations; closed with the call. */
  private readonly extraSessions: RelaySessionControl[] = [];
  /** A phone's attended transfer (RFC 3891) joined this call's party with one of another call: they end together. */
  private join: { partner: Call; channel: LiveChannel } | undefined;

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
    this.attempts = new CallAttempts(callerChannel, { destination: record.destination, peerAccount: record.calleeAccount, landed: record.landed, startedAt: callerChannel.createdAt });
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

  /**
   * The offer for the callee: the caller's description on relay side B, narrowed to `codecs` when the callee
   * accepts only some (a carrier's allow list); undefined when none of the caller's codecs is among them.
   */
  calleeOffer(): string;
  calleeOffer(codecs: readonly string[]): string | undefined;
  calleeOffer(codecs: readonly string[] = []): string | undefined {
    const description = restrictCodecs(this.callerConnected ? this.offerForCallee : this.caller.offer, codecs);
    if (description === undefined) return undefined;
    const offer = anchoredSdp(description, this.context.mediaAddress, this.relay.side('b').localPort, this.sdpVersion++);
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
    // A caller that already talks to us (DIAL's source, a transferred caller) hears our ringback, or the early media.
    if (this.callerConnected || this.caller.talking) this.ringback(sdp?.ok !== true && this.earlyFrom === undefined);
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
    this.ringback(false);
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
    this.attempts.answered(now);
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

  /** Ringback to side a in the law the caller uses (PCMU or PCMA; none for another codec), or silence it. */
  private ringback(on: boolean): void {
    const side = this.relay.side('a');
    if (!on) return side.playTone(undefined);
    const payloadType = g711Of(this.callerConnected ? this.offerForCallee : this.caller.offer);
    if (payloadType !== undefined) side.playTone({ name: 'ringback', payloadType });
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
    this.attempts.start({ destination, peerAccount, landed, startedAt: this.context.clock.now() });
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
    if (this.consultationRun !== undefined) return this.consultationRun.calledPartyLeft();
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

  /** Where a party's media is on the relay: the caller's on side a, the callee's on side b or a consultation's. */
  mediaSide(side: 'a' | 'b'): RelaySideControl {
    return side === 'a' ? this.relay.side('a') : this.calleeSide;
  }

  /** The live channel of a side's party (the callee's once answered). */
  channelOf(side: 'a' | 'b'): LiveChannel | undefined {
    return side === 'a' ? this.callerChannel : this.winner?.channel;
  }

  /** Whether a phone's attended transfer may join this call's party elsewhere: answered, not consulting, not joined. */
  get joinable(): boolean {
    return this.phase === 'answered' && this.consultationRun === undefined && this.join === undefined && this.winner !== undefined;
  }

  /**
   * A phone's attended transfer (replaces-transfer.ts): the party on `leaving` (the transferring phone) is no party
   * any more and the other one talks with `join.channel`'s party, of `join.partner`. Its talk with the phone ends here
   * for the CDR, as ATXTRANSFER's completeTransfer closes the transferrer's attempt; with `record` the joined talk is
   * this call's new attempt (only one of the two calls records it, so it is billed once).
   */
  joinedByTransfer(leaving: 'a' | 'b', join: { partner: Call; channel: LiveChannel; record?: { destination: string; peerAccount: string } }): void {
    const gone = this.channelOf(leaving);
    const staying = this.channelOf(leaving === 'a' ? 'b' : 'a');
    this.join = { partner: join.partner, channel: join.channel };
    // The phone held its party before transferring; that hold must not keep the inactivity watch off any more.
    this.relay.hold(leaving, false);
    if (gone !== undefined) this.context.channels.remove(gone.name);
    if (staying !== undefined) this.context.channels.update(staying.name, { bridgedTo: join.channel.name, connectedNum: join.channel.extension || join.channel.callerIdNum });
    const now = this.context.clock.now();
    if (join.record === undefined) return this.attempts.closeLast('ANSWERED', this.winner?.channel, now);
    this.closeAttempt('ANSWERED', this.winner?.channel);
    this.attempts.start({ destination: join.record.destination, peerAccount: join.record.peerAccount, landed: { kind: 'EXT', label: join.record.destination }, startedAt: now }, now);
  }

  /** An attended transfer's consultation in progress, if any. */
  get consultation(): ConsultationRun | undefined {
    return this.consultationRun;
  }

  /** Starts an attended transfer's consultation; undefined when the call is not answered, consulting or joined. */
  beginConsultation(consultation: Consultation): ConsultationRun | undefined {
    // A call joined to another by a phone's transfer has no called party of its own left to consult.
    if (this.phase !== 'answered' || this.consultationRun !== undefined || this.join !== undefined) return undefined;
    const call = this;
    this.consultationRun = new ConsultationRun(
      consultation,
      {
        get talking() {
          return call.phase === 'answered';
        },
        get calleeChannel() {
          return call.winner?.channel;
        },
        get callerSide() {
          return call.relay.side('a');
        },
        get calleeSide() {
          return call.calleeSide;
        },
        hangup: (cause) => this.hangup(cause),
        forget: () => (this.consultationRun = undefined),
        abandonCaller: () => {
          this.caller.hangup();
          this.end('ANSWERED');
        },
        handOver: (target, c) => this.handOver(target, c),
      },
      this.context.channels,
      this.context.clock,
    );
    return this.consultationRun;
  }

  /**
   * Our answer to a re-INVITE or UPDATE from the consultation's target (hold, a new address): the description it was
   * offered, renewed, with the consultation session following its media. Undefined when no consultation runs.
   */
  consultationDescription(offerBody: Buffer): string | undefined {
    const consultation = this.consultationRun?.consultation;
    if (consultation === undefined) return undefined;
    const offer = offerBody.length > 0 ? readSdp(offerBody) : undefined;
    const address = offer?.ok ? mediaAddress(offer.value) : undefined;
    if (address !== undefined) {
      consultation.session.side('b').setRemote(address.address, address.port);
      consultation.session.hold('b', address.direction !== 'sendrecv');
    }
    return reanswer(consultation.offer, offer?.ok ? offer.value : undefined, this.sdpVersion++);
  }

  /** The offer for a consultation target: the codec the call uses now, on the consultation session's port. */
  consultationOffer(port: number): string {
    const current = readSdp(Buffer.from(this.sentTo.a ?? ''));
    return anchoredSdp(current.ok ? current.value : this.caller.offer, this.context.mediaAddress, port, this.sdpVersion++);
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
    // After a phone's attended transfer the party is joined to another call's: releasing "the callee" would leave that
    // party's media bridged to nobody's call.
    if (this.phase !== 'answered' || winner === undefined || this.join !== undefined) return false;
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
    this.attempts.start({ destination, peerAccount, landed, startedAt: this.context.clock.now() });
    this.context.channels.update(this.callerChannel.name, { bridgedTo: undefined, connectedNum: destination, exten: destination });
    return true;
  }

  /** The caller hears the failure: an error answer to its INVITE, or BYE when it is already connected. */
  private refuseCaller(status: number, reason: string): void {
    if (this.callerConnected) this.caller.hangup();
    else this.caller.failed(status, reason);
  }

  private closeAttempt(disposition: Disposition, dstChannel: LiveChannel | undefined): void {
    this.attempts.close(disposition, dstChannel, this.context.clock.now());
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
  private handOver(answered: ConsultedTarget, consultation: Consultation): void {
    const previous = this.winner;
    if (previous === undefined) return;
    this.closeAttempt('ANSWERED', previous.channel);
    this.context.channels.remove(previous.channel.name);
    this.relay.side('b').bridgeTo(undefined);
    this.calleeSide = consultation.session.side('b');
    // The target is the callee now: its re-INVITEs are answered from what it was offered, on its own session's port.
    this.sentTo.b = consultation.offer;
    this.relay.side('a').bridgeTo(this.calleeSide);
    this.extraSessions.push(consultation.session);
    this.forks.clear();
    this.winner = { leg: answered.leg, channel: answered.channel };
    this.forks.set(answered.leg.id, this.winner);
    this.attempts.start({ destination: consultation.destination, peerAccount: consultation.peerAccount, landed: { kind: 'EXT', label: consultation.destination }, startedAt: consultation.startedAt }, answered.at);
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
    const consultation = this.consultationRun;
    this.consultationRun = undefined;
    consultation?.cancel();
    this.context.channels.remove(this.callerChannel.name);
    for (const fork of this.forks.values()) this.context.channels.remove(fork.channel.name);
    const join = this.join;
    this.join = undefined;
    this.closeAttempt(disposition, join?.channel ?? this.winner?.channel ?? [...this.forks.values()][0]?.channel);
    const { destination: _destination, calleeAccount: _account, landed: _landed, ...call } = this.record;
    const record: CallRecord = { ...call, endedAt: this.context.clock.now(), attempts: [...this.attempts.all] };
    if (this.hangupCause) this.context.logger.debug({ cause: this.hangupCause, linkedId: this.callerChannel.linkedId }, 'call: hung up by the PBX');
    this.context.finished(this, record);
    // Either party of a joined pair hanging up ends the other call's leg too.
    join?.partner.hangup('transfer-joined-party-left');
  }
}

/** The G.711 law the first audio stream of a description lists first (0 PCMU, 8 PCMA), if it lists either. */
function g711Of(description: SessionDescription): 0 | 8 | undefined {
  const formats = description.media.find((m) => m.media === 'audio' && m.port !== 0)?.formats ?? [];
  const first = formats.find((f) => f === '0' || f === '8');
  return first === '0' ? 0 : first === '8' ? 8 : undefined;
}
