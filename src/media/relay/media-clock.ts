// MediaClock: the relay's one 20 ms clock for media it produces itself (prompts, tones, fan-out sources). One timer
// per relay (per worker thread), not one per stream, so a thousand playing sides cost one timer and their frames go
// out together. It runs only while some sink needs frames, and it paces against the time it started, so timer jitter
// never adds up into a stream slower than real time.
import type { CancelTimer, Clock } from '../../shared/index.ts';
import { FRAME_MS } from '../player/index.ts';

/**
 * Called once per frame with the time the frame was due (milliseconds on the clock's time line) and the frame's
 * number (it only grows, across the clock's stops and starts). Sinks must not throw; one that does is reported and
 * the others still get their frame.
 */
export type FrameSink = (dueMs: number, frameNumber: number) => void;

/** A late timer sends the frames it owes, up to this many at once (100 ms); beyond that the schedule re-anchors. */
const MAX_CATCH_UP_FRAMES = 5;

export interface MediaClockStats {
  /** Frames emitted (each to every sink). */
  frames: number;
  /** Timer callbacks. */
  ticks: number;
  /**
   * Frames whose packets were all handed to the kernel a whole frame (20 ms) or more after the frame was due (a late
   * timer, or a tick with so many sides that sending them all took that long), plus frames skipped by a re-anchor.
   */
  lateFrames: number;
  /** Stalls longer than the catch-up allows: the schedule restarted from the time the tick ran. */
  reanchors: number;
  maxLateMs: number;
  /** Time from a tick's start until its frames' packets were handed to the kernel: how busy it keeps its thread. */
  busyMs: number;
}

export class MediaClock {
  private readonly sinks = new Set<FrameSink>();
  private cancelTick: CancelTimer | undefined = undefined;
  /** When frame 0 of the current run was due; frame n is due at startMs + n * 20. */
  private startMs = 0;
  private emitted = 0;
  /** Inside a tick, which schedules the next one itself: a sink added meanwhile must not start a second timer. */
  private ticking = false;
  readonly stats: MediaClockStats = { frames: 0, ticks: 0, lateFrames: 0, reanchors: 0, maxLateMs: 0, busyMs: 0 };

  /**
   * `timers` schedules (the relay's injected Clock: a FakeClock drives the media clock in tests); `now` reads a
   * monotonic millisecond time on the same time line (performance.now in production, the FakeClock's time in tests).
   */
  constructor(
    private readonly timers: Pick<Clock, 'setTimer'>,
    readonly now: () => number,
    private readonly onSinkError: (error: unknown) => void,
  ) {}

  get running(): boolean {
    return this.cancelTick !== undefined;
  }

  get sinkCount(): number {
    return this.sinks.size;
  }

  /** Frames start at the next tick: at once (a 0 ms timer) when the clock was idle, else on its current schedule. */
  add(sink: FrameSink): void {
    this.sinks.add(sink);
    if (this.cancelTick !== undefined || this.ticking) return;
    this.startMs = this.now();
    this.emitted = 0;
    this.cancelTick = this.timers.setTimer(0, this.tick);
  }

  /** Safe from inside a sink. The clock stops when the last sink goes. */
  remove(sink: FrameSink): void {
    this.sinks.delete(sink);
    if (this.sinks.size === 0) this.stop();
  }

  stop(): void {
    this.sinks.clear();
    this.cancelTick?.();
    this.cancelTick = undefined;
  }

  private readonly tick = (): void => {
    this.cancelTick = undefined;
    this.ticking = true;
    const startedAt = this.now();
    let frames = 0;
    try {
      frames = this.emitDue(startedAt);
    } finally {
      this.ticking = false;
    }
    // The frames' sends still wait in the tick queue (see measure): this runs after them.
    if (frames > 0) process.nextTick(this.measure, this.stats.ticks, startedAt, this.startMs + (this.emitted - frames) * FRAME_MS, frames);
    if (this.sinks.size === 0) return;
    this.cancelTick = this.timers.setTimer(Math.max(0, this.startMs + this.emitted * FRAME_MS - this.now()), this.tick);
  };

  /** Emits the frames due by `now` (a few at most); returns how many. */
  private emitDue(now: number): number {
    const stats = this.stats;
    stats.ticks++;
    let due = Math.floor((now - this.startMs) / FRAME_MS) + 1;
    if (due - this.emitted > MAX_CATCH_UP_FRAMES) {
      // The thread stalled (GC, a burst of work): a burst of a second's audio would overrun the phones' jitter
      // buffers, so the frames missed are skipped in time (the streams pause; their timestamps stay contiguous).
      stats.reanchors++;
      stats.lateFrames += due - this.emitted - 1;
      this.startMs = now - this.emitted * FRAME_MS;
      due = this.emitted + 1;
    }
    let frames = 0;
    while (this.emitted < due && this.sinks.size > 0) {
      const dueMs = this.startMs + this.emitted * FRAME_MS;
      this.emitted++;
      stats.frames++;
      frames++;
      for (const sink of this.sinks) {
        try {
          sink(dueMs, stats.frames);
        } catch (error) {
          this.onSinkError(error);
        }
      }
    }
    return frames;
  }

  /**
   * How late a tick's frames really left. dgram hands a send to the kernel on the next tick (its address lookup
   * answers there, even for an IP literal, and answering it at once measured slower), so a frame is out only once
   * the ticks its sends queued have run; this is queued after them. Under a FakeClock several media ticks run within
   * one advance(): only the last one is measured, since the others' "now" is already past.
   */
  private readonly measure = (tick: number, startedAt: number, firstDueMs: number, frames: number): void => {
    const stats = this.stats;
    if (tick !== stats.ticks) return;
    const finished = this.now();
    stats.busyMs += finished - startedAt;
    for (let i = 0; i < frames; i++) {
      const late = finished - (firstDueMs + i * FRAME_MS);
      if (late >= FRAME_MS) stats.lateFrames++;
      if (late > stats.maxLateMs) stats.maxLateMs = late;
    }
  };
}
