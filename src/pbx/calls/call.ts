// One call through the B2BUA: the calling side (a phone's INVITE, or the source of an API call), whoever the steps of
// its destination list bring (forks of SIP parties, or the PBX itself answering), the relay session anchoring the
// media, the live channels and the call's record, through setup, answer and end. It is the CallHandle the runner's
// applications drive, and it owns the call's phase and its end; each role is kept beside it: who is calling
// (calling-party), the steps' ringing (call-ringing), the PBX's own answer (pbx-answer), the bridged parties' talk
// (call-bridge), the ways it is hung up (call-hangups), its media, forks, transfers, recording and CDR attempts
// (call-media, call-forks, call-transfers, call-recording, call-attempts).
import type { RelaySessionControl } from '../../media/index.ts';
import type { Endpoint, SipRequest, SipResponse } from '../../sip/index.ts';
import type { CallRecord, Landing } from '../cdr/index.ts';
import { CallAttempts } from './call-attempts.ts';
import { CallBridge, type BridgedCall } from './call-bridge.ts';
import type { CallContextOf } from './call-context.ts';
import { CallForks } from './call-forks.ts';
import { CallHangups, type EndingCall } from './call-hangups.ts';
import { CallRecording, type RecordingHost } from './call-recording.ts';
import { CallApplication } from './call-application.ts';
import { MEDIA_WORKER_STOPPED, mediaEndCause } from './media-end-cause.ts';
import { CallRinging, type CallPhase, type RingsForCall } from './call-ringing.ts';
import { CallingParty, type CallParties, type StartingRecord } from './calling-party.ts';
import type { RecordingMode } from './recording-policy.ts';
import { CallMedia } from './call-media.ts';
import { CallTransfers, type TransferredCall } from './call-transfers.ts';
import type { ConsultationRun, Consultation } from './consultation.ts';
import type { LiveChannel } from './channel-registry.ts';
import type { OutboundLeg } from './outbound-leg.ts';
import type { CallerSide } from './caller-side.ts';
import type { Disposition } from './call-outcome.ts';
import { PbxAnswer, type PbxAnsweredCall } from './pbx-answer.ts';
import { refusedRecord } from './call-refusal.ts';
import type { PbxMedia } from './runner/pbx-media.ts';
import type { AttemptLabel, CallHandle, NextReason, RingOutcome, RingRequest } from './runner/step.ts';

export type { CallParties } from './calling-party.ts';
export type { CallPhase } from './call-ringing.ts';

/** The node's services and the B2BUA's hooks, as this call is handed them (call-context.ts). */
export type CallContext = CallContextOf<Call>;

export class Call implements CallHandle {
  private phase: CallPhase = 'ringing';
  /** Who is calling: the record's caller and the identity presented to the parties rung. */
  private readonly identity: CallingParty;
  /** The steps' attempts and the parties they ring. */
  private readonly ringing: CallRinging;
  /** The PBX's own answer to the caller and its media, for the steps that talk to the caller themselves. */
  private readonly pbxAnswer: PbxAnswer;
  /** The talk of the bridged parties: their keys, in-call codes, hold music, the time limit. */
  private readonly bridge: CallBridge;
  /** What the caller's channel shows it runs now (Application/Data). */
  private readonly live: CallApplication;
  /** Recording asked for (ex_recording, di_recording), started once the call is answered. */
  private readonly recording: CallRecording;
  private readonly forks: CallForks;
  /** What each side is sent and where its media is on the relay. */
  readonly media: CallMedia;
  /** The CDR's attempts: the one in progress and those already over (a forward, a callee released by a transfer). */
  private readonly attempts: CallAttempts;
  private readonly transfers: CallTransfers;
  /** How the caller's, the callee's or the PBX's hangup ends the call. */
  private readonly hangups: CallHangups;
  /** The SIP answer the caller was refused with: the last attempt's CDR row keeps it (cdr-rows.ts sipMark). */
  private refusedWith: number | undefined;
  /** A step named an attempt (rang, answered, landed somewhere): without one a refused call was placed nowhere. */
  private stepAttempted = false;

