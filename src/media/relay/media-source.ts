// MediaSource: a fan-out source (music on hold, Asterisk's MOH class): one looping playlist that every listening side
// hears at the same point, as a radio station is heard. The first listener to ask for a frame advances it; the frame
// is encoded at most once per law (μ-law, A-law) per 20 ms, when some listener needs that law, and every listener
// sends those same code words. A caller put on hold joins the stream where it is now, not at its beginning.
//
// With no listeners it does no work at all (no timer, no encoding), yet it keeps advancing in time: the next
// listener's first frame is the one it would have reached had it played all along (see advanceTo).
import { err, ok, type Result } from '../../shared/index.ts';
import { encodeFrame, FRAME_MS, FRAME_SAMPLES, type G711Law } from '../player/index.ts';
import type { ClipSegment, PlayCursor } from './play-cursor.ts';

/** A playback listening to a source: told when the source closes under it. */
export interface SourceListener {
  sourceClosed(source: MediaSource): void;
}

const SILENCE = new Int16Array(FRAME_SAMPLES);

export class MediaSource {
  /** Frames encoded per law: at most one per frame and law, however many sides listen (the fan-out's point). */
  readonly encodes: Record<G711Law, number> = { PCMU: 0, PCMA: 0 };
  /** Frames produced (heard by at least one listener). */
  frames = 0;
  private cursor: PlayCursor<ClipSegment> | undefined = undefined;
  private readonly listeners = new Set<SourceListener>();
  /** The media clock's time of the frame held in `samples`, and its number. */
  private frameDueMs: number;
  private frameNumber = -1;
  private samples: Int16Array = SILENCE;
  private readonly out: Record<G711Law, Buffer> = { PCMU: Buffer.alloc(FRAME_SAMPLES), PCMA: Buffer.alloc(FRAME_SAMPLES) };
  private readonly encodedFrame: Record<G711Law, number> = { PCMU: -1, PCMA: -1 };
  private isClosed = false;
  private settle: ((result: Result<void, string>) => void) | undefined;
  /** Settles once the first playlist is loaded, or with the error that kept it from opening. */
  readonly ready: Promise<Result<void, string>>;

  constructor(
    readonly name: string,
    openedAtMs: number,
  ) {
    this.frameDueMs = openedAtMs - FRAME_MS;
    this.ready = new Promise((resolve) => (this.settle = resolve));
  }

  get closed(): boolean {
    return this.isClosed;
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  /** Starts (or restarts, for a replaced playlist) at `nowMs` with `cursor`: its first frame is the next one heard. */
  play(cursor: PlayCursor<ClipSegment>, nowMs: number): void {
    this.cursor = cursor;
    // Listeners may have pulled the frame due now already: the new playlist starts with the one after it.
    this.frameDueMs = Math.max(this.frameDueMs, nowMs - FRAME_MS);
    this.settle?.(ok(undefined));
    this.settle = undefined;
  }

  /** The first playlist could not be loaded: the source never opens. */
  fail(error: string): void {
    this.isClosed = true;
    this.settle?.(err(error));
    this.settle = undefined;
  }

  join(listener: SourceListener): void {
    this.listeners.add(listener);
  }

  leave(listener: SourceListener): void {
    this.listeners.delete(listener);
  }

  /** The frame due at `dueMs` (frame `frameNumber` of the media clock) in `law`: shared, read it before the next frame. */
  frame(law: G711Law, dueMs: number, frameNumber: number): Buffer {
    if (frameNumber !== this.frameNumber) this.advanceTo(dueMs, frameNumber);
    const out = this.out[law];
    if (this.encodedFrame[law] !== frameNumber) {
      encodeFrame(law, this.samples, out);
      this.encodes[law]++;
      this.encodedFrame[law] = frameNumber;
    }
    return out;
  }

  close(): void {
    if (this.isClosed) return;
    this.fail('source closed');
    for (const listener of [...this.listeners]) listener.sourceClosed(this);
    this.listeners.clear();
  }

  private advanceTo(dueMs: number, frameNumber: number): void {
    // Consecutive frames are 20 ms apart: one step. A longer gap is time nobody listened (or a stall of the clock):
    // the playlist moves on by that much, so the stream is where it would be had it played all along.
    const steps = Math.max(1, Math.round((dueMs - this.frameDueMs) / FRAME_MS));
    this.frameDueMs = dueMs;
    this.frameNumber = frameNumber;
    const cursor = this.cursor;
    if (cursor === undefined) {
      this.samples = SILENCE;
      return;
    }
    if (steps > 1) cursor.skip(steps - 1);
    const segment = cursor.current();
    this.samples = segment?.kind === 'clip' ? segment.clip.frameSamples(cursor.position % segment.clip.frameCount) : SILENCE;
    cursor.advance();
    this.frames++;
  }
}
