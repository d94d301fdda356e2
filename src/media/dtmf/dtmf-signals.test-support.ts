// Test support for the DTMF tests: Q.23 tone pairs at dBm0 levels, noise, a speech-like voice, chords
// and sweeps as 8 kHz PCM; a G.711 round trip; frame-by-frame feeding; RFC 4733 key presses as packets;
// a listener that records.
import { decodeAlaw, decodeMulaw, encodeAlaw, encodeMulaw } from '../g711.ts';
import { concatSamples } from '../player/index.ts';
import { serializeTelephoneEvent } from '../telephone-event.ts';
import { DBM0_PEAK } from './dtmf-tone-classifier.ts';
import type { DtmfDigit, DtmfDigitEnd, DtmfDigitEvent } from './dtmf-types.ts';
import type { G711Encoding } from './inband-dtmf-detector.ts';

export { concatSamples };

const RATE = 8000;
const ROWS = [697, 770, 852, 941];
const COLUMNS = [1209, 1336, 1477, 1633];
const KEYPAD = '123A456B789C*0#D';
export const ALL_DIGITS: readonly DtmfDigit[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#', 'A', 'B', 'C', 'D'];

/** The Q.23 (low, high) frequencies of a key. */
export function dtmfFrequencies(digit: string): [number, number] {
  const index = KEYPAD.indexOf(digit);
  if (index < 0) throw new Error(`not a DTMF key: ${digit}`);
  return [ROWS[Math.floor(index / 4)] ?? 0, COLUMNS[index % 4] ?? 0];
}

/** The peak of a sine at `dbm0`. */
export function peakOf(dbm0: number): number {
  return DBM0_PEAK * 10 ** (dbm0 / 20);
}

/** A deterministic generator in [0, 1) (mulberry32), so noise tests do not flake. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function clip(x: number): number {
  return Math.max(-32768, Math.min(32767, Math.round(x)));
}

/** Sines at (Hz, dBm0), summed, starting at `phase` radians: a DTMF pair, a chord. */
export function tones(parts: readonly (readonly [number, number])[], ms: number, phase = 0): Int16Array {
  const out = new Int16Array(Math.round((ms * RATE) / 1000));
  for (let i = 0; i < out.length; i++) {
    let x = 0;
    for (const [hz, dbm0] of parts) x += peakOf(dbm0) * Math.sin((2 * Math.PI * hz * i) / RATE + phase);
    out[i] = clip(x);
  }
  return out;
}

export interface ToneOptions {
  /** Level of the low (row) tone; the high one is `lowDbm0 + reverseTwistDb`. */
  readonly lowDbm0?: number;
  readonly highDbm0?: number;
  /** Frequency error applied to both tones, e.g. 0.015 for +1.5 %. */
  readonly deviation?: number;
  readonly phase?: number;
}

export function dtmfTone(digit: string, ms: number, options: ToneOptions = {}): Int16Array {
  const [low, high] = dtmfFrequencies(digit);
  const lowDbm0 = options.lowDbm0 ?? -10;
  const factor = 1 + (options.deviation ?? 0);
  return tones([[low * factor, lowDbm0], [high * factor, options.highDbm0 ?? lowDbm0]], ms, options.phase ?? 0);
}

export function silence(ms: number): Int16Array {
  return new Int16Array(Math.round((ms * RATE) / 1000));
}

/** Gaussian white noise at `dbm0` (its power against a 0 dBm0 sine's). */
export function whiteNoise(ms: number, dbm0: number, seed = 1): Int16Array {
  const random = seededRandom(seed);
  const sigma = peakOf(dbm0) / Math.SQRT2;
  const out = new Int16Array(Math.round((ms * RATE) / 1000));
  for (let i = 0; i < out.length; i++) {
    const u = Math.max(random(), 1e-12);
    out[i] = clip(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random()));
  }
  return out;
}

/**
 * A voice-like signal: a glottal pitch gliding between 90 and 260 Hz with all its harmonics to
 * 3.4 kHz, shaped by three moving formants, in 4 Hz syllables, with breath noise between them.
 */