  constructor(
    private readonly context: CallContext,
    readonly caller: CallerSide,
    readonly relay: RelaySessionControl,
    readonly callerChannel: LiveChannel,
    record: StartingRecord,
    parties: CallParties,
    /** A longer or shorter limit than the node's for this call (DIAL timeout=). */
    maxDurationMs: number | undefined = context.maxDurationMs,
  ) {
    const { clock, logger, channels } = context;
    this.identity = new CallingParty(record, parties, caller, channels, callerChannel.name);
    this.forks = new CallForks(clock);
    this.recording = new CallRecording(context.recordings, logger, context.recordingLog, this.recordingHost());
    this.media = new CallMedia(relay, caller, context.mediaAddress, context.callerMediaAddress?.(caller.leg) ?? context.mediaAddress);
    this.attempts = new CallAttempts(callerChannel, { destination: record.destination, peerAccount: record.calleeAccount, landed: record.landed, startedAt: callerChannel.createdAt });
    this.live = new CallApplication(channels, callerChannel.name, Math.round(context.ringTimeoutMs / 1000));
    const inside = this.inside();
    this.transfers = new CallTransfers(inside, channels, clock);
    this.bridge = new CallBridge({ stack: context.legs.stack, clock, logger, moh: context.moh, tenantId: record.tenantId, linkedId: callerChannel.linkedId, maxDurationMs }, inside);
    const { stack, ids, nodeName } = context.legs;
    this.ringing = new CallRinging({ stack, ids, nodeName, clock, logger, channels, moh: context.moh, ringTimeoutMs: context.ringTimeoutMs, calleeMediaAddress: context.calleeMediaAddress, trackLeg: (leg) => context.legs.trackLeg(leg) }, inside);
    this.pbxAnswer = new PbxAnswer(inside);
    this.hangups = new CallHangups(inside);
    this.recording.readSettings(record.tenantId, { callerAccount: record.caller.account, ...(record.direction === 'IN' ? { did: record.dialled } : {}) });
    relay.onInactive = (session) => this.hangup(mediaEndCause(session));
    // No media flows while the callee rings (early media aside): the RTP timeout counts from the answer.
    relay.pause();
  }

  get state(): CallPhase {
    return this.phase;
  }

  /** The call's record as it started, with the caller a step may have renamed since (calling-party.ts). */
  get record(): StartingRecord {
    return this.identity.record;
  }

  get parties(): CallParties {
    return this.identity.parties;
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
    return this.identity.party;
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
    return this.identity.sipHeader(name);
  }

  variable(name: string): string | undefined {
    const variables = this.parties.variables;
    return variables !== undefined && Object.hasOwn(variables, name) ? variables[name] : undefined;
  }

  attempt(label: AttemptLabel): void {
    this.stepAttempted = true;
    this.ringing.attempt(label);
  }

  stepPassed(reason: NextReason): void {
    this.ringing.stepPassed(reason);
  }

  /** Rings SIP parties for the current attempt (resolves when one answers or all failed). */
  ring(request: RingRequest): Promise<RingOutcome> {
    return this.ringing.ring(request);
  }

  /** The PBX answers the caller itself (pbx-answer.ts); undefined when the caller left or offered no G.711. */
  answer(): Promise<PbxMedia | undefined> {
    return this.pbxAnswer.answer();
  }

  /** The list ended with nobody for the caller: an error answer, or once answered a tone and BYE (pbx-answer.ts). */
  refuse(status: number, text: string): Promise<void> {
    if (this.phase === 'ringing' && !this.media.callerConnected) this.refusedWith = status;
    return this.pbxAnswer.refuse(status, text);
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
    this.bridge.useMusicOnHold(classId);
  }

  /** A step rewrote who is calling (CALLERIDMOD, CLIDNAMEBYPHONEBOOK): the parties rung from now on, CHANNELS and the CDR show it. */
  setCaller(update: { readonly number?: string; readonly name?: string }): void {
    if (this.phase === 'ended') return;
    this.identity.rewrite(update);
  }

  // ---- What the B2BUA tells the call: its legs' requests and responses ----

  /** A party's re-INVITE or UPDATE (b2bua.ts): the relay follows its media; a hold brings music to the other party. */
  reinvited(side: 'a' | 'b', body: Buffer): void {
    this.bridge.reinvited(side, body);
  }

