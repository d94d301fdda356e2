// Moves a span of the timeline from the two tracks' rings into a WAV chunk and clears the slots it read, so a
// slot is zero (silence) when the timeline comes round to it again. Stereo interleaves frames in RIFF channel
// order (left, right); mixed sums the tracks and saturates instead of wrapping round.

const MAX_SAMPLE = 32767;
const MIN_SAMPLE = -32768;

/** Track 0 left, track 1 right: `frames` frames from timeline position `from`, written at `out[at]`. */
export function interleaveTracks(left: Int16Array, right: Int16Array, mask: number, from: number, frames: number, out: Int16Array, at: number): void {
  let o = at;
  for (let i = 0; i < frames; i++) {
    const slot = (from + i) & mask;
    out[o++] = left[slot] ?? 0;
    out[o++] = right[slot] ?? 0;
    left[slot] = 0;
    right[slot] = 0;
  }
}

/**
 * One channel: the sum of the tracks. Two people talking at once rarely reach full scale through G.711, so the
 * sum keeps both at their own level and only the peaks that would overflow are clipped (a wrapped sample would
 * be a loud click of the opposite sign).
 */
export function mixTracks(first: Int16Array, second: Int16Array, mask: number, from: number, frames: number, out: Int16Array, at: number): void {
  let o = at;
  for (let i = 0; i < frames; i++) {
    const slot = (from + i) & mask;
    const sum = (first[slot] ?? 0) + (second[slot] ?? 0);
    out[o++] = sum > MAX_SAMPLE ? MAX_SAMPLE : sum < MIN_SAMPLE ? MIN_SAMPLE : sum;
    first[slot] = 0;
    second[slot] = 0;
  }
}
