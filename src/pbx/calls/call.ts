// One call bridged by the B2BUA: the calling side (a phone's INVITE, or the source of an API call), the callee's
// forks, the relay session anchoring the media, the live channels and the call's record, through ringing, answer and
// end. Its media, forks, transfers and CDR attempts are kept in call-media, call-forks, call-transfers, call-attempts.
import type { RelaySessionControl } from '../../media/index.ts';
import type { CancelTimer, Clock, Logger } from '../../shared/index.ts';
import type { SipResponse } from '../../sip/index.ts';
import type { CallRecord, Landing } from '../cdr/index.ts';
import { CallAttempts } from './call-attempts.ts';
import { CallForks, type FallbackReason, type Fork } from './call-forks.ts';
import { CallMedia } from './call-media.ts';
import { CallTransfers, type TransferredCall } from './call-transfers.ts';
import type { ConsultationRun, Consultation } from './consultation.ts';
import type { ChannelRegistry, LiveChannel } from './channel-registry.ts';
import { readSdp } from './media-plan.ts';
import type { OutboundLeg } from './outbound-leg.ts';
import type { CallerSide } from './caller-side.ts';
import type { Disposition } from './call-outcome.ts';

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

export type CallPhase = 'ringing' | 'answered' | 'ended';

export class Call {
  private phase: CallPhase = 'ringing';
  private readonly forks: CallForks;
  /** What each side is sent and where its media is on the relay. */
  readonly media: CallMedia;
  private stopMaxDuration: CancelTimer | undefined;
  private hangupCause: string | undefined;
  /** The CDR's attempts: the one in progress and those already over (a forward, a callee released by a transfer). */
  private readonly attempts: CallAttempts;
  private readonly transfers: CallTransfers;

  constructor(
    private readonly context: CallContext,
    readonly caller: CallerSide,
    readonly relay: RelaySessionControl,
    readonly callerChannel: LiveChannel,
    readonly record: Omit<CallRecord, 'attempts' | 'endedAt'> & { readonly destination: string; readonly calleeAccount: string; readonly landed: Landing },
    /** A longer or shorter limit than the node's for this call (DIAL timeout=). */
    private readonly maxDurationMs: number | undefined = context.maxDurationMs,
  ) {
    this.forks = new CallForks(context.clock);
    this.media = new CallMedia(relay, caller, context.mediaAddress);
    this.attempts = new CallAttempts(callerChannel, { destination: record.destination, peerAccount: record.calleeAccount, landed: record.landed, startedAt: callerChannel.createdAt });
    this.transfers = new CallTransfers(this.transferredCall(), context.channels, context.clock);
    relay.onInactive = () => this.hangup('rtp-timeout');
    // No media flows while the callee rings (early media aside): the RTP timeout counts from the answer.
    relay.pause();
  }

  get state(): CallPhase {
    return this.phase;
  }

  /** Registers the forks and starts the no-answer timer (`ringSeconds`: the callee's ex_dialtimeout, else the node's). */
  ring(forks: ReadonlyArray<Fork>, ringSeconds?: number): void {
    const ringMs = ringSeconds === undefined ? this.context.ringTimeoutMs : ringSeconds * 1000;
    this.forks.ring(forks, ringMs, () => this.noAnswer());
  }

  provisional(leg: OutboundLeg, response: SipResponse): void {
    const fork = this.forks.of(leg);
    if (fork === undefined || this.phase !== 'ringing') return;
    this.context.channels.update(fork.channel.name, { state: 'Ringing' });
    const sdp = response.body.length > 0 ? readSdp(response.body) : undefined;
    // A caller that already talks to us (DIAL's source, a transferred caller) hears our ringback, or the early media.
    if (this.media.callerConnected || this.caller.talking) this.media.ringback(sdp?.ok !== true && !this.forks.earlyMediaHeard);
    // Early media (RFC 3960 gateway model): the first fork that sends SDP is heard; other forks' tones are not.
    if (this.media.callerConnected) return;
    if (sdp?.ok && this.forks.hearsEarlyMedia(leg)) {
      this.media.pointCallee(sdp.value, leg);
      this.caller.ringing(this.media.callerEarlyMedia(sdp.value));
    } else {
      this.caller.ringing(undefined);
    }
  }