  /** ATXTRANSFER by this call's answered party (the channel control of its fork). */
  consultTransfer(destination: string): Promise<string | undefined> {
    return this.context.attendedTransfer === undefined ? Promise.resolve('attended transfer is not available') : this.context.attendedTransfer(this, destination);
  }

  /**
   * A key one party pressed in SIP INFO (b2bua.ts): the PBX's when it answered the caller; between two parties it is
   * carried to the other in the method that leg uses (call-bridge.ts).
   */
  keyPressed(side: 'a' | 'b', digit: string, durationMs: number | undefined): void {
    // A party that answered and must confirm presses its key in SIP INFO (answer-confirmation.ts).
    if (side === 'b' && this.phase === 'ringing') return this.ringing.confirmingKey(digit);
    if (side === 'a' && this.phase !== 'answered') return this.pbxAnswer.digit(digit);
    if (this.phase !== 'answered') return;
    this.bridge.key(side, digit, durationMs);
  }

  provisional(leg: OutboundLeg, response: SipResponse): void {
    this.ringing.provisional(leg, response);
  }

  answered(leg: OutboundLeg, response: SipResponse): void {
    this.ringing.answered(leg, response);
  }

  failed(leg: OutboundLeg, status: number, reason: string): void {
    this.ringing.failed(leg, status, reason);
  }

  /** The caller's side went away before the answer (CANCEL) or after it (BYE). */
  callerEnded(): void {
    this.hangups.callerEnded();
  }

  /** The callee hung up (its BYE). */
  calleeEnded(leg: OutboundLeg): void {
    this.hangups.calleeEnded(leg);
  }

  /** Ends the call from the PBX side: API HANGUP, RTP timeout, max duration. */
  hangup(cause: string): void {
    this.hangups.hangup(cause);
  }

  /** The callee could not be rung at all (unknown, busy, offline) or the caller side gave up first. */
  unreachable(disposition: Disposition, status: number, reason: string): void {
    this.hangups.unreachable(disposition, status, reason);
  }

  /** The live channel of a side's party (the callee's once answered). */
  channelOf(side: 'a' | 'b'): LiveChannel | undefined {
    return side === 'a' ? this.callerChannel : this.forks.answered?.channel;
  }

  get answeredLeg(): OutboundLeg | undefined {
    return this.forks.answered?.leg;
  }

  // ---- Transfers (call-transfers.ts) ----

  /** Whether a phone's attended transfer may join this call's party elsewhere: answered, not consulting, not joined. */
  get joinable(): boolean {
    return this.transfers.joinable;
  }

  /** A phone's attended transfer joined this call's remaining party with another call's; `record`: this call bills it. */
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

  /** Our answer to a re-INVITE or UPDATE from the consultation's target; undefined when no consultation runs. */
  consultationDescription(offerBody: Buffer): string | undefined {
    const consultation = this.transfers.consultation?.consultation;
    return consultation === undefined ? undefined : this.media.consultationDescription(consultation, offerBody);
  }

  /** Blind transfer where the caller stays: the callee is released and the call rings again; false when it changed meanwhile. */
  detachCallee(destination: string, peerAccount: string, landed: Landing, beforeRelease?: () => void): boolean {
    return this.transfers.detachCallee(destination, peerAccount, landed, beforeRelease);
  }

  /**
   * The call's CDR record as it would read if the call ended now, changing nothing: what the live-call journal keeps
   * so a restarted node can end it (live-call-journal.ts). `openAttempt`: its last attempt was still in progress.
   */
  recordSoFar(): { readonly record: CallRecord; readonly openAttempt: boolean } {
    const now = this.context.clock.now();
    const { attempts, open } = this.attempts.soFar(this.forks.answered?.channel ?? this.forks.first?.channel, now);
    return { record: { ...this.callFields(), endedAt: now, attempts }, openAttempt: open };
  }

