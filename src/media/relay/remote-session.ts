// The handles the PBX's thread holds for sessions living in the relay's worker (ThreadedMediaRelay): each knows its
// ports and turns calls into commands posted in order; a playback's or a recording's promise is settled by the
// worker's event.
import type { RecordingResult } from '../recorder/index.ts';
import type {
  DtmfDetection,
  DtmfListener,
  DtmfMethod,
  DtmfSendOptions,
  PlaybackEnd,
  PlayRequest,
  RecordRequest,
  RelaySessionControl,
  RelaySideControl,
  RelayTone,
  SideName,
} from './relay-control.ts';
import type { RelayCommand } from './relay-worker-protocol.ts';
import { failedRecording } from './session-recording.ts';

/** What a handle needs of ThreadedMediaRelay. */
export interface RemoteRelay {
  post(command: RelayCommand): void;
  forget(session: RemoteSession): void;
  /** Posts the command `build` makes with a new playback number; settles when the worker reports its end. */
  play(build: (play: number) => RelayCommand): Promise<PlaybackEnd>;
  /** Posts the stop `build` makes with a new request number; settles with the worker's answer, or `lost` if it dies. */
  stopRecording(build: (request: number) => RelayCommand, lost: RecordingResult): Promise<RecordingResult | undefined>;
  /** Pairs `from` with `to` (of this relay, or of another worker of its pool); undefined unpairs `from`. */
  bridge(from: RemoteSide, to: RemoteSide | undefined): void;
}

const WORKER_LOST = 'media relay worker stopped';

/** A session living in the worker, seen from the PBX's thread. */
export class RemoteSession implements RelaySessionControl {
  private lostWithWorker = false;

  get workerLost(): boolean {
    return this.lostWithWorker;
  }

  onInactive: ((session: RelaySessionControl) => void) | undefined = undefined;
  private isClosed = false;
  private readonly a: RemoteSide;
  private readonly b: RemoteSide;
  /** The recording asked for and not stopped yet (what its result is if the worker dies). */
  private recordingNow: RecordRequest | undefined = undefined;
  /** The last recording's result, once stopped: what stopRecording answers afterwards, as in the worker. */
  private lastResult: Promise<RecordingResult | undefined> | undefined = undefined;

  constructor(
    readonly id: string,
    portA: number,
    portB: number,
    localAddress: string,
    readonly relay: RemoteRelay,
  ) {
    this.a = new RemoteSide('a', portA, localAddress, this);
    this.b = new RemoteSide('b', portB, localAddress, this);
  }

  get closed(): boolean {
    return this.isClosed;
  }

  side(name: SideName): RelaySideControl {
    return name === 'a' ? this.a : this.b;
  }

  hold(side: SideName, held: boolean): void;
  hold(held: boolean): void;
  hold(sideOrHeld: SideName | boolean, held?: boolean): void {
    if (typeof sideOrHeld === 'boolean') this.command({ op: 'hold', session: this.id, side: undefined, held: sideOrHeld });
    else this.command({ op: 'hold', session: this.id, side: sideOrHeld, held: held === true });
  }

  pause(): void {
    this.command({ op: 'pause', session: this.id });
  }

  resume(): void {
    this.command({ op: 'resume', session: this.id });
  }

  record(options: RecordRequest): void {
    if (this.isClosed) return;
    // A recording running is stopped by the worker first; its result is then the worker's to log, not ours to wait for.
    this.recordingNow = options;
    this.command({ op: 'record', session: this.id, request: options });
  }

  pauseRecording(paused: boolean): void {
    if (this.recordingNow !== undefined) this.command({ op: 'pauseRecording', session: this.id, paused });
  }

  stopRecording(): Promise<RecordingResult | undefined> {
    const running = this.recordingNow;
    if (running === undefined || this.isClosed) return this.lastResult ?? Promise.resolve(undefined);
    this.recordingNow = undefined;
    this.lastResult = this.relay.stopRecording((request) => ({ op: 'stopRecording', session: this.id, request }), failedRecording(running, WORKER_LOST));
    return this.lastResult;
  }

  close(): void {
    if (this.isClosed) return;
    // Closing stops the recording in the worker too; asking for its result first keeps it for a later stopRecording.
    void this.stopRecording();
    this.command({ op: 'close', session: this.id });
    this.isClosed = true;
    this.onInactive = undefined;
    this.relay.forget(this);
  }

  /** @internal A command for this session; none once it is closed (its id may belong to another session by then). */
  command(command: RelayCommand): void {
    if (!this.isClosed) this.relay.post(command);
  }

  /** @internal The worker found the session silent. */
  inactive(): void {
    const listener = this.onInactive;
    listener?.(this);
  }

  /** @internal A digit heard on one of its sides, reported by the worker. */
  dtmf(side: SideName, digit: string, method: DtmfMethod): void {
    const listener = (side === 'a' ? this.a : this.b).onDtmf;
    listener?.(digit, method);
  }

  /**
   * @internal The worker died: the session is gone, and its call is told as if it had gone silent. `why` is what a
   * recording still running reports (a crash cuts its file short; a relay closed first has the worker finish it).
   */
  lost(why = WORKER_LOST): void {
    const listener = this.onInactive;
    this.lostWithWorker = why === WORKER_LOST;
    if (this.recordingNow !== undefined) this.lastResult = Promise.resolve(failedRecording(this.recordingNow, why));
    this.recordingNow = undefined;
    this.isClosed = true;
    this.onInactive = undefined;
    listener?.(this);
  }
}

export class RemoteSide implements RelaySideControl {
  onDtmf: DtmfListener | undefined = undefined;

  constructor(
    readonly name: SideName,
    readonly localPort: number,
    readonly localAddress: string,
    readonly session: RemoteSession,
  ) {}

  setRemote(address: string, port: number, signallingAddress?: string): void {
    this.session.command({ op: 'setRemote', session: this.session.id, side: this.name, address, port, ...(signallingAddress === undefined ? {} : { signallingAddress }) });
  }

  playTone(tone: RelayTone | undefined): void {
    this.session.command({ op: 'tone', session: this.session.id, side: this.name, tone });
  }

  play(request: PlayRequest): Promise<PlaybackEnd> {
    if (this.session.closed) return Promise.resolve({ reason: 'error', error: 'relay session is closed', framesSent: 0 });
    return this.session.relay.play((play) => ({ op: 'play', session: this.session.id, side: this.name, play, request }));
  }

  detectDtmf(detection: DtmfDetection | undefined): void {
    this.session.command({ op: 'detectDtmf', session: this.session.id, side: this.name, detection });
  }

  mapPayloadTypes(map: Readonly<Record<number, number>> | undefined): void {
    this.session.command({ op: 'mapPayloadTypes', session: this.session.id, side: this.name, map });
  }

  sendDtmf(digit: string, options: DtmfSendOptions): void {
    // Checked in the worker (dtmf-sender.ts), where it is sent: an invalid key is counted and logged there.
    this.session.command({ op: 'sendDtmf', session: this.session.id, side: this.name, digit, options });
  }

  stopPlayback(): void {
    this.session.command({ op: 'stopPlayback', session: this.session.id, side: this.name });
  }

  bridgeTo(other: RelaySideControl | undefined): void {
    if (this.session.closed) return;
    // Sides of worker relays only (of one worker, or of two of a pool: relay-pool.ts); an in-thread side pairs with nothing here.
    this.session.relay.bridge(this, other instanceof RemoteSide && !other.session.closed ? other : undefined);
  }
}
