// An attended transfer's consultation (MiRTA ATXTRANSFER, attended-transfer.ts): the called party talks with the
// target on a second relay session while its caller waits; when the called party hangs up, the call hands the caller
// over to the target. This file is the consultation's own bookkeeping; call-transfers.ts does the handing over.
import type { RelaySessionControl, RelaySideControl } from '../../media/index.ts';
import type { Clock } from '../../shared/index.ts';
import type { ChannelRegistry, LiveChannel } from './channel-registry.ts';
import { mediaAddress, readSdp } from './media-plan.ts';
import type { OutboundLeg } from './outbound-leg.ts';
import { mediaEndCause } from './media-end-cause.ts';

export interface Consultation {
  readonly forks: ReadonlyArray<{ leg: OutboundLeg; channel: LiveChannel }>;
  readonly session: RelaySessionControl;
  /** The description offered to the target (on the session's side b): re-INVITE answers renew it. */
  readonly offer: string;
  readonly destination: string;
  readonly peerAccount: string;
  readonly startedAt: Date;
  /** The caller was handed over to the target (call-transfers.ts): both are told whom they talk to now. */
  readonly handedOver?: () => void;
}

/** The target's fork that answered, and when. */
export interface ConsultedTarget {
  readonly leg: OutboundLeg;
  readonly channel: LiveChannel;
  readonly at: Date;
}

/** What a consultation needs of its call. */
export interface ConsultingCall {
  /** The call is answered and not over. */
  readonly talking: boolean;
  readonly calleeChannel: LiveChannel | undefined;
  readonly callerSide: RelaySideControl;
  readonly calleeSide: RelaySideControl;
  hangup(cause: string): void;
  /** The consultation is over: the call has none any more. */
  forget(): void;
  /** Nobody is left for the caller: the called party already hung up and the target never came. */
  abandonCaller(): void;
  /** The called party left: the target, talking on the consultation's session, becomes the callee. */
  handOver(target: ConsultedTarget, consultation: Consultation): void;
}

export class ConsultationRun {
  private target: ConsultedTarget | undefined;
  /** The called party hung up before the target answered: the caller is joined to the target when it does. */
  private completeOnAnswer = false;

  constructor(
    readonly consultation: Consultation,
    private readonly call: ConsultingCall,
    private readonly channels: ChannelRegistry,
    private readonly clock: Clock,
  ) {
    consultation.session.onInactive = (session) => call.hangup(mediaEndCause(session));
    consultation.session.pause();
  }

  /** The target answered: the caller is held, the called party talks with the target. */
  answered(leg: OutboundLeg, body: Buffer): void {
    const { forks, session } = this.consultation;
    const fork = forks.find((f) => f.leg === leg);
    if (fork === undefined || this.target !== undefined) return void leg.bye();
    for (const other of forks) {
      if (other === fork) continue;
      other.leg.cancel();
      this.channels.remove(other.channel.name);
    }
    const sdp = readSdp(body);
    const address = sdp.ok ? mediaAddress(sdp.value) : undefined;
    session.side('b').setRemote(address?.address ?? '', address?.port ?? 0, leg.signallingAddress);
    this.target = { leg, channel: fork.channel, at: this.clock.now() };
    session.resume();
    this.channels.update(fork.channel.name, { state: 'Up', answeredAt: this.target.at, bridgedTo: this.call.calleeChannel?.name });
    if (this.completeOnAnswer) return this.complete();
    this.call.callerSide.bridgeTo(undefined);
    this.call.calleeSide.bridgeTo(session.side('b'));
  }

  /** The target hung up, refused or was cancelled: the called party gets its caller back. */
  ended(leg: OutboundLeg): void {
    const { forks, session } = this.consultation;
    if (!forks.some((f) => f.leg === leg)) return;
    if (this.target === undefined && forks.some((f) => f.leg.pending)) return;
    this.call.forget();
    session.close();
    for (const fork of forks) this.channels.remove(fork.channel.name);
    if (!this.call.talking) return;
    if (this.completeOnAnswer) return this.call.abandonCaller();
    this.call.callerSide.bridgeTo(this.call.calleeSide);
  }

  /** The called party hung up during its consultation: that is how it completes the attended transfer. */
  calledPartyLeft(): void {
    if (this.target !== undefined) this.complete();
    else this.completeOnAnswer = true;
  }

  /** The call ended first: the target's legs and the consultation's session go with it. */
  cancel(): void {
    for (const fork of this.consultation.forks) {
      if (fork.leg.answered) fork.leg.bye();
      else fork.leg.cancel();
      this.channels.remove(fork.channel.name);
    }
    this.consultation.session.close();
  }

  /** The consultation could not ring anyone: its legs and session go, and the call has no consultation any more. */
  abort(): void {
    this.cancel();
    this.call.forget();
  }

  private complete(): void {
    const target = this.target;
    if (target === undefined || this.call.calleeChannel === undefined) return;
    this.call.forget();
    this.call.handOver(target, this.consultation);
  }
}
