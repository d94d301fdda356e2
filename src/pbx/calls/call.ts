// One call through the B2BUA: the calling side (a phone's INVITE, or the source of an API call), whoever the steps of
// its destination list bring (forks of SIP parties, or the PBX itself answering), the relay session anchoring the
// media, the live channels and the call's record, through setup, answer and end. It is the CallHandle the runner's
// applications drive. Its media, forks, transfers and CDR attempts are kept in call-media, call-forks,
// call-transfers, call-attempts.
import type { RelaySessionControl } from '../../media/index.ts';
import type { CancelTimer, Clock, Logger } from '../../shared/index.ts';
import type { SipResponse, SipStack } from '../../sip/index.ts';
import type { CallRecord, Landing } from '../cdr/index.ts';
import { CallAttempts } from './call-attempts.ts';
import { CallDtmf, type BridgedLegs } from './call-dtmf.ts';
import { CallForks } from './call-forks.ts';
import { CallRecording, type RecordingHost, type RecordingLog, type RecordingPaths } from './call-recording.ts';
import { CallApplication } from './call-application.ts';
import { HoldMusic } from './hold-music.ts';
import { InCallFeatures } from './in-call-codes.ts';
import type { KeyWatch } from './call-dtmf.ts';
import type { RecordingMode } from './recording-policy.ts';
import type { MusicOnHold } from './music-on-hold.ts';
import { dispositionOf, dispositionOfStatus, playRefusalTone } from './call-refusal.ts';
import type { CallIds } from './call-ids.ts';
import { CallMedia } from './call-media.ts';
import { CallTransfers, type TransferredCall } from './call-transfers.ts';
import type { ConsultationRun, Consultation } from './consultation.ts';
import type { ChannelRegistry, LiveChannel } from './channel-registry.ts';
import { readSdp } from './media-plan.ts';
import type { OutboundLeg } from './outbound-leg.ts';
import type { CallerSide } from './caller-side.ts';
import type { Disposition } from './call-outcome.ts';
import { startForks } from './fork.ts';
import { RingPlan, type RingingCall } from './ring-plan.ts';
import { pbxMediaOf } from './pbx-media-session.ts';
import type { PbxMedia } from './runner/pbx-media.ts';
import type { AttemptLabel, CallHandle, RingOutcome, RingRequest, RingTarget } from './runner/step.ts';

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
  /** Where a call's recording goes (a file under the tenant's folder); none = calls are not recorded on this node. */
  readonly recordings?: RecordingPaths;
  /** The tenants' music for parties on hold; none = a held party hears silence. */
  readonly moh?: MusicOnHold;
  /** Told of finished recordings (the recordings list); none = files only. */
  readonly recordingLog?: RecordingLog;
  /** What ringing parties needs: the stack, names and ids, and the B2BUA's maps of legs and dialogs. */
  readonly legs: {
    readonly stack: SipStack;
    readonly ids: CallIds;
    readonly nodeName: string;
    /** A leg's INVITE transaction (the first, and a retry with credentials): its responses come to the leg. */
    trackLeg(leg: OutboundLeg): void;
    /** The caller's dialog, and the answering party's: in-dialog requests reach the call. */
    established(call: Call): void;
  };
}

/** The call's two ends as the steps see them, beyond its CDR record. */
export interface CallParties {
  /** Who the called parties see calling (DIAL presents its own caller id). */
  readonly presented: { readonly number: string; readonly name: string };
  /** The calling extension's id, when an extension calls: its routes and permissions apply to numbers dialled out. */
  readonly callerExtensionId?: number;
  /** The host the caller dialled; parties rung see the call come from it. */
  readonly domain: string;
  /** DIAL's nofollow=yes: extensions rung in this call do not ring their follow-me numbers. */
  readonly noFollow?: boolean;
}

export type CallPhase = 'ringing' | 'answered' | 'ended';

