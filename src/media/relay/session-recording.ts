// SessionRecording: a relay session recorded into one WAV file (media/recorder's CallRecorder), fed from the relay's
// packet paths on side A: what the caller's leg sends is track 0; what it hears (RTP forwarded to it, frames the relay
// plays to it) is track 1. Per packet it allocates nothing: the recorder reads each datagram before returning.
import type { Logger } from '../../shared/index.ts';
import { CallRecorder, type RecorderEncoding, type RecorderPacket, type RecorderPayloadTypes, type RecordingResult } from '../recorder/index.ts';
import type { RecordingTap } from './relay-channel.ts';
import type { RecordEncodings, RecordRequest } from './relay-control.ts';

/** 8 kHz: RTP timestamp units per millisecond of the media clock. */
const TICKS_PER_MS = 8;
const ENCODINGS: ReadonlySet<string> = new Set<RecorderEncoding>(['PCMU', 'PCMA', 'CN', 'telephone-event']);

/** One reused packet for the frames the relay plays: their fields are handed over, never kept by the recorder. */
class PlayedFrame implements RecorderPacket {
  payloadType = 0;
  sequenceNumber = 0;
  timestamp = 0;
  ssrc = 0;
  payload: Uint8Array = new Uint8Array(0);
}

export class SessionRecording implements RecordingTap {
  private readonly recorder: CallRecorder | undefined;
  private readonly frame = new PlayedFrame();
  private result: Promise<RecordingResult> | undefined = undefined;

  /**
   * `now` is the media clock's time line (performance.now() in production: cheap and allocation-free, unlike the
   * relay's coarse tick time, which is too coarse for a 200 ms reorder window; a FakeClock's time in tests).
   */
  constructor(
    readonly request: RecordRequest,
    private readonly now: () => number,
    logger: Logger,
  ) {
    // The request may have crossed a thread unchecked: a bad one makes a recording that failed at once.
    const problem = checkRequest(request);
    if (problem !== undefined) {
      logger.warn({ err: problem }, 'media relay: recording refused');
      this.result = Promise.resolve(failedRecording(request, problem));
      this.recorder = undefined;
      return;
    }
    this.recorder = CallRecorder.start({
      path: request.path,
      mode: request.mode,
      nowMs: now(),
      ...(request.encodings === undefined ? {} : { encodings: [payloadTypes(request.encodings[0]), payloadTypes(request.encodings[1])] as const }),
      onError: (message) => logger.warn({ err: message, path: request.path }, 'media relay: recording failed'),
    });
  }

  /** Still taking packets: not stopped, and not refused. */
  get running(): boolean {
    return this.result === undefined;
  }

  sent(datagram: Buffer): void {
    this.recorder?.pushDatagram(0, datagram, this.now());
  }

  heard(datagram: Buffer): void {
    this.recorder?.pushDatagram(1, datagram, this.now());
  }

  /**
   * A frame the relay plays to the caller. Its timestamp is taken from the time the media clock had it due, not the
   * player's own: the player's timestamps run on across playbacks without counting the time between them, so a prompt
   * that starts a second after the last one would land a second early and be dropped as late.
   */
  played(payload: Buffer, payloadType: number, sequenceNumber: number, ssrc: number, dueMs: number): void {
    const recorder = this.recorder;
    if (recorder === undefined) return;
    const frame = this.frame;
    frame.payloadType = payloadType;
    frame.sequenceNumber = sequenceNumber;
    frame.timestamp = Math.round(dueMs * TICKS_PER_MS) >>> 0;
    frame.ssrc = ssrc;
    frame.payload = payload;
    recorder.push(1, frame, this.now());
    frame.payload = EMPTY;
  }

  /** The relay's ticker: writes what is past the reorder window, packets or not. */
  tick(): void {
    this.recorder?.tick(this.now());
  }

  pause(paused: boolean): void {
    if (paused) this.recorder?.pause(this.now());
    else this.recorder?.resume(this.now());
  }

  /** Finishes the file; the same promise every time. Never rejects. */
  stop(): Promise<RecordingResult> {
    this.result ??= this.recorder === undefined ? Promise.resolve(failedRecording(this.request, 'not started')) : this.recorder.stop(this.now());
    return this.result;
  }
}

const EMPTY = new Uint8Array(0);

/** What a recording that never wrote anything reports: refused, or lost with the relay's worker. */
export function failedRecording(request: Pick<RecordRequest, 'path' | 'mode'>, error: string): RecordingResult {
  const none = { packets: 0, malformed: 0, decoded: 0, duplicates: 0, late: 0, nonAudio: 0, undecodable: 0, streams: 0, reanchors: 0, driftCorrections: 0 };
  return {
    path: typeof request?.path === 'string' ? request.path : '',
    mode: request?.mode === 'stereo' ? 'stereo' : 'mixed',
    durationMs: 0,
    pausedMs: 0,
    bytes: 0,
    undecodable: { count: 0, payloadTypes: [] },
    tracks: [none, { ...none }],
    error,
  };
}

function checkRequest(request: RecordRequest | undefined): string | undefined {
  if (typeof request?.path !== 'string' || request.path.length === 0) return 'path must be a file name';
  if (request.mode !== 'mixed' && request.mode !== 'stereo') return "mode must be 'mixed' or 'stereo'";
  const encodings: unknown = request.encodings;
  if (encodings === undefined) return undefined;
  if (!Array.isArray(encodings) || encodings.length !== 2) return 'encodings must hold one table per track';
  for (const table of encodings as unknown[]) {
    if (typeof table !== 'object' || table === null) return 'encodings must hold one table per track';
    for (const [payloadType, encoding] of Object.entries(table)) {
      const pt = Number(payloadType);
      if (!Number.isInteger(pt) || pt < 0 || pt > 127) return `payload type ${payloadType} is not 0-127`;
      if (typeof encoding !== 'string' || !ENCODINGS.has(encoding)) return `payload type ${payloadType}: unknown encoding ${String(encoding)}`;
    }
  }
  return undefined;
}

function payloadTypes(table: RecordEncodings): RecorderPayloadTypes {
  return new Map(Object.entries(table).map(([payloadType, encoding]) => [Number(payloadType), encoding]));
}
