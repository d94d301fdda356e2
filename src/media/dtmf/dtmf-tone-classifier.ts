// The ITU-T Q.23 tone pair in one analysis window of 8 kHz audio, found with the Goertzel algorithm
// and held to Q.24-style limits (level, twist, dominance, share of the energy). Windows are 102
// samples (12.75 ms) and start every 51: each 51-sample half is filtered once and two halves combine.
import type { DtmfDigit } from './dtmf-types.ts';

const SAMPLE_RATE = 8000;
/** Samples per half-window: the hop between two windows (6.375 ms). */
export const HALF_WINDOW = 51;
/**
 * Samples per window: 102 resolves the 73 Hz between adjacent Q.23 rows (the main lobe is 78 Hz
 * wide) while a 40 ms tone still fills four windows whatever its alignment.
 */
export const WINDOW = 2 * HALF_WINDOW;
const HALF = HALF_WINDOW;

/** Q.23: the low (row) group, then the high (column) group, in Hz. */
const FREQUENCIES = [697, 770, 852, 941, 1209, 1336, 1477, 1633];
/** The keypad by row * 4 + column: the index the classifier returns. */
export const KEYPAD_DIGITS: readonly DtmfDigit[] = ['1', '2', '3', 'A', '4', '5', '6', 'B', '7', '8', '9', 'C', '*', '0', '#', 'D'];

/**
 * The peak of a 0 dBm0 sine in 16-bit linear PCM. G.711 overloads at +3.14 dBm0 (A-law; μ-law at
 * +3.17, 0.03 dB apart), which is a full-scale sine.
 */
export const DBM0_PEAK = 32767 * 10 ** (-3.14 / 20);

export interface DtmfToneLimits {
  /** The weakest tone of a pair, in dBm0. */
  readonly minLevelDbm0: number;
  /** How much stronger the low (row) tone may be than the high one, in dB. */
  readonly normalTwistDb: number;
  /** How much stronger the high (column) tone may be than the low one, in dB. */
  readonly reverseTwistDb: number;
}

/**
 * Q.24 asks detectors to work down to about -25 dBm0 per tone with the twists below; -36 dBm0 keeps
 * a -25 dBm0 pair with 8 dB of twist 3 dB clear of the floor. The twists are the usual Q.24 / Bell
 * figures: lines lose more of the high group, so the low tone may lead by more.
 */
export const DEFAULT_TONE_LIMITS: DtmfToneLimits = { minLevelDbm0: -36, normalTwistDb: 8, reverseTwistDb: 4 };

/** The strongest row and column must each stand 8 dB above the others of their group. */
const RELATIVE_PEAK = 10 ** (8 / 10);
/**
 * The pair must hold 75 % of the window's energy. A clean pair holds all of it; a pair 1.5 % off
 * frequency (Q.24's acceptance limit) about 80 %; speech, noise and most music spread theirs; and a
 * window only partly filled with tone holds its filled share, which is what turns a 20 ms tone away.
 * Music can still hold a pair within about 3 % of a key (F5 + F#6 is '3' to 0.2 %): Q.24 only asks
 * for rejection beyond 3.5 %, and 0.8 would start rejecting pairs 1.5 % off.
 */
const ENERGY_SHARE = 0.75;

export class DtmfToneClassifier {
  // Per frequency: the Goertzel coefficient 2cos(w), cos(w), sin(w), and e^(-jwM) that moves the
  // second half's spectrum to the window's time origin.
  private readonly coefficient = new Float64Array(8);
  private readonly cos = new Float64Array(8);
  private readonly sin = new Float64Array(8);
  private readonly shiftCos = new Float64Array(8);
  private readonly shiftSin = new Float64Array(8);
  // Spectra of the previous and the current half, swapped each half.
  private previousRe = new Float64Array(8);
  private previousIm = new Float64Array(8);
  private currentRe = new Float64Array(8);
  private currentIm = new Float64Array(8);
  private readonly power = new Float64Array(8);
  private previousEnergy = 0;
  private previousQuiet = true;
  private readonly minPower: number;
  private readonly quietEnergy: number;
  private readonly normalTwist: number;
  private readonly reverseTwist: number;

  constructor(limits: Partial<DtmfToneLimits> = {}) {
    const { minLevelDbm0, normalTwistDb, reverseTwistDb } = { ...DEFAULT_TONE_LIMITS, ...limits };
    FREQUENCIES.forEach((hz, k) => {
      const w = (2 * Math.PI * hz) / SAMPLE_RATE;
      this.coefficient[k] = 2 * Math.cos(w);
      this.cos[k] = Math.cos(w);
      this.sin[k] = Math.sin(w);
      this.shiftCos[k] = Math.cos(w * HALF_WINDOW);
      this.shiftSin[k] = Math.sin(w * HALF_WINDOW);
    });
    const amplitude = DBM0_PEAK * 10 ** (minLevelDbm0 / 20);
    // A sine of amplitude A at a filter's frequency gives |X|^2 = (A * N / 2)^2 over N samples.
    this.minPower = ((amplitude * WINDOW) / 2) ** 2;
    // A half with under a quarter of the energy of a pair at the floor cannot hold the tone for the
    // 75 % of a window the energy share asks for: both windows it belongs to are no-tone, unfiltered.
    this.quietEnergy = (HALF_WINDOW * amplitude * amplitude) / 4;
    this.normalTwist = 10 ** (normalTwistDb / 10);
    this.reverseTwist = 10 ** (reverseTwistDb / 10);
  }