export class Call implements CallHandle {
  private phase: CallPhase = 'ringing';
  /** The first step relabels the call's first attempt; later steps start new ones. */
  private attemptStarted = false;
  /** How the last ringing ended: the disposition of its attempt when the next one starts. */
  private lastRing: RingOutcome | undefined;
  /** The PBX's media on the caller's side, once the PBX answered it. */
  private pbx: ReturnType<typeof pbxMediaOf> | undefined;
  /** Keys between the bridged parties (INFO to RFC 4733 and back). */
  private readonly dtmf: CallDtmf;
  /** What a party put on hold hears (its class), and who hears it now. */
  private readonly music: HoldMusic;
  /** What the caller's channel shows it runs now (Application/Data). */
  private readonly live: CallApplication;
  /** The codes the bridged parties key during the call (*1 recording). */
  private readonly features: InCallFeatures;
  /** The PBX's media as the steps get it (each play names its files on the caller's channel). */
  private pbxView: PbxMedia | undefined;
  /** Recording asked for (ex_recording, di_recording), started once the call is answered. */
  private readonly recording: CallRecording;
  private readonly forks: CallForks;
  /** The ringing in progress, when one runs: its confirming parties' keys and BYEs go there (ring-plan.ts). */
  private ringPlan: RingPlan | undefined;
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
    readonly parties: CallParties,
    /** A longer or shorter limit than the node's for this call (DIAL timeout=). */
    private readonly maxDurationMs: number | undefined = context.maxDurationMs,
  ) {
    this.forks = new CallForks(context.clock);
    this.dtmf = new CallDtmf(context.legs.stack, context.logger);
    this.recording = new CallRecording(context.recordings, context.logger, context.recordingLog, this.recordingHost());
    this.media = new CallMedia(relay, caller, context.mediaAddress);
    this.attempts = new CallAttempts(callerChannel, { destination: record.destination, peerAccount: record.calleeAccount, landed: record.landed, startedAt: callerChannel.createdAt });
    this.transfers = new CallTransfers(this.transferredCall(), context.channels, context.clock);
    this.music = new HoldMusic(context.moh, record.tenantId, this.media, () => this.phase === 'answered');
    this.live = new CallApplication(context.channels, callerChannel.name, Math.round(context.ringTimeoutMs / 1000));
    this.features = new InCallFeatures({ clock: context.clock, recording: this.recording, media: this.media, onHold: () => this.music.hearing, logger: context.logger, linkedId: callerChannel.linkedId });
    this.recording.readSettings(record.tenantId, { callerAccount: record.caller.account, ...(record.direction === 'IN' ? { did: record.dialled } : {}) });
    relay.onInactive = () => this.hangup('rtp-timeout');
    // No media flows while the callee rings (early media aside): the RTP timeout counts from the answer.
    relay.pause();
  }

  get state(): CallPhase {
    return this.phase;
  }

  // ---- CallHandle: what the steps of the destination list see ----

  get tenantId(): number {
    return this.record.tenantId;
  }

  get tenantCode(): string {
    return this.record.tenantCode;
  }

  get linkedId(): string {
    return this.callerChannel.linkedId;
  }

  get dialled(): string {
    return this.record.dialled;
  }

  get domain(): string {
    return this.parties.domain;
  }

  get callerParty(): CallHandle['callerParty'] {
    const { number, name, account } = this.record.caller;
    return { number: this.parties.presented.number || number, name: this.parties.presented.name || name, account, ...(this.parties.callerExtensionId === undefined ? {} : { extensionId: this.parties.callerExtensionId }) };
  }

  get callerAnswered(): boolean {
    return this.media.callerConnected || this.phase === 'answered';
  }

  get over(): boolean {
    return this.phase === 'ended';
  }

  get followMe(): boolean {
    return this.parties.noFollow !== true;
  }

  sipHeader(name: string): string | undefined {
    const { leg } = this.caller;
    // Only a caller's own INVITE counts: an API call's source leg is the PBX's INVITE out, which says nothing of a caller.
    return 'invite' in leg ? leg.invite.headers.get(name) : undefined;
  }

  attempt(label: AttemptLabel): void {
    const now = this.context.clock.now();
    if (!this.attemptStarted) {
      this.attemptStarted = true;
      this.attempts.relabel(label);
    } else {
      // A step the PBX answered itself (a menu, a message) rang nobody: its attempt is ANSWERED, as Asterisk's is.
      this.attempts.close(this.lastRing === undefined && this.attempts.isAnswered ? 'ANSWERED' : dispositionOf(this.lastRing), this.forks.first?.channel, now);
      // The last attempt's forks are over (cancelled at its ring time, or failed): their channels go with them, or
      // a late 487 from a fork the call no longer knows would leave its channel counted against the tenant's limit.
      for (const fork of this.forks.all) if (fork !== this.forks.answered) this.context.channels.remove(fork.channel.name);
      this.forks.nextAttempt();
      this.attempts.start({ ...label, startedAt: now });
    }
    this.lastRing = undefined;
    this.context.channels.update(this.callerChannel.name, { connectedNum: label.destination });
    this.live.step(label);
    if (label.landed.kind === 'EXT') this.recording.readExtension(this.tenantId, label.peerAccount);
  }

  /** Rings SIP parties for the current attempt (resolves when one answers or all failed). */
  async ring(request: RingRequest): Promise<RingOutcome> {
    if (this.phase === 'ended') return { kind: 'caller-gone' };
    if (this.phase === 'answered') return { kind: 'failed', status: 500, text: 'the call is already connected' };
    // Confirm to answer, music while ringing, delayed parties: ring-plan.ts shapes the offer and the forks' listener.
    const plan = await RingPlan.prepare(this.ringingCall(), request);
    if (this.phase !== 'ringing') {
      plan?.finish();
      return this.phase === 'ended' ? { kind: 'caller-gone' } : { kind: 'failed', status: 500, text: 'the call is already connected' };
    }
    if (plan === undefined) return { kind: 'no-codec' };
    const offer = plan.offer;
    this.live.ringing(request);
    // Out through a carrier: the attempt lands at the provider rung now (a failover moves it), named as the CDR names it.
    const carrier = request.targets.length === 1 && request.targets[0]?.channel.account === '' ? request.targets[0].channel.base : undefined;
    if (carrier !== undefined) this.attempts.ringsCarrier(carrier);
    const legs = this.context.legs;
    const start = (targets: readonly RingTarget[]) => startForks({ stack: legs.stack, channels: this.context.channels, logger: this.context.logger }, { nodeName: legs.nodeName, ids: legs.ids, context: this.context }, this, {
      targets,
      offer,
      tenantId: this.tenantId,
      tenantCode: this.tenantCode,
      linkedId: this.linkedId,
      callerId: this.parties.presented,
      originateId: this.record.originateId,
      listener: plan.listener({
        provisional: (l, r) => this.provisional(l, r),
        answered: (l, r) => {
          this.answered(l, r);
          legs.established(this);
        },
        failed: (l, s, reason) => this.failed(l, s, reason),
      }),
      track: (leg) => legs.trackLeg(leg),
    });
    plan.begin();
    const forks = start(plan.targets);
    plan.started(forks);
    if (forks.length === 0 && !plan.hasDelayed) {
      plan.finish();
      return (this.lastRing = { kind: 'failed', status: 503, text: 'Service Unavailable' });
    }
    const outcome = this.forks.wait();
    const ringMs = request.ringSeconds === undefined ? this.context.ringTimeoutMs : request.ringSeconds * 1000;
    this.forks.ring(forks, ringMs, () => this.noAnswer());
    plan.startLater(start);
    this.ringPlan = plan;
    try {
      return (this.lastRing = await outcome);
    } finally {
      plan.finish();
      if (this.ringPlan === plan) this.ringPlan = undefined;
    }
  }

  /** What ring-plan.ts needs of this call: its media, forks and caller, and its failure path for parties that leave. */
  private ringingCall(): RingingCall {
    const call = this;
    return {
      get over() {
        return call.phase === 'ended';
      },
      tenantId: this.tenantId,
      caller: this.caller,
      media: this.media,
      forks: this.forks,
      moh: this.context.moh,
      channels: this.context.channels,
      clock: this.context.clock,
      logger: this.context.logger,
      dropped: (leg) => this.failed(leg, 480, 'Temporarily Unavailable'),
      // A confirming party's dialog speaks for side b (its media is there): its BYE and INFO keys come to this call.
      register: (leg) => this.context.calleeReplaced?.(this, leg),
    };
  }

  /**
   * The PBX answers the caller itself: 200 with one G.711 law and telephone-event (media-plan.ts pbxAnswer), the
   * caller's media then ends at the relay, where prompts are played and keys heard. A call the PBX answered counts
   * as ANSWERED, as in Asterisk. Undefined when the caller left or offered no G.711.
   */
  async answer(): Promise<PbxMedia | undefined> {
    if (this.phase === 'ended') return undefined;
    if (this.pbxView !== undefined) return this.pbxView;
    if (this.phase === 'answered') return undefined;
    const format = this.media.pbxAnswer();
    if (format === undefined) return undefined;
    if (!this.media.callerConnected) {
      if (!this.caller.answered(format.sdp)) {
        this.hangup('caller-gone');
        return undefined;
      }
      this.media.answeredByPbx();
    }
    const now = this.context.clock.now();
    this.attempts.answered(now);
    this.relay.resume();
    this.context.channels.update(this.callerChannel.name, { state: 'Up', answeredAt: this.callerChannel.answeredAt ?? now });
    this.context.legs.established(this);
    this.pbx = pbxMediaOf(this.relay.side('a'), format, () => this.phase === 'ended', this.context.clock);
    this.pbxView = this.live.watch(this.pbx);
    this.recording.update();
    return this.pbxView;
  }

  recordCall(): void {
    this.recording.want();
  }

  /** DIAL's `recording=` (SETRECORDING): yes, no, yeschange, nochange decide over the settings (recording-policy.ts). */
  recordingByDial(mode: RecordingMode): void {
    this.recording.dialSays(mode);
  }

  /** MUSICONHOLD-<id>: this class for a party put on hold, for the rest of the call. */
  useMusicOnHold(classId: number): void {
    this.music.choose(classId);
  }

  /** What the recording needs of this call (call-recording.ts). */
  private recordingHost(): RecordingHost {
    const call = this;
    return {
      relay: this.relay,
      get live() {
        return call.phase !== 'ended' && call.callerAnswered;
      },
      recordedCall: () => ({ tenantId: this.tenantId, uniqueId: this.callerChannel.uniqueId, linkedId: this.callerChannel.linkedId, originateId: this.record.originateId, at: this.context.clock.now() }),
      encodings: () => this.media.recordEncodings(),
    };
  }

  /** The bridged parties whose keys are watched for in-call codes: the tenant's extensions (not a carrier's caller). */
  private keyWatch(): KeyWatch {
    const sides = (['a', 'b'] as const).filter((side) => (this.channelOf(side)?.account ?? '') !== '');
    return { sides, heard: (side, digit) => this.features.heard(side, digit) };
  }

  /**
   * A step rewrote who is calling (CALLERIDMOD, CLIDNAMEBYPHONEBOOK), as Asterisk's Set(CALLERID(...)): the parties
   * rung from now on (callerParty, the forks' caller id), the caller's channel (CHANNELS) and the CDR (src, clid)
   * show the new identity. `parties` and `record` are replaced, not mutated: others may hold the old objects.
   */
  setCaller(update: { readonly number?: string; readonly name?: string }): void {
    if (this.phase === 'ended') return;
    const current = this.callerParty;
    const number = update.number ?? current.number;
    const name = update.name ?? current.name;
    const self = this as unknown as { parties: CallParties; record: Call['record'] };
    self.parties = { ...this.parties, presented: { number, name } };
    self.record = { ...this.record, caller: { ...this.record.caller, number, name } };
    this.context.channels.update(this.callerChannel.name, { callerIdNum: number, callerIdName: name });
  }

  /**
   * A party's re-INVITE or UPDATE (b2bua.ts): the relay follows its media, and when it puts the call on hold (sendonly
   * or inactive) the other party hears the tenant's music on hold instead of silence, until it resumes.
   */
  reinvited(side: 'a' | 'b', body: Buffer): void {
    const held = this.media.remoteMediaChanged(side, body);
    if (held === undefined || this.phase !== 'answered') return;
    this.music.changed(side, held, this.channelOf(side)?.account ?? '');
  }

  /** ATXTRANSFER by this call's answered party (the channel control of its fork). */
  consultTransfer(destination: string): Promise<string | undefined> {
    return this.context.attendedTransfer === undefined ? Promise.resolve('attended transfer is not available') : this.context.attendedTransfer(this, destination);
  }

  /**
   * A key one party pressed in SIP INFO (b2bua.ts): the PBX's when it answered the caller; between two parties it is
   * carried to the other in the method that leg uses (call-dtmf.ts).
   */
  keyPressed(side: 'a' | 'b', digit: string, durationMs: number | undefined): void {
    // A party that answered and must confirm presses its key in SIP INFO (answer-confirmation.ts).
    if (side === 'b' && this.phase === 'ringing') return this.ringPlan?.digit(digit);
    if (side === 'a' && this.pbx !== undefined && this.phase !== 'answered') return this.pbx.digit(digit);
    if (this.phase !== 'answered') return;
    this.dtmf.infoKey(this.bridgedLegs(), side, digit, durationMs);
    const watch = this.keyWatch();
    if (watch.sides.includes(side)) watch.heard(side, digit);
  }

  /** The two parties of the bridge as DTMF interworking needs them. */
  private bridgedLegs(): BridgedLegs {
    return {
      sideOf: (side) => this.media.sideOf(side),
      dialogOf: (side) => (side === 'a' ? this.caller.leg.dialog : this.forks.answered?.leg.dialog),
      eventPayloadType: (side) => this.media.eventPayloadType(side),
    };
  }

  /**
   * The list ended with nobody for the caller: an error answer while it is not answered (with a Warning for a
   * 501), else a tone (busy for 486, congestion otherwise) and BYE, since a 486 cannot follow a 200.
   */
  async refuse(status: number, text: string): Promise<void> {
    if (this.phase === 'ended') return;
    const disposition = dispositionOfStatus(status, this.lastRing);
    if (this.media.callerConnected) {
      const media = await this.answer();
      if (media !== undefined && !this.over) await playRefusalTone(media, disposition, this.context.clock);
      if (this.over) return;
      this.caller.hangup();
      return this.end(this.attempts.isAnswered ? 'ANSWERED' : disposition);
    }
    this.caller.failed(status, text, status === 501 ? [['Warning', `399 callgrid "${text.replace(/["\\]/g, '')}"`]] : undefined);
    this.end(disposition);
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
    // Whatever the PBX played to the caller (a prompt, music) gives way to the party that answered, and the PBX stops
    // listening for keys (in-band detection costs on every packet); a later step that answers again starts afresh.
    this.pbx?.close();
    this.pbx = undefined;
    this.pbxView = undefined;
    // The ring timer was for this attempt's ringing; it must not outlive the answer.
    this.forks.won(fork);
    this.media.pointCallee(sdp.value, leg);
    if (!this.media.callerConnected && !this.caller.answered(this.media.callerAnswer(sdp.value))) return this.hangup('caller-gone');
    const now = this.context.clock.now();
    this.attempts.answered(now);
    this.relay.resume();
    this.context.channels.update(fork.channel.name, { state: 'Up', answeredAt: now, bridgedTo: this.callerChannel.name });
    this.context.channels.update(this.callerChannel.name, { state: 'Up', answeredAt: now, bridgedTo: fork.channel.name });
    if (this.maxDurationMs !== undefined && this.stopMaxDuration === undefined) this.stopMaxDuration = this.context.clock.setTimer(this.maxDurationMs, () => this.hangup('max-duration'));
    this.dtmf.bridged(this.bridgedLegs(), this.keyWatch());
    this.recording.update();
    this.forks.settle({ kind: 'answered' });
  }

  failed(leg: OutboundLeg, status: number, reason: string): void {
    const fork = this.forks.of(leg);
    if (fork === undefined) return;
    this.forks.failed(status, reason);
    if (this.phase !== 'ringing') return;
    // A contact that failed is no channel any more; the CDR keeps the first one it saw.
    this.context.channels.remove(fork.channel.name);
    // Late answers of forks whose ringing already ended (cancelled at the ring time) change nothing.
    if (this.forks.pending || !this.forks.waiting) return;
    this.forks.settle(this.forks.ringOutcome());
  }

  /** The caller's side went away before the answer (CANCEL) or after it (BYE). */
  callerEnded(): void {
    if (this.phase === 'ended') return;
    this.caller.ended();
    if (this.phase === 'ringing') {
      this.forks.cancelAll();
      return this.end(this.attempts.isAnswered ? 'ANSWERED' : 'NO ANSWER');
    }
    this.forks.answered?.leg.bye();
    this.end('ANSWERED');
  }

  /** The callee hung up (its BYE). */
  calleeEnded(leg: OutboundLeg): void {
    // A party that hung up while it was asked to confirm: only its own leg ends.
    if (this.ringPlan?.left(leg) === true) return;
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
      return this.end(this.attempts.isAnswered ? 'ANSWERED' : 'NO ANSWER');
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

  /** The ring time ran out: the forks are cancelled and the step hears "no answer" at once (their 487s change nothing). */
  private noAnswer(): void {
    if (this.phase !== 'ringing') return;
    this.forks.timedOut();
    this.forks.settle({ kind: 'noanswer' });
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
      ringAgain: () => {
        this.phase = 'ringing';
        // The transfer already started the next attempt (its destination): the next step names it, not a new one.
        this.attemptStarted = false;
      },
      calleeReplaced: (leg) => this.context.calleeReplaced?.(this, leg),
    };
  }

  private end(disposition: Disposition): void {
    if (this.phase === 'ended') return;
    this.phase = 'ended';
    this.forks.settle({ kind: 'caller-gone' });
    this.pbx?.close();
    this.features.close();
    this.recording.finish(this.relay, this.context.clock.now());
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