  /** The INVITEs of callee legs still ringing: the live-call journal keeps them so a restarted node can CANCEL them. */
  ringingInvites(): Array<{ readonly request: SipRequest; readonly peer: Endpoint }> {
    return [...this.forks.all].flatMap((fork) => (fork.leg.pending && fork.leg.transaction !== undefined ? [{ request: fork.leg.transaction.request, peer: fork.leg.transaction.peer }] : []));
  }

  /** The CDR record's fields of the call itself (the first attempt's labels live in its attempts). */
  private callFields(): Omit<StartingRecord, 'destination' | 'calleeAccount' | 'landed'> {
    const { destination: _destination, calleeAccount: _account, landed: _landed, ...call } = this.record;
    return call;
  }

  // ---- The call's own phase changes ----

  /**
   * The parts of this call its collaborators share, and what only the call itself can do (its phase changes, its end):
   * one view for the ringing, the PBX's answer, the bridge and the transfers, each reading the part its interface names.
   */
  private inside(): RingsForCall & PbxAnsweredCall & BridgedCall & TransferredCall & EndingCall {
    const call = this;
    const { context } = this;
    // Written out, not spread from smaller objects: a literal built with spreads and getters is slow to read, and
    // every collaborator reads this one on each SIP event of the call.
    return {
      caller: this.caller,
      relay: this.relay,
      callerChannel: this.callerChannel,
      media: this.media,
      forks: this.forks,
      attempts: this.attempts,
      live: this.live,
      recording: this.recording,
      channels: context.channels,
      clock: context.clock,
      tenantId: this.tenantId,
      tenantCode: this.tenantCode,
      linkedId: this.linkedId,
      originateId: this.record.originateId,
      owner: this,
      get phase() {
        return call.phase;
      },
      get talking() {
        return call.phase === 'answered';
      },
      get presented() {
        return call.parties.presented;
      },
      get lastRing() {
        return call.ringing.lastOutcome;
      },
      get consultation() {
        return call.transfers.consultation;
      },
      confirmingLeft: (leg) => this.ringing.confirmingLeft(leg),
      channelOf: (side) => this.channelOf(side),
      hangup: (cause) => this.hangup(cause),
      end: (disposition) => this.end(disposition),
      connect: (fork, leg, sdp) => this.bridge.connect(fork, leg, sdp),
      partyAnswered: () => {
        this.phase = 'answered';
        // Whatever the PBX played to the caller (a prompt, music) gives way to the party that answered.
        this.pbxAnswer.release();
      },
      established: () => context.legs.established(this),
      calleeReplaced: (leg) => context.calleeReplaced?.(this, leg),
      abandonCaller: () => {
        this.caller.hangup();
        this.end('ANSWERED');
      },
      ringAgain: () => {
        this.phase = 'ringing';
        // The transfer already started the next attempt (its destination): the next step names it, not a new one.
        this.ringing.transferred();
      },
    };
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

  private end(disposition: Disposition): void {
    if (this.phase === 'ended') return;
    this.phase = 'ended';
    this.forks.settle({ kind: 'caller-gone' });
    this.pbxAnswer.close();
    this.bridge.close();
    this.recording.finish(this.relay, this.context.clock.now());
    this.forks.stop();
    this.media.close();
    const join = this.transfers.end();
    this.context.channels.remove(this.callerChannel.name);
    for (const fork of this.forks.all) this.context.channels.remove(fork.channel.name);
    this.attempts.close(disposition, join?.channel ?? this.forks.answered?.channel ?? this.forks.first?.channel, this.context.clock.now());
    const record: CallRecord = {
      ...this.callFields(),
      endedAt: this.context.clock.now(),
      ...refusedRecord(this.attempts.all, this.refusedWith, this.stepAttempted),
      // A call whose relay worker died was cut by the node, not by its parties: the CDR says so ([media-worker-stopped]).
      ...(this.hangups.cause === MEDIA_WORKER_STOPPED ? { endedBy: MEDIA_WORKER_STOPPED } : {}),
    };
    if (this.hangups.cause) this.context.logger.debug({ cause: this.hangups.cause, linkedId: this.callerChannel.linkedId }, 'call: hung up by the PBX');
    this.context.finished(this, record);
    // Either party of a joined pair hanging up ends the other call's leg too.
    join?.partner.hangup('transfer-joined-party-left');
  }
}
