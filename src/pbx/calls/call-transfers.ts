// What transfers do to an answered call, and the state they leave it in. A blind transfer releases the callee and
// the call rings anew (blind-transfer.ts); an attended transfer's consultation (consultation.ts) hands the caller
// over to the target when the called party leaves; a phone's own attended transfer (replaces-transfer.ts) joins the
// call's remaining party with another call's. Each closes the CDR attempt of the party that left and moves the
// channels; the Call keeps its phase and its end.
import type { RelaySessionControl } from '../../media/index.ts';
import type { Clock } from '../../shared/index.ts';
import type { Landing } from '../cdr/index.ts';
import type { CallAttempts } from './call-attempts.ts';
import type { CallForks } from './call-forks.ts';
import type { CallMedia } from './call-media.ts';
import type { Disposition } from './call-outcome.ts';
import type { ChannelRegistry, LiveChannel } from './channel-registry.ts';
import { ConsultationRun, type Consultation, type ConsultedTarget } from './consultation.ts';
import type { OutboundLeg } from './outbound-leg.ts';

/** The call a transfer rearranges: its parts, and what only the call itself can do. */
export interface TransferredCall {
  readonly forks: CallForks;
  readonly media: CallMedia;
  readonly attempts: CallAttempts;
  readonly relay: RelaySessionControl;
  readonly callerChannel: LiveChannel;
  /** The call is answered and not over. */
  readonly talking: boolean;
  /** The live channel of a side's party (the callee's once answered). */
  channelOf(side: 'a' | 'b'): LiveChannel | undefined;
  hangup(cause: string): void;
  /** Nobody is left for the caller (the called party left, the target never came): the caller is hung up, the call ends. */
  abandonCaller(): void;
  /** The callee was released: the call rings again, towards the transfer's destination. */
  ringAgain(): void;
  /** An attended transfer made `leg` the callee: its dialog now speaks for side b. */
  calleeReplaced(leg: OutboundLeg): void;
}

/** The other call of a phone's attended transfer: when either ends, the other's joined party is hung up. */
export interface JoinPartner {
  hangup(cause: string): void;
}

/** Another call's party this call's remaining party was joined with, and its CDR record if this call keeps it. */
export interface Join {
  readonly partner: JoinPartner;
  readonly channel: LiveChannel;
  readonly record?: { destination: string; peerAccount: string };
}

export class CallTransfers {
  private run: ConsultationRun | undefined;
  /** A phone's attended transfer (RFC 3891) joined this call's party with one of another call: they end together. */
  private join: Join | undefined;

  constructor(
    private readonly call: TransferredCall,
    private readonly channels: ChannelRegistry,
    private readonly clock: Clock,
  ) {}

  /** An attended transfer's consultation in progress, if any. */
  get consultation(): ConsultationRun | undefined {
    return this.run;
  }

  /** Whether a phone's attended transfer may join this call's party elsewhere: answered, not consulting, not joined. */
  get joinable(): boolean {
    return this.call.talking && this.run === undefined && this.join === undefined && this.call.forks.answered !== undefined;
  }

  /** Blind transfer where the caller stays: the answered callee is released (BYE), its attempt kept for the CDR. */
  detachCallee(destination: string, peerAccount: string, landed: Landing, beforeRelease?: () => void): boolean {
    const { forks, media, attempts, callerChannel } = this.call;
    const winner = forks.answered;
    // After a phone's attended transfer the party is joined to another call's: releasing "the callee" would leave that
    // party's media bridged to nobody's call.
    if (!this.call.talking || winner === undefined || this.join !== undefined) return false;
    beforeRelease?.();
    media.calleeReleased();
    winner.leg.bye('SIP;cause=200;text="transferred"');
    this.closeAttempt('ANSWERED', winner.channel);
    this.channels.remove(winner.channel.name);
    forks.released();
    this.call.ringAgain();
    attempts.start({ destination, peerAccount, landed, startedAt: this.clock.now() });
    this.channels.update(callerChannel.name, { bridgedTo: undefined, connectedNum: destination, exten: destination });
    return true;
  }