  answered(leg: OutboundLeg, response: SipResponse): void {
    const fork = this.forks.of(leg);
    if (fork === undefined || this.phase !== 'ringing') return void leg.bye();
    const sdp = readSdp(response.body);
    if (!sdp.ok) {
      this.context.logger.warn({ error: sdp.error }, 'call: the callee answered without usable SDP');
      leg.bye('Q.850;cause=88');
      return this.failed(leg, 488, 'Not Acceptable Here');
    }
    this.phase = 'answered';
    this.media.ringback(false);
    // Forwarding and failover were for this attempt's ringing; they must not outlive the answer.
    this.forks.won(fork);
    this.media.pointCallee(sdp.value, leg);
    if (!this.media.callerConnected && !this.caller.answered(this.media.callerAnswer(sdp.value))) return this.hangup('caller-gone');
    const now = this.context.clock.now();
    this.attempts.answered(now);
    this.relay.resume();
    this.context.channels.update(fork.channel.name, { state: 'Up', answeredAt: now, bridgedTo: this.callerChannel.name });
    this.context.channels.update(this.callerChannel.name, { state: 'Up', answeredAt: now, bridgedTo: fork.channel.name });
    if (this.maxDurationMs !== undefined && this.stopMaxDuration === undefined) this.stopMaxDuration = this.context.clock.setTimer(this.maxDurationMs, () => this.hangup('max-duration'));
  }

  failed(leg: OutboundLeg, status: number, reason: string): void {
    const fork = this.forks.of(leg);
    if (fork === undefined) return;
    this.forks.failed(status, reason);
    if (this.phase !== 'ringing') return;
    // A contact that failed is no channel any more; the CDR keeps the first one it saw.
    if (this.forks.count > 1 || this.forks.hasFallback) this.context.channels.remove(fork.channel.name);
    if (this.forks.pending) return;
    const fallback = this.forks.takeFallback();
    if (fallback === undefined) return this.giveUp();
    void fallback().then((started) => {
      if (!started) this.giveUp();
    });
  }

  /** Sets what to try once every fork failed (e.g. the next carrier). Cleared when used. */
  setFallback(fallback: (reason: FallbackReason) => Promise<boolean>): void {
    this.forks.setFallback(fallback);
  }

  /**
   * A forward: the attempt so far ends (busy, not answered) and is kept for the CDR; the call rings a new
   * destination, whose forks the caller adds with ring().
   */
  nextAttempt(ended: Disposition, destination: string, peerAccount: string, landed: Landing): void {
    this.attempts.close(ended, this.forks.first?.channel, this.context.clock.now());
    this.forks.nextAttempt();
    this.attempts.start({ destination, peerAccount, landed, startedAt: this.context.clock.now() });
    this.context.channels.update(this.callerChannel.name, { connectedNum: destination });
  }

  private giveUp(): void {
    if (this.phase !== 'ringing') return;
    const outcome = this.forks.outcome();
    this.refuseCaller(outcome.status, outcome.reason);
    this.end(outcome.disposition);
  }

  /** The caller's side went away before the answer (CANCEL) or after it (BYE). */
  callerEnded(): void {
    if (this.phase === 'ended') return;
    this.caller.ended();
    if (this.phase === 'ringing') {
      this.forks.cancelAll();
      return this.end('NO ANSWER');
    }
    this.forks.answered?.leg.bye();
    this.end('ANSWERED');
  }

  /** The callee hung up (its BYE). */
  calleeEnded(leg: OutboundLeg): void {
    if (this.phase !== 'answered' || this.forks.answered?.leg !== leg) return;
    leg.ended();
    const consultation = this.transfers.consultation;
    if (consultation !== undefined) return consultation.calledPartyLeft();
    this.caller.hangup();
    this.end('ANSWERED');
  }

  /** Ends the call from the PBX side: API HANGUP, RTP timeout, max duration. */
  hangup(cause: string): void {
    if (this.phase === 'ended') return;
    this.hangupCause = cause;
    if (this.phase === 'ringing') {
      this.forks.cancelAll();
      this.refuseCaller(480, 'Temporarily Unavailable');
      return this.end('NO ANSWER');
    }
    this.forks.answered?.leg.bye(`Q.850;cause=16;text="${cause}"`);
    this.caller.hangup();
    this.end('ANSWERED');
  }

  /** The live channel of a side's party (the callee's once answered). */
  channelOf(side: 'a' | 'b'): LiveChannel | undefined {
    return side === 'a' ? this.callerChannel : this.forks.answered?.channel;
  }

