// CallRecorder: records the two directions of a call into one WAV file (8 kHz 16-bit PCM, mixed mono or stereo)
// from the RTP packets the relay's worker sees, on one timeline anchored at the recording's start so the tracks
// stay aligned. Fed packets and a clock; it owns no timer, allocates nothing per packet and writes asynchronously.
import { interleaveTracks, mixTracks } from './mix-tracks.ts';
import { RecorderTrack, DEFAULT_RECORDER_ENCODINGS } from './recorder-track.ts';
import type { RecorderOptions, RecorderPacket, RecorderTrackIndex, RecordingMode, RecordingResult } from './recorder-types.ts';
import { RtpFields } from './rtp-fields.ts';
import { WAV_SAMPLE_RATE } from './wav-header.ts';
import { WavFileWriter } from './wav-file-writer.ts';

const SAMPLES_PER_MS = WAV_SAMPLE_RATE / 1000;
export const DEFAULT_REORDER_MS = 200;
export const DEFAULT_JUMP_MS = 2500;
/** How far ahead of the reorder horizon a packet may land (a sender whose clock runs ahead, a late first packet). */
const LEAD_MS = 1500;
/** A push flushes when the horizon has moved this far (100 ms), so the recorder works even without ticks. */
const PUSH_FLUSH_STEP = 800;

export class CallRecorder {
  readonly path: string;
  readonly mode: RecordingMode;
  private readonly startMs: number;
  /** The reorder window in samples: the file is written up to this much behind the newest time seen. */
  private readonly reorder: number;
  private readonly tracks: readonly [RecorderTrack, RecorderTrack];
  private readonly writer: WavFileWriter;
  private readonly fields = new RtpFields();
  /** The first timeline position not yet written to (or skipped from) the file; the same for both tracks. */
  private floor = 0;
  /** Paused spans of the timeline as [start, end) pairs, end Infinity while paused; dropped once flushed past. */
  private readonly pauses: number[] = [];
  private skipped = 0;
  private stopped = false;
  private fault: string | undefined;
  private result: Promise<RecordingResult> | undefined;
  private readonly onError: ((message: string) => void) | undefined;
  private errorReported = false;

  /** Starts a recording at `options.nowMs`; the file is opened in the background (failures come out of stop()). */
  static start(options: RecorderOptions): CallRecorder {
    return new CallRecorder(options);
  }

  private constructor(options: RecorderOptions) {
    this.path = options.path;
    this.mode = options.mode;
    this.startMs = options.nowMs;
    this.onError = options.onError;
    this.reorder = Math.round(positive(options.reorderMs, DEFAULT_REORDER_MS) * SAMPLES_PER_MS);
    const jump = Math.round(positive(options.jumpMs, DEFAULT_JUMP_MS) * SAMPLES_PER_MS);
    const capacity = powerOfTwoAtLeast(this.reorder + PUSH_FLUSH_STEP + LEAD_MS * SAMPLES_PER_MS);
    const [first, second] = options.encodings ?? [DEFAULT_RECORDER_ENCODINGS, DEFAULT_RECORDER_ENCODINGS];
    this.tracks = [new RecorderTrack(first, capacity, this.reorder, jump), new RecorderTrack(second, capacity, this.reorder, jump)];
    this.writer = new WavFileWriter(options.path, options.mode === 'stereo' ? 2 : 1, (message) => this.report(message));
  }

  /** Records one RTP packet of `track` that arrived at `arrivalMs`. Never throws; dropped once stopped or failed. */
  push(track: RecorderTrackIndex, packet: RecorderPacket, arrivalMs: number): void {
    const target = this.tracks[track];
    if (target === undefined || this.closed) return;
    try {
      const arrival = this.advanceFor(arrivalMs);
      target.place(packet.payloadType, packet.sequenceNumber, packet.timestamp, packet.ssrc, packet.payload, 0, packet.payload.length, arrival, this.floor);
    } catch (error) {
      this.crash(error);
    }
  }

  /** The same for a raw datagram (what a relay tap sees): the header is read in place, nothing is kept. */
  pushDatagram(track: RecorderTrackIndex, datagram: Buffer, arrivalMs: number): void {
    const target = this.tracks[track];
    if (target === undefined || this.closed) return;
    try {
      const fields = this.fields;
      if (!fields.read(datagram)) {
        target.countMalformed();
        return;
      }
      const arrival = this.advanceFor(arrivalMs);
      target.place(fields.payloadType, fields.sequenceNumber, fields.timestamp, fields.ssrc, datagram, fields.payloadStart, fields.payloadEnd, arrival, this.floor);
    } catch (error) {
      this.crash(error);
    }
  }

  /** Writes both tracks up to `nowMs` less the reorder window; call it every 20-250 ms, packets or not. */
  tick(nowMs: number): void {
    if (this.closed) return;
    try {
      this.flushTo(this.positionOf(nowMs) - this.reorder);
    } catch (error) {
      this.crash(error);
    }
  }

  /**
   * Stops putting audio in the file from `nowMs` on. Paused time is skipped, not written as silence (as Asterisk's
   * MixMonitor does): the file holds only what may be heard, and its length is the recorded time.
   */
  pause(nowMs: number): void {
    if (this.stopped || this.paused) return;
    this.pauses.push(Math.max(this.floor, this.positionOf(nowMs)), Infinity);
  }