export function speechLike(ms: number, seed = 7, dbm0 = -12): Int16Array {
  const random = seededRandom(seed);
  const out = new Int16Array(Math.round((ms * RATE) / 1000));
  const phases = new Float64Array(40);
  const peak = peakOf(dbm0);
  for (let i = 0; i < out.length; i++) {
    const t = i / RATE;
    const pitch = 175 + 85 * Math.sin(2 * Math.PI * 0.7 * t) * Math.sin(2 * Math.PI * 0.23 * t + 1);
    // Formants wander between vowels.
    const f1 = 500 + 250 * Math.sin(2 * Math.PI * 1.3 * t);
    const f2 = 1500 + 600 * Math.sin(2 * Math.PI * 0.9 * t + 2);
    const f3 = 2500 + 300 * Math.sin(2 * Math.PI * 0.5 * t + 4);
    const syllable = Math.max(0, Math.sin(2 * Math.PI * 4 * t));
    let x = 0;
    for (let k = 1; k < phases.length && k * pitch < 3400; k++) {
      const hz = k * pitch;
      phases[k] = ((phases[k] ?? 0) + (2 * Math.PI * hz) / RATE) % (2 * Math.PI);
      const envelope = Math.exp(-(((hz - f1) / 150) ** 2)) + 0.6 * Math.exp(-(((hz - f2) / 200) ** 2)) + 0.3 * Math.exp(-(((hz - f3) / 250) ** 2));
      x += (envelope / Math.sqrt(k)) * Math.sin(phases[k] ?? 0);
    }
    const breath = (random() - 0.5) * 0.15 * (1 - syllable);
    out[i] = clip(peak * (0.5 * x * syllable + breath));
  }
  return out;
}

/** One sine gliding from `fromHz` to `toHz`. */
export function sweep(fromHz: number, toHz: number, ms: number, dbm0: number): Int16Array {
  const out = new Int16Array(Math.round((ms * RATE) / 1000));
  let phase = 0;
  for (let i = 0; i < out.length; i++) {
    phase += (2 * Math.PI * (fromHz + ((toHz - fromHz) * i) / out.length)) / RATE;
    out[i] = clip(peakOf(dbm0) * Math.sin(phase));
  }
  return out;
}

/** The samples as a phone would send and the detector hear them: through a G.711 encoder and decoder. */
export function g711RoundTrip(samples: Int16Array, encoding: G711Encoding): Int16Array {
  return encoding === 'PCMU' ? decodeMulaw(encodeMulaw(samples)) : decodeAlaw(encodeAlaw(samples));
}

export function g711Encode(samples: Int16Array, encoding: G711Encoding): Buffer {
  return encoding === 'PCMU' ? encodeMulaw(samples) : encodeAlaw(samples);
}

/** Calls `push(frame, nowMs)` for each 20 ms frame (160 samples; a short last one), from `startMs`. */
export function inFrames<T extends Uint8Array | Int16Array>(samples: T, push: (frame: T, nowMs: number) => void, startMs = 0, frame = 160): number {
  let nowMs = startMs;
  for (let at = 0; at < samples.length; at += frame) {
    nowMs += (frame * 1000) / RATE;
    push(samples.subarray(at, Math.min(samples.length, at + frame)) as T, nowMs);
  }
  return nowMs;
}

/** A listener pair that records what it hears. */
export function recorder(): { digits: DtmfDigitEvent[]; ends: DtmfDigitEnd[]; onDigit: (e: DtmfDigitEvent) => void; onDigitEnd: (e: DtmfDigitEnd) => void; keys: () => string } {
  const digits: DtmfDigitEvent[] = [];
  const ends: DtmfDigitEnd[] = [];
  return {
    digits,
    ends,
    onDigit: (e) => digits.push(e),
    onDigitEnd: (e) => ends.push(e),
    keys: () => digits.map((d) => d.digit).join(''),
  };
}

/** One telephone-event packet as a test describes it; `at` is its arrival in ms. */
export interface EventPacket {
  readonly timestamp: number;
  readonly sequence: number;
  readonly marker: boolean;
  readonly ssrc: number;
  readonly code: number;
  readonly end: boolean;
  /** In timestamp units. */
  readonly duration: number;
  readonly at: number;
}

export interface PressOptions {
  readonly timestamp: number;
  readonly sequence: number;
  readonly at: number;
  readonly durationMs: number;
  readonly ssrc?: number;
  /** Units per ms: 8 for telephone-event/8000. */
  readonly unitsPerMs?: number;
}

/**
 * One key press as RFC 4733 §2.5.1 senders send it: a first packet with the marker, an update every
 * 50 ms with the duration so far, then the final packet (E bit, full duration) three times, 20 ms apart.
 */
export function press(code: number, options: PressOptions): EventPacket[] {
  const { timestamp, at, durationMs } = options;
  const ssrc = options.ssrc ?? 0x5eed;
  const units = options.unitsPerMs ?? 8;
  let sequence = options.sequence;
  const packets: EventPacket[] = [];
  for (let t = 0; t < durationMs; t += 50) {
    packets.push({ timestamp, sequence: sequence++, marker: t === 0, ssrc, code, end: false, duration: Math.max(units * 20, t * units), at: at + t });
  }
  for (let r = 0; r < 3; r++) {
    packets.push({ timestamp, sequence: sequence++, marker: false, ssrc, code, end: true, duration: durationMs * units, at: at + durationMs + 20 * r });
  }
  return packets;
}

export function eventPayload(packet: Pick<EventPacket, 'code' | 'end' | 'duration'>): Buffer {
  return serializeTelephoneEvent({ event: packet.code, end: packet.end, volume: 10, duration: packet.duration });
}
