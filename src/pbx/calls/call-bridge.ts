// Two parties of a call talking through the relay, from the answer to the end: the keys between them (SIP INFO and
// RFC 4733, call-dtmf.ts), the in-call codes the tenant's extensions key (in-call-codes.ts), the music a party put
// on hold hears (hold-music.ts) and the call's longest duration. The Call starts it when a party answers and closes
// it with the call; who the parties are stays the Call's (its forks and caller side).
import type { RelaySessionControl, SessionDescription } from '../../media/index.ts';
import type { CancelTimer, Clock, Logger } from '../../shared/index.ts';
import type { SipStack } from '../../sip/index.ts';
import { CallDtmf, type BridgedLegs, type CallSide, type KeyWatch } from './call-dtmf.ts';
import type { CallAttempts } from './call-attempts.ts';
import type { CallForks, Fork } from './call-forks.ts';
import type { CallMedia } from './call-media.ts';
import type { CallRecording } from './call-recording.ts';
import type { CallerSide } from './caller-side.ts';
import type { ChannelRegistry, LiveChannel } from './channel-registry.ts';
import { HoldMusic } from './hold-music.ts';
import { InCallFeatures } from './in-call-codes.ts';
import type { MusicOnHold } from './music-on-hold.ts';
import type { OutboundLeg } from './outbound-leg.ts';

/** What the bridge needs of the node, fixed for the call. */
export interface BridgeDeps {
  readonly stack: SipStack;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The tenants' music for parties on hold; none = a held party hears silence. */
  readonly moh: MusicOnHold | undefined;
  readonly tenantId: number;
  readonly linkedId: string;
  /** The call ends this long after the answer (the node's limit, or DIAL timeout=); undefined = no limit. */
  readonly maxDurationMs: number | undefined;
}

/** The call whose parties are bridged: its parts, and what only the call itself can do. */
export interface BridgedCall {
  /** A party answered and the call is not over. */
  readonly talking: boolean;
  readonly caller: CallerSide;
  readonly media: CallMedia;
  readonly forks: CallForks;
  readonly recording: CallRecording;
  readonly attempts: CallAttempts;
  readonly relay: RelaySessionControl;
  readonly callerChannel: LiveChannel;
  readonly channels: ChannelRegistry;
  /** A party answered: the call talks now, and the PBX's own media to the caller gives way. */
  partyAnswered(): void;
  /** The live channel of a side's party (the callee's once answered). */
  channelOf(side: CallSide): LiveChannel | undefined;
  hangup(cause: string): void;
}

export class CallBridge {
  /** Keys between the bridged parties (INFO to RFC 4733 and back). */
  private readonly dtmf: CallDtmf;
  /** What a party put on hold hears (its class), and who hears it now. */
  private readonly music: HoldMusic;
  /** The codes the bridged parties key during the call (*1 recording). */
  private readonly features: InCallFeatures;
  private stopMaxDuration: CancelTimer | undefined;

  constructor(
    private readonly deps: BridgeDeps,
    private readonly call: BridgedCall,
  ) {
    this.dtmf = new CallDtmf(deps.stack, deps.logger);
    this.music = new HoldMusic(deps.moh, deps.tenantId, call.media, () => call.talking);
    this.features = new InCallFeatures({ clock: deps.clock, recording: call.recording, media: call.media, onHold: () => this.music.hearing, logger: deps.logger, linkedId: deps.linkedId });
  }

  /**
   * `fork`'s party answered with `sdp` (call-ringing.ts): it is bridged with the caller, who is answered if it was not
   * (a caller the PBX or an earlier party answered already talks to us); the call's time limit starts with the first
   * answer (a transfer's new callee does not reset it) and keys are carried between the two.
   */
  connect(fork: Fork, leg: OutboundLeg, sdp: SessionDescription): void {
    const { media, forks, caller, channels, callerChannel } = this.call;
    media.ringback(false);
    this.call.partyAnswered();
    // The ring timer was for this attempt's ringing; it must not outlive the answer.
    forks.won(fork);
    media.pointCallee(sdp, leg);
    if (!media.callerConnected && !caller.answered(media.callerAnswer(sdp))) return this.call.hangup('caller-gone');
    const now = this.deps.clock.now();
    this.call.attempts.answered(now);
    this.call.relay.resume();
    channels.update(fork.channel.name, { state: 'Up', answeredAt: now, bridgedTo: callerChannel.name });
    channels.update(callerChannel.name, { state: 'Up', answeredAt: now, bridgedTo: fork.channel.name });
    if (this.deps.maxDurationMs !== undefined && this.stopMaxDuration === undefined) this.stopMaxDuration = this.deps.clock.setTimer(this.deps.maxDurationMs, () => this.call.hangup('max-duration'));
    this.dtmf.bridged(this.bridgedLegs(), this.keyWatch());
    this.call.recording.update();
    forks.settle({ kind: 'answered' });
  }

  /** MUSICONHOLD-<id>: this class for a party put on hold, for the rest of the call. */
  useMusicOnHold(classId: number): void {
    this.music.choose(classId);
  }

  /**
   * A party's re-INVITE or UPDATE: the relay follows its media, and when it puts the call on hold (sendonly or
   * inactive) the other party hears the tenant's music on hold instead of silence, until it resumes.
   */
  reinvited(side: CallSide, body: Buffer): void {
    const held = this.call.media.remoteMediaChanged(side, body);
    if (held === undefined || !this.call.talking) return;
    this.music.changed(side, held, this.call.channelOf(side)?.account ?? '');
  }

  /** A key one bridged party pressed in SIP INFO: carried to the other in the method its leg uses, and watched for codes. */
  key(side: CallSide, digit: string, durationMs: number | undefined): void {
    this.dtmf.infoKey(this.bridgedLegs(), side, digit, durationMs);
    const watch = this.keyWatch();
    if (watch.sides.includes(side)) watch.heard(side, digit);
  }

  /** The call is over: no code is waited for any more, and its time limit goes. */
  close(): void {
    this.features.close();
    this.stopMaxDuration?.();
  }

  /** The two parties of the bridge as DTMF interworking needs them. */
  private bridgedLegs(): BridgedLegs {
    const { media, caller, forks } = this.call;
    return {
      sideOf: (side) => media.sideOf(side),
      dialogOf: (side) => (side === 'a' ? caller.leg.dialog : forks.answered?.leg.dialog),
      eventPayloadType: (side) => media.eventPayloadType(side),
    };
  }

  /** The bridged parties whose keys are watched for in-call codes: the tenant's extensions (not a carrier's caller). */
  private keyWatch(): KeyWatch {
    const sides = (['a', 'b'] as const).filter((side) => (this.call.channelOf(side)?.account ?? '') !== '');
    return { sides, heard: (side, digit) => this.features.heard(side, digit) };
  }
}