  /** Records again from `nowMs` on: timeline positions between pause and resume never reach the file. */
  resume(nowMs: number): void {
    const last = this.pauses.length - 1;
    const start = this.pauses[last - 1];
    if (this.stopped || !this.paused || start === undefined) return;
    this.pauses[last] = Math.max(start, this.positionOf(nowMs));
  }

  get paused(): boolean {
    return this.pauses[this.pauses.length - 1] === Infinity;
  }

  /** Why the recording failed, once it has (packets are then dropped). */
  get error(): string | undefined {
    return this.fault ?? this.writer.error;
  }

  /** Samples held in memory and not yet on disk: the tracks' rings ahead of the file, and the writer's queue. */
  get bufferedSamples(): number {
    const [first, second] = this.tracks;
    return first.buffered(this.floor) + second.buffered(this.floor) + this.writer.pendingSamples;
  }

  /** The bound `bufferedSamples` never exceeds (beyond it the disk is declared too slow and the recording fails). */
  get maxBufferedSamples(): number {
    const [first, second] = this.tracks;
    return first.capacity + second.capacity + this.writer.maxPendingSamples;
  }

  /**
   * Ends the recording at `nowMs`: everything buffered up to then is written, the RIFF sizes are patched and the
   * file closed. The promise never rejects: a failure is its `error`. Later calls return the same promise.
   */
  stop(nowMs: number): Promise<RecordingResult> {
    if (this.result !== undefined) return this.result;
    if (!this.closed) {
      try {
        const end = Math.max(this.floor, this.positionOf(nowMs));
        if (this.paused) this.pauses[this.pauses.length - 1] = Math.max(end, this.pauses[this.pauses.length - 2] ?? end);
        this.flushTo(end);
      } catch (error) {
        this.crash(error);
      }
    }
    this.stopped = true;
    this.result = this.finish();
    return this.result;
  }

  private get closed(): boolean {
    return this.stopped || this.fault !== undefined || this.writer.error !== undefined;
  }

  private async finish(): Promise<RecordingResult> {
    const summary = await this.writer.finish();
    const [first, second] = this.tracks;
    const payloadTypes = [...new Set([...first.undecodablePayloadTypes(), ...second.undecodablePayloadTypes()])].sort((a, b) => a - b);
    const tracks = [first.stats(), second.stats()] as const;
    const frames = summary.dataBytes / (2 * this.writer.channels);
    return {
      path: this.path,
      mode: this.mode,
      durationMs: frames / SAMPLES_PER_MS,
      pausedMs: this.skipped / SAMPLES_PER_MS,
      bytes: summary.bytes,
      undecodable: { count: tracks[0].undecodable + tracks[1].undecodable, payloadTypes },
      tracks,
      error: this.fault ?? summary.error,
    };
  }

  /** The arrival's timeline position, after flushing up to it when the horizon moved far enough. */
  private advanceFor(arrivalMs: number): number {
    const arrival = this.positionOf(arrivalMs);
    if (arrival - this.reorder - this.floor >= PUSH_FLUSH_STEP) this.flushTo(arrival - this.reorder);
    return arrival;
  }

  private positionOf(ms: number): number {
    const position = Math.floor((ms - this.startMs) * SAMPLES_PER_MS);
    // Before the start, or not a number at all: the start.
    return position > 0 ? position : 0;
  }

  /** Moves the floor to `horizon`: spans outside pauses go to the file, paused spans are cleared. */
  private flushTo(horizon: number): void {
    while (this.floor < horizon && this.writer.error === undefined) {
      const pauseStart = this.pauses[0];
      const pauseEnd = this.pauses[1] ?? Infinity;
      if (pauseStart !== undefined && pauseStart <= this.floor) {
        const end = Math.min(horizon, pauseEnd);
        for (const track of this.tracks) track.clear(this.floor, end);
        this.skipped += end - this.floor;
        this.floor = end;
        if (end >= pauseEnd) this.pauses.splice(0, 2);
        continue;
      }
      const end = pauseStart === undefined ? horizon : Math.min(horizon, pauseStart);
      this.emit(this.floor, end);
      this.floor = end;
    }
  }

  /** Writes timeline positions [from, to): samples where either track has any, a run of silence beyond. */
  private emit(from: number, to: number): void {
    const [first, second] = this.tracks;
    const writer = this.writer;
    const channels = writer.channels;
    const dataEnd = Math.min(to, Math.max(from, first.writtenEnd, second.writtenEnd));
    for (let position = from; position < dataEnd && writer.error === undefined; ) {
      const frames = Math.min(dataEnd - position, writer.space / channels);
      if (channels === 2) interleaveTracks(first.ring, second.ring, first.mask, position, frames, writer.chunk, writer.fill);
      else mixTracks(first.ring, second.ring, first.mask, position, frames, writer.chunk, writer.fill);
      writer.advance(frames * channels);
      position += frames;
    }
    if (to > dataEnd) writer.appendSilence(to - dataEnd);
  }

  private crash(error: unknown): void {
    this.fault ??= `recorder fault: ${error instanceof Error ? error.message : String(error)}`;
    const message = this.fault;
    queueMicrotask(() => this.report(message));
  }

  /** Tells the caller once, whatever failed first. */
  private report(message: string): void {
    if (this.errorReported || this.onError === undefined) return;
    this.errorReported = true;
    try {
      this.onError(message);
    } catch {
      // The listener's fault is not the recording's.
    }
  }
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

function powerOfTwoAtLeast(value: number): number {
  let size = 1;
  while (size < value) size *= 2;
  return size;
}