  /** Starts an attended transfer's consultation; undefined when the call is not answered, consulting or joined. */
  consult(consultation: Consultation): ConsultationRun | undefined {
    // A call joined to another by a phone's transfer has no called party of its own left to consult.
    if (!this.call.talking || this.run !== undefined || this.join !== undefined) return undefined;
    const call = this.call;
    this.run = new ConsultationRun(
      consultation,
      {
        get talking() {
          return call.talking;
        },
        get calleeChannel() {
          return call.forks.answered?.channel;
        },
        get callerSide() {
          return call.media.sideOf('a');
        },
        get calleeSide() {
          return call.media.sideOf('b');
        },
        hangup: (cause) => call.hangup(cause),
        forget: () => (this.run = undefined),
        abandonCaller: () => call.abandonCaller(),
        handOver: (target, c) => this.handOver(target, c),
      },
      this.channels,
      this.clock,
    );
    return this.run;
  }

  /**
   * A phone's attended transfer: the party on `leaving` (the transferring phone) is no party any more and the other
   * one talks with `join.channel`'s party. Its talk with the phone ends here for the CDR, as ATXTRANSFER's hand-over
   * closes the transferrer's attempt; with `join.record` the joined talk is this call's new attempt.
   */
  joined(leaving: 'a' | 'b', join: Join): void {
    const { forks, attempts } = this.call;
    const gone = this.call.channelOf(leaving);
    const staying = this.call.channelOf(leaving === 'a' ? 'b' : 'a');
    this.join = { partner: join.partner, channel: join.channel };
    // The phone held its party before transferring; that hold must not keep the inactivity watch off any more.
    this.call.relay.hold(leaving, false);
    if (gone !== undefined) this.channels.remove(gone.name);
    if (staying !== undefined) this.channels.update(staying.name, { bridgedTo: join.channel.name, connectedNum: join.channel.extension || join.channel.callerIdNum });
    const now = this.clock.now();
    if (join.record === undefined) return attempts.closeLast('ANSWERED', forks.answered?.channel, now);
    this.closeAttempt('ANSWERED', forks.answered?.channel);
    attempts.start({ destination: join.record.destination, peerAccount: join.record.peerAccount, landed: { kind: 'EXT', label: join.record.destination }, startedAt: now }, now);
  }

  /** The call is over: a consultation in progress goes with it; the joined party, if any, is returned to the call. */
  end(): Join | undefined {
    const run = this.run;
    this.run = undefined;
    run?.cancel();
    const join = this.join;
    this.join = undefined;
    return join;
  }

  /** The called party left its consultation: the caller is joined to the target, which is now the callee. */
  private handOver(answered: ConsultedTarget, consultation: Consultation): void {
    const { forks, media, attempts, callerChannel } = this.call;
    const previous = forks.answered;
    if (previous === undefined) return;
    this.closeAttempt('ANSWERED', previous.channel);
    this.channels.remove(previous.channel.name);
    media.calleeMovedTo(consultation);
    forks.replaced({ leg: answered.leg, channel: answered.channel });
    attempts.start({ destination: consultation.destination, peerAccount: consultation.peerAccount, landed: { kind: 'EXT', label: consultation.destination }, startedAt: consultation.startedAt }, answered.at);
    this.channels.update(answered.channel.name, { bridgedTo: callerChannel.name });
    this.channels.update(callerChannel.name, { bridgedTo: answered.channel.name, connectedNum: consultation.destination });
    this.call.calleeReplaced(answered.leg);
    consultation.handedOver?.();
  }

  private closeAttempt(disposition: Disposition, dstChannel: LiveChannel | undefined): void {
    this.call.attempts.close(disposition, dstChannel, this.clock.now());
  }
}
