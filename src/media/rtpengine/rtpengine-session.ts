// One call's media on rtpengine instead of the built-in relay, behind the relay's own session interface so the
// B2BUA's call code runs unchanged. The caller is monologue `a`, the callee `b`: these are our labels, not SIP tags,
// because the B2BUA's two dialogs have tags of their own and a new callee (blind transfer, a second fork) must take
// side b's place without rtpengine noticing anything but a new description of b.
import type { Logger, Result } from '../../shared/index.ts';
import { err, ok } from '../../shared/index.ts';
import type { RecordingResult } from '../recorder/index.ts';
import type { RecordRequest, RelaySessionControl, RelaySideControl, SideName } from '../relay/index.ts';
import { parseSdp } from '../sdp.ts';
import type { NgClient, NgDictionary, NgFailure } from './ng-client.ts';
import { OffloadedSide } from './offloaded-side.ts';
import { SilenceWatch } from './silence-watch.ts';

/** What a session sends its requests through: the node's NgClient (a fake in unit tests). */
export type NgRequester = Pick<NgClient, 'request'>;

/** What every offer and answer asks of rtpengine: our own origin and c= address, no ICE (plain RTP/AVP parties). */
const SDP_FLAGS: NgDictionary = { replace: ['origin', 'session-connection'], ICE: 'remove' };

export interface RtpengineEndpoint {
  readonly address: string;
  readonly port: number;
}

export class RtpengineSession implements RelaySessionControl {
  onInactive: ((session: RelaySessionControl) => void) | undefined;
  private readonly sides: Record<SideName, OffloadedSide>;
  /** Whether media still flows, from rtpengine's counters (activity-poller.ts reads them; we only keep the verdict). */
  private readonly silence: SilenceWatch;
  private isClosed = false;
  /** The ng requests of this call, one at a time, so a re-offer never overtakes the answer before it. */
  private queue: Promise<unknown> = Promise.resolve();
  private busy = 0;
  private calleeSdp: string | undefined;
  /** The built-in relay's session the call's media moved to (moveTo): every control goes there from then on. */
  private relaySession: RelaySessionControl | undefined;
  /** rtpengine was told to forget the call (`delete` queued): at the close, or once every party moved to the relay. */
  private released = false;
  private markDeleted: () => void = () => undefined;
  /** Resolves once the call is closed and its `delete` has had its answer (or failed): rtpengine holds nothing more. */
  readonly deleted = new Promise<void>((resolve) => {
    this.markDeleted = resolve;
  });

  private constructor(
    private readonly client: NgRequester,
    readonly id: string,
    /** rtpengine's description for the callee: the caller's offer on rtpengine's callee-facing port. */
    readonly calleeOffer: string,
    /** Where rtpengine takes the caller's media: reserved at the offer, it is what rtpengine's answers name. */
    readonly callerFacing: RtpengineEndpoint,
    readonly calleeFacing: RtpengineEndpoint,
    private callerSdp: string,
    private readonly logger: Logger,
    now: () => number,
  ) {
    this.sides = { a: new OffloadedSide('a', callerFacing), b: new OffloadedSide('b', calleeFacing) };
    this.silence = new SilenceWatch(now);
  }

