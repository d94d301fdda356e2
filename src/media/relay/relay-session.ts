// One bridged call's media: side A (the caller's leg) and side B (the callee's leg), each with its
// own RTP/RTCP port pair; what arrives on one side leaves from the other. Inactivity and the recording are here.
import type { Logger } from '../../shared/index.ts';
import type { RecordingResult } from '../recorder/index.ts';
import { InactivityGate } from './inactivity-gate.ts';
import type { RelayContext } from './relay-context.ts';
import type { RecordRequest, RelaySessionControl } from './relay-control.ts';
import { SideState, type RelaySide, type SideName } from './relay-side.ts';
import type { RtpSocketPair } from './rtp-port-pool.ts';
import { SessionRecording } from './session-recording.ts';

export type InactivityListener = (session: RelaySessionControl) => void;

/** What the session needs from its relay; MediaRelay is the only caller of the constructor. */
export interface RelaySessionHost {
  readonly context: RelayContext;
  readonly logger: Logger;
  release(pair: RtpSocketPair): void;
  forget(session: RelaySession): void;
}

export class RelaySession implements RelaySessionControl {
  /**
   * Called once when neither side has sent RTP for the relay's inactivityMs while detection was
   * on (not paused, no side held). The session keeps relaying; hanging up is the caller's call.
   */
  onInactive: InactivityListener | undefined = undefined;
  private readonly a: SideState;
  private readonly b: SideState;
  /** When detection last (re)started: silence before this does not count. */
  private armedAtMs: number;
  private readonly gate = new InactivityGate(() => (this.armedAtMs = this.host.context.nowMs));
  private fired = false;
  private isClosed = false;
  private readonly logger: Logger;
  /** The recording running now (its taps are on side A). */
  private recorder: SessionRecording | undefined = undefined;
  /** The last recording stopped (by stopRecording, a new record or close): what stopRecording answers afterwards. */
  private lastResult: Promise<RecordingResult> | undefined = undefined;

  constructor(
    readonly id: string,
    pairA: RtpSocketPair,
    pairB: RtpSocketPair,
    localAddress: string,
    private readonly host: RelaySessionHost,
  ) {
    this.logger = host.logger.child({ relaySession: id });
    this.a = new SideState('a', pairA, localAddress, this.logger.child({ side: 'a' }), host.context);
    this.b = new SideState('b', pairB, localAddress, this.logger.child({ side: 'b' }), host.context);
    this.a.rtp.peer = this.b.rtp;
    this.b.rtp.peer = this.a.rtp;
    this.a.rtcp.peer = this.b.rtcp;
    this.b.rtcp.peer = this.a.rtcp;
    this.armedAtMs = host.context.nowMs;
  }

  side(name: SideName): RelaySide {
    return name === 'a' ? this.a : this.b;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Whether inactivity is being watched: not paused and neither side on hold. */
  get watching(): boolean {
    return this.gate.watching;
  }

  /**
   * A leg put on hold (sendonly/inactive SDP) may legitimately stop sending, so a held session is
   * not timed out. Forwarding goes on regardless: hold is the endpoints' business, not ours.
   * hold(side, held) tracks each leg, so one leg resuming does not cancel the other's hold;
   * hold(held) is the session-wide form, for callers that do not track sides.
   */
  hold(side: SideName, held: boolean): void;
  hold(held: boolean): void;
  hold(sideOrHeld: SideName | boolean, held?: boolean): void {
    this.gate.hold(sideOrHeld, held);
  }

  /** Suspends inactivity detection, e.g. while the callee is still ringing and no media flows yet. */
  pause(): void {
    this.gate.pause();
  }

  resume(): void {
    this.gate.resume();
  }

  /** Whether a recording is running. */
  get recording(): boolean {
    return this.recorder !== undefined;
  }

  record(options: RecordRequest): void {
    if (this.isClosed) return void this.logger.warn({ path: options?.path }, 'media relay: record on a closed session');
    void this.stopRecording();
    const recording = new SessionRecording(options, this.host.context.media.clock.now, this.logger);
    if (!recording.running) {
      this.lastResult = recording.stop();
      return;
    }
    this.recorder = recording;
    // Side A is the caller's leg: what it sends is track 0, what reaches it (from any side, or played) track 1.
    this.a.recording = recording;
  }

  pauseRecording(paused: boolean): void {
    this.recorder?.pause(paused === true);
  }

  stopRecording(): Promise<RecordingResult | undefined> {
    const recording = this.recorder;
    if (recording === undefined) return this.lastResult ?? Promise.resolve(undefined);
    this.recorder = undefined;
    if (this.a.recording === recording) this.a.recording = undefined;
    this.lastResult = recording.stop();
    return this.lastResult;
  }

  /** Closes the four sockets and returns both ports to the pool; the recording is stopped. Idempotent. */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.onInactive = undefined;
    // The file gets everything up to now; it is finished in the background (stopRecording answers its result).
    void this.stopRecording();
    // Playbacks end 'stopped' and keys waiting are dropped before the sockets they send from close.
    this.a.close();
    this.b.close();
    this.host.release(this.a.pair);
    this.host.release(this.b.pair);
    this.host.forget(this);
  }

  /** Called by the relay's ticker. */
  checkInactivity(nowMs: number, inactivityMs: number): void {
    // A key whose end packets were lost is released on time even when the leg has gone quiet.
    this.a.detector?.tick(nowMs);
    this.b.detector?.tick(nowMs);
    // The recording's file keeps up with time when no packet comes (a silent or held call).
    this.recorder?.tick();
    if (this.fired || this.isClosed || !this.watching) return;
    const last = Math.max(this.armedAtMs, this.a.lastRtpAtMs, this.b.lastRtpAtMs);
    if (nowMs - last < inactivityMs) return;
    this.fired = true;
    const listener = this.onInactive;
    this.logger.info({ silentMs: nowMs - last }, 'media relay session inactive');
    if (listener === undefined) return;
    try {
      listener(this);
    } catch (error) {
      // The ticker serves every session; one listener's bug must not stop the others' checks.
      this.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'media relay onInactive threw');
    }
  }
}
