// PlayCursor: where a playlist is, frame by frame: which segment (a clip, silence, a fan-out source) and which 20 ms
// frame of it comes next, looping when asked. Shared by a side's playback and by a fan-out source's playlist.
import type { AudioClip } from '../player/index.ts';

/**
 * A resolved playlist item with a length: a clip segment may be longer than its clip (a tone's cadence repeated for
 * `ms` wraps around the clip). What a fan-out source's playlist is made of.
 */
export type ClipSegment = { readonly kind: 'clip'; readonly clip: AudioClip; readonly frames: number } | { readonly kind: 'silence'; readonly frames: number };

/** Any segment: `frames` may be Infinity (a segment that ends only from outside, such as a fan-out source). */
export class PlayCursor<Segment extends { readonly frames: number }> {
  private index = 0;
  private offset = 0;
  /** Frames in one pass over the finite segments. */
  readonly loopFrames: number;
  private readonly endless: boolean;

  constructor(
    private readonly segments: readonly Segment[],
    private readonly loop: boolean,
  ) {
    this.loopFrames = segments.reduce((sum, segment) => (Number.isFinite(segment.frames) ? sum + segment.frames : sum), 0);
    this.endless = segments.some((segment) => !Number.isFinite(segment.frames));
  }

  /** The segment the next frame comes from; undefined once the playlist is over. */
  current(): Segment | undefined {
    // Both bounds keep a loop over empty segments (zero-length silence) from spinning: it is simply over.
    if (this.loop && this.loopFrames === 0 && !this.endless) return undefined;
    for (;;) {
      const segment = this.segments[this.index];
      if (segment === undefined) {
        if (!this.loop || this.index === 0) return undefined;
        this.index = 0;
        this.offset = 0;
        continue;
      }
      if (this.offset < segment.frames) return segment;
      this.index++;
      this.offset = 0;
    }
  }

  /** The frame within current(): for a clip segment, the clip's frame `position % frameCount`. */
  get position(): number {
    return this.offset;
  }

  /** One frame of the current segment was used. */
  advance(): void {
    this.offset++;
  }

  /**
   * Moves `frames` ahead without producing them: a fan-out source nobody heard for a while is where it would be had
   * it kept playing. Only for looping playlists of finite segments (what a source holds).
   */
  skip(frames: number): void {
    if (this.loopFrames === 0 || frames <= 0) return;
    let left = frames % this.loopFrames;
    while (left > 0) {
      const segment = this.current();
      if (segment === undefined) return;
      const step = Math.min(left, segment.frames - this.offset);
      this.offset += step;
      left -= step;
    }
  }
}