  /**
   * Offers the caller's description to rtpengine and learns both of its ports: the callee-facing one from the SDP it
   * returns, the caller-facing one (which rtpengine reserves at the offer) from a `query`. On any failure after the
   * offer, the call is deleted again so rtpengine keeps nothing.
   */
  static async offer(client: NgRequester, callId: string, callerSdp: string, logger: Logger, now: () => number = () => performance.now()): Promise<Result<RtpengineSession, NgFailure>> {
    const offered = await client.request('offer', { ...SDP_FLAGS, 'call-id': callId, 'from-tag': 'a', sdp: callerSdp });
    if (!offered.ok) {
      // Every answer lost does not mean the offer was: rtpengine may hold the call, so it is deleted (best effort).
      if (offered.error.kind === 'timeout') void client.request('delete', { 'call-id': callId, 'from-tag': 'a' });
      return offered;
    }
    const calleeOffer = offered.value.sdp;
    const calleeFacing = typeof calleeOffer === 'string' ? endpointOf(calleeOffer) : undefined;
    const queried = await client.request('query', { 'call-id': callId, 'from-tag': 'a' });
    const callerFacing = queried.ok ? localEndpointOf(queried.value, 'a') : undefined;
    if (typeof calleeOffer !== 'string' || calleeFacing === undefined || callerFacing === undefined) {
      void client.request('delete', { 'call-id': callId, 'from-tag': 'a' });
      if (!queried.ok) return queried;
      return err({ kind: 'error', message: 'ng offer: rtpengine answered without a usable SDP or local port', reason: 'unusable answer' });
    }
    return ok(new RtpengineSession(client, callId, calleeOffer, callerFacing, calleeFacing, callerSdp, logger, now));
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** The call's media moved to the built-in relay: it is an offloaded call no more. */
  get onRelay(): boolean {
    return this.relaySession !== undefined;
  }

  /** The relay's own flag once moved (its worker died): the call's end says so as for any relayed call. */
  get workerLost(): boolean | undefined {
    return this.relaySession?.workerLost;
  }

  /** Where party `side` wants its RTP: the first audio stream of the last description rtpengine was given of it. */
  partyEndpoint(side: SideName): RtpengineEndpoint | undefined {
    const sdp = side === 'a' ? this.callerSdp : this.calleeSdp;
    return sdp === undefined ? undefined : endpointOf(sdp);
  }

  /**
   * The call's media moves to `relay`, a session of the built-in relay the parties are being re-INVITEd to (a phone's
   * attended transfer pairs sides there, which rtpengine cannot): the sides, hold, pause, recording and the end go
   * there, and its inactivity is this call's. rtpengine hears nothing more of the parties but goes on forwarding for
   * one that still sends to it, until release() or the close.
   */
  moveTo(relay: RelaySessionControl): void {
    if (this.isClosed || this.relaySession !== undefined) return;
    this.relaySession = relay;
    const state = this.silence.state;
    if (state.paused) relay.pause();
    if (state.heldAll) relay.hold(true);
    for (const name of ['a', 'b'] as const) {
      if (state.held[name]) relay.hold(name, true);
      this.sides[name].moveTo(relay.side(name));
    }
    relay.onInactive = () => this.onInactive?.(this);
  }

  /** Every party sends to the relay now: rtpengine forgets the call. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.enqueue('delete', () => this.client.request('delete', { 'call-id': this.id, 'from-tag': 'a' }));
    void this.queue.then(() => this.markDeleted());
  }

  /** ng requests sent or waiting for this call (tests wait for none before reading rtpengine's state). */
  get pendingRequests(): number {
    return this.busy;
  }

  side(name: SideName): RelaySideControl {
    return this.sides[name];
  }

  /** The callee's description (its 183 or 200, a new callee's, its re-INVITE): rtpengine is told where b's media is. */
  calleeDescribed(sdp: string): void {
    if (this.relaySession !== undefined) return;
    const first = this.calleeSdp === undefined;
    this.calleeSdp = sdp;
    // After the first answer, rtpengine needs an offer before each answer (a new offer/answer round, as a re-INVITE).
    if (!first) this.enqueue('offer', () => this.client.request('offer', { ...SDP_FLAGS, 'call-id': this.id, 'from-tag': 'a', sdp: this.callerSdp }));
    this.enqueue('answer', () => this.client.request('answer', { ...SDP_FLAGS, 'call-id': this.id, 'from-tag': 'a', 'to-tag': 'b', sdp }), (answer) => this.checkAnswer(answer));
  }

  /** The caller's new description (its re-INVITE: hold, a new address): a new round with the callee's last one. */
  callerDescribed(sdp: string): void {
    if (this.relaySession !== undefined) return;
    this.callerSdp = sdp;
    this.enqueue('offer', () => this.client.request('offer', { ...SDP_FLAGS, 'call-id': this.id, 'from-tag': 'a', sdp }));
    const callee = this.calleeSdp;
    if (callee !== undefined) this.enqueue('answer', () => this.client.request('answer', { ...SDP_FLAGS, 'call-id': this.id, 'from-tag': 'a', 'to-tag': 'b', sdp: callee }));
  }

  // Hold and pause say when silence is normal (ringing, a party on hold), as for a relay session.
  hold(side: SideName, held: boolean): void;
  hold(held: boolean): void;
  hold(sideOrHeld: SideName | boolean, held?: boolean): void {
    const relay = this.relaySession;
    if (relay === undefined) return this.silence.hold(sideOrHeld, held);
    if (typeof sideOrHeld === 'boolean') relay.hold(sideOrHeld);
    else relay.hold(sideOrHeld, held === true);
  }
  pause(): void {
    if (this.relaySession === undefined) this.silence.pause();
    else this.relaySession.pause();
  }
  resume(): void {
    if (this.relaySession === undefined) this.silence.resume();
    else this.relaySession.resume();
  }

  /** Whether the call's media is watched for silence now (answered, nobody on hold) and not yet found stopped. */
  get watched(): boolean {
    return !this.isClosed && this.relaySession === undefined && this.silence.watching && !this.silence.stopped;
  }

  /** A reading of rtpengine's RTP packet counter for this call: unchanged for `inactivityMs` ends it (onInactive). */
  packetsCounted(packets: number, inactivityMs: number): void {
    if (!this.isClosed && this.silence.observe(packets, inactivityMs)) this.inactive('no RTP from either party');
  }

  /** rtpengine answered that it does not know the call (its own timeout, a restart): its media is gone. */
  unknownToRtpengine(): void {
    if (!this.isClosed && this.silence.lost()) this.inactive('rtpengine no longer knows the call');
  }

  // rtpengine forwards only: recording is the built-in relay's, once the media moved there.
  record(options: RecordRequest): void {
    this.relaySession?.record(options);
  }
  pauseRecording(paused: boolean): void {
    this.relaySession?.pauseRecording(paused);
  }
  stopRecording(): Promise<RecordingResult | undefined> {
    return this.relaySession?.stopRecording() ?? Promise.resolve(undefined);
  }

  /** The call is over: its relay session (if it moved) closes and rtpengine forgets it (`delete`), after any request still queued. */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.relaySession?.close();
    this.release();
  }