  /**
   * Takes the next HALF_WINDOW samples and returns the keypad index (KEYPAD_DIGITS) of the tone pair
   * in the window that ends with them, or -1 for none.
   */
  push(half: Float64Array): number {
    let energy = 0;
    for (let i = 0; i < HALF; i++) {
      const x = half[i] ?? 0;
      energy += x * x;
    }
    const quiet = energy < this.quietEnergy;
    const re = this.currentRe;
    const im = this.currentIm;
    if (!quiet) this.filter(half, re, im);
    const key = quiet || this.previousQuiet ? -1 : this.classify(energy + this.previousEnergy);
    this.currentRe = this.previousRe;
    this.currentIm = this.previousIm;
    this.previousRe = re;
    this.previousIm = im;
    this.previousEnergy = energy;
    this.previousQuiet = quiet;
    return key;
  }

  /**
   * The eight Goertzel filters over one half, side by side in one pass: each filter is a chain of
   * dependent multiply-adds, and eight chains interleaved ran twice as fast here as one after another.
   * Each output y = s1 - e^(-jw) s2 is the half's spectrum up to a phase common to all its samples,
   * which the window's power does not see.
   */
  private filter(half: Float64Array, re: Float64Array, im: Float64Array): void {
    const k = this.coefficient;
    const c0 = k[0] ?? 0, c1 = k[1] ?? 0, c2 = k[2] ?? 0, c3 = k[3] ?? 0;
    const c4 = k[4] ?? 0, c5 = k[5] ?? 0, c6 = k[6] ?? 0, c7 = k[7] ?? 0;
    let a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0; // s[n-1]
    let b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0, b7 = 0; // s[n-2]
    let t = 0;
    for (let i = 0; i < HALF; i++) {
      const x = half[i] ?? 0;
      t = x + c0 * a0 - b0; b0 = a0; a0 = t;
      t = x + c1 * a1 - b1; b1 = a1; a1 = t;
      t = x + c2 * a2 - b2; b2 = a2; a2 = t;
      t = x + c3 * a3 - b3; b3 = a3; a3 = t;
      t = x + c4 * a4 - b4; b4 = a4; a4 = t;
      t = x + c5 * a5 - b5; b5 = a5; a5 = t;
      t = x + c6 * a6 - b6; b6 = a6; a6 = t;
      t = x + c7 * a7 - b7; b7 = a7; a7 = t;
    }
    this.output(0, a0, b0, re, im);
    this.output(1, a1, b1, re, im);
    this.output(2, a2, b2, re, im);
    this.output(3, a3, b3, re, im);
    this.output(4, a4, b4, re, im);
    this.output(5, a5, b5, re, im);
    this.output(6, a6, b6, re, im);
    this.output(7, a7, b7, re, im);
  }

  private output(k: number, s1: number, s2: number, re: Float64Array, im: Float64Array): void {
    re[k] = s1 - (this.cos[k] ?? 0) * s2;
    im[k] = (this.sin[k] ?? 0) * s2;
  }

  /** Forgets the last half (after a gap in the audio, or a reset). */
  reset(): void {
    this.previousQuiet = true;
    this.previousEnergy = 0;
  }

  private classify(energy: number): number {
    const power = this.power;
    for (let k = 0; k < 8; k++) {
      // Window spectrum = first half + e^(-jwM) * second half.
      const c = this.shiftCos[k] ?? 0;
      const s = this.shiftSin[k] ?? 0;
      const re2 = this.currentRe[k] ?? 0;
      const im2 = this.currentIm[k] ?? 0;
      const re = (this.previousRe[k] ?? 0) + c * re2 + s * im2;
      const im = (this.previousIm[k] ?? 0) + c * im2 - s * re2;
      power[k] = re * re + im * im;
    }
    const row = strongest(power, 0);
    const column = strongest(power, 4);
    const rowPower = power[row] ?? 0;
    const columnPower = power[column] ?? 0;
    if (rowPower < this.minPower || columnPower < this.minPower) return -1;
    if (rowPower > columnPower * this.normalTwist || columnPower > rowPower * this.reverseTwist) return -1;
    for (let k = 0; k < 8; k++) {
      if (k === row || k === column) continue;
      if ((power[k] ?? 0) * RELATIVE_PEAK > (k < 4 ? rowPower : columnPower)) return -1;
    }
    // The pair's share of the energy: a sine's |X|^2 is N/2 times its energy over the window.
    if (rowPower + columnPower < ENERGY_SHARE * (WINDOW / 2) * energy) return -1;
    return row * 4 + (column - 4);
  }
}

function strongest(power: Float64Array, from: number): number {
  let best = from;
  for (let k = from + 1; k < from + 4; k++) if ((power[k] ?? 0) > (power[best] ?? 0)) best = k;
  return best;
}