  /** Whether a phone's attended transfer may join this call's party elsewhere: answered, not consulting, not joined. */
  get joinable(): boolean {
    return this.transfers.joinable;
  }

  /**
   * A phone's attended transfer (replaces-transfer.ts) joined this call's remaining party with `join.channel`'s, of
   * `join.partner`; with `record` this call records the joined talk (only one of the two does, so it is billed once).
   */
  joinedByTransfer(leaving: 'a' | 'b', join: { partner: Call; channel: LiveChannel; record?: { destination: string; peerAccount: string } }): void {
    this.transfers.joined(leaving, join);
  }

  /** An attended transfer's consultation in progress, if any. */
  get consultation(): ConsultationRun | undefined {
    return this.transfers.consultation;
  }

  /** Starts an attended transfer's consultation; undefined when the call is not answered, consulting or joined. */
  beginConsultation(consultation: Consultation): ConsultationRun | undefined {
    return this.transfers.consult(consultation);
  }

  /**
   * Our answer to a re-INVITE or UPDATE from the consultation's target (hold, a new address): the description it was
   * offered, renewed, with the consultation session following its media. Undefined when no consultation runs.
   */
  consultationDescription(offerBody: Buffer): string | undefined {
    const consultation = this.transfers.consultation?.consultation;
    return consultation === undefined ? undefined : this.media.consultationDescription(consultation, offerBody);
  }

  /** The callee could not be rung at all (unknown, busy, offline) or the caller side gave up first. */
  unreachable(disposition: Disposition, status: number, reason: string): void {
    if (this.phase !== 'ringing') return;
    this.caller.failed(status, reason);
    this.end(disposition);
  }

  get answeredLeg(): OutboundLeg | undefined {
    return this.forks.answered?.leg;
  }

  /**
   * Blind transfer where the caller stays: the answered callee is released (BYE) and its attempt kept for the CDR;
   * the call rings again, towards the destination the caller is transferred to. False when the call changed meanwhile.
   */
  detachCallee(destination: string, peerAccount: string, landed: Landing, beforeRelease?: () => void): boolean {
    return this.transfers.detachCallee(destination, peerAccount, landed, beforeRelease);
  }

  /** The caller hears the failure: an error answer to its INVITE, or BYE when it is already connected. */
  private refuseCaller(status: number, reason: string): void {
    if (this.media.callerConnected) this.caller.hangup();
    else this.caller.failed(status, reason);
  }

  private noAnswer(): void {
    if (this.phase !== 'ringing') return;
    // With a fallback, the forks' 487s bring failed() here again, which runs the no-answer fallback.
    if (this.forks.timedOut()) return;
    this.refuseCaller(480, 'Temporarily Unavailable');
    this.end('NO ANSWER');
  }

  /** The parts of this call its transfers rearrange, and what they need it to do (call-transfers.ts). */
  private transferredCall(): TransferredCall {
    const call = this;
    return {
      forks: this.forks,
      media: this.media,
      attempts: this.attempts,
      relay: this.relay,
      callerChannel: this.callerChannel,
      get talking() {
        return call.phase === 'answered';
      },
      channelOf: (side) => this.channelOf(side),
      hangup: (cause) => this.hangup(cause),
      abandonCaller: () => {
        this.caller.hangup();
        this.end('ANSWERED');
      },
      ringAgain: () => void (this.phase = 'ringing'),
      calleeReplaced: (leg) => this.context.calleeReplaced?.(this, leg),
    };
  }

  private end(disposition: Disposition): void {
    if (this.phase === 'ended') return;
    this.phase = 'ended';
    this.forks.stop();
    this.stopMaxDuration?.();
    this.media.close();
    const join = this.transfers.end();
    this.context.channels.remove(this.callerChannel.name);
    for (const fork of this.forks.all) this.context.channels.remove(fork.channel.name);
    this.attempts.close(disposition, join?.channel ?? this.forks.answered?.channel ?? this.forks.first?.channel, this.context.clock.now());
    const { destination: _destination, calleeAccount: _account, landed: _landed, ...call } = this.record;
    const record: CallRecord = { ...call, endedAt: this.context.clock.now(), attempts: [...this.attempts.all] };
    if (this.hangupCause) this.context.logger.debug({ cause: this.hangupCause, linkedId: this.callerChannel.linkedId }, 'call: hung up by the PBX');
    this.context.finished(this, record);
    // Either party of a joined pair hanging up ends the other call's leg too.
    join?.partner.hangup('transfer-joined-party-left');
  }
}