  /** Waits until every request queued so far has had its answer (or failed). */
  settled(): Promise<void> {
    return this.queue.then(() => undefined);
  }

  private inactive(why: string): void {
    this.logger.info({ callId: this.id, why }, 'rtpengine: offloaded call inactive');
    const listener = this.onInactive;
    if (listener === undefined) return;
    try {
      listener(this);
    } catch (error) {
      // The poller serves every call; one listener's bug must not stop the others' checks.
      this.logger.error({ callId: this.id, err: error instanceof Error ? error.message : String(error) }, 'rtpengine: onInactive threw');
    }
  }

  private enqueue(command: string, send: () => Promise<Result<NgDictionary, NgFailure>>, then?: (answer: NgDictionary) => void): void {
    this.busy++;
    // An idle queue sends at once (before the SIP message that follows it in the same turn); a busy one waits its turn.
    const run = (): Promise<void> =>
      send().then((result) => {
        this.busy--;
        if (!result.ok) return this.logger.warn({ callId: this.id, command, error: result.error.message }, 'rtpengine: a request for an offloaded call failed');
        then?.(result.value);
      });
    this.queue = this.busy === 1 ? run() : this.queue.then(run);
  }

  /** rtpengine's answer must name the port the caller was already given (reserved at the offer); say so if not. */
  private checkAnswer(answer: NgDictionary): void {
    const sdp = answer.sdp;
    const endpoint = typeof sdp === 'string' ? endpointOf(sdp) : undefined;
    if (endpoint?.port !== this.callerFacing.port || endpoint.address !== this.callerFacing.address) {
      this.logger.warn({ callId: this.id, expected: this.callerFacing, got: endpoint }, 'rtpengine: its answer names another caller-facing address than the offer reserved');
    }
  }
}

/** The first audio stream's address and port in an SDP text. */
function endpointOf(sdp: string): RtpengineEndpoint | undefined {
  const parsed = parseSdp(sdp);
  if (!parsed.ok) return undefined;
  const audio = parsed.value.media.find((m) => m.media === 'audio' && m.port !== 0);
  const address = audio?.connection?.address ?? parsed.value.connection?.address;
  return audio === undefined || address === undefined ? undefined : { address, port: audio.port };
}

/** The local RTP address and port of monologue `tag`'s first stream in a `query` answer. */
function localEndpointOf(answer: NgDictionary, tag: string): RtpengineEndpoint | undefined {
  const tags = answer.tags;
  const monologue = isDict(tags) ? tags[tag] : undefined;
  const medias = isDict(monologue) ? monologue.medias : undefined;
  const media = Array.isArray(medias) ? (medias as unknown[])[0] : undefined;
  const streams = isDict(media) ? media.streams : undefined;
  const stream = Array.isArray(streams) ? (streams as unknown[])[0] : undefined;
  if (!isDict(stream)) return undefined;
  const port = stream['local port'];
  const address = stream['local address'];
  return typeof port === 'number' && typeof address === 'string' ? { address, port } : undefined;
}

function isDict(value: unknown): value is NgDictionary {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
