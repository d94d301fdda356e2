// Sample buffers for the player: tones, silence and their concatenation, as 8 kHz 16-bit linear PCM
// (the rate G.711 carries, RFC 3551 §4.5.14), so confirmation beeps need no media files.

/** The sample rate every buffer here is at. */
export const SAMPLE_RATE = 8000;

/** The largest amplitude a 16-bit sample holds. */
const MAX_AMPLITUDE = 32767;

/** How many samples `ms` milliseconds are (rounded down; negative and NaN count as none). */
export function samplesFor(ms: number): number {
  return Number.isFinite(ms) && ms > 0 ? Math.floor((ms * SAMPLE_RATE) / 1000) : 0;
}

/**
 * A sine tone. The first and last 5 ms ramp linearly in and out: a tone that starts or stops at full
 * amplitude clicks, and a click through G.711 sounds like a fault rather than a beep.
 */
export function toneSamples(frequencyHz: number, ms: number, amplitude = 8000): Int16Array {
  const count = samplesFor(ms);
  const out = new Int16Array(count);
  const peak = Math.max(0, Math.min(MAX_AMPLITUDE, amplitude));
  const ramp = Math.min(Math.floor(count / 2), samplesFor(5));
  const step = (2 * Math.PI * frequencyHz) / SAMPLE_RATE;
  for (let i = 0; i < count; i++) {
    const edge = Math.min(i, count - 1 - i);
    const gain = ramp > 0 && edge < ramp ? edge / ramp : 1;
    out[i] = Math.round(peak * gain * Math.sin(step * i));
  }
  return out;
}

export function silence(ms: number): Int16Array {
  return new Int16Array(samplesFor(ms));
}

/** The buffers one after the other, in one new buffer. */
export function concatSamples(...parts: readonly Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
