// Sample-rate conversion by a Kaiser-windowed sinc low-pass applied as a polyphase filter: each output sample
// is the input convolved with the filter evaluated at the output's exact position between input samples.
// The low-pass runs before decimation, so what lies above the new Nyquist frequency is removed instead of
// folding back into the band (naive sample dropping would turn a 6 kHz tone into a 2 kHz one at 8 kHz).

export interface ResamplerDesign {
  /** Where the passband ends, as a fraction of the lower of the two Nyquist frequencies (0.85 keeps 3.4 kHz at 8 kHz). */
  readonly passband: number;
  /** Stopband attenuation in dB; the Kaiser window's beta and the filter's length follow from it. */
  readonly attenuationDb: number;
}

/** 80 dB is below 16-bit's useful floor on a telephone line; passband 0-3.4 kHz, stopband from 4 kHz at 8 kHz. */
export const DEFAULT_RESAMPLER: ResamplerDesign = { passband: 0.85, attenuationDb: 80 };

/**
 * Phase tables larger than this are interpolated linearly between neighbouring phases (the error shrinks with
 * the square of the spacing: still past 80 dB). Common rates to 8 kHz have few phases (44.1 kHz: 80,
 * 22.05 kHz: 160, 11.025 kHz: 320, 48 kHz: 1); only odd rates such as 44 099 Hz reach the cap.
 */
const MAX_PHASES = 512;

/** `input` at `fromRate` as `toRate`; a rate that does not change returns a copy of the input. */
export function resample(input: Float32Array, fromRate: number, toRate: number, design: ResamplerDesign = DEFAULT_RESAMPLER): Float32Array {
  if (fromRate === toRate) return input.slice();
  const divisor = gcd(fromRate, toRate);
  const up = toRate / divisor; // output position n lies at n * down / up input samples
  const down = fromRate / divisor;
  const filter = designFilter(fromRate, toRate, design, Math.min(up, MAX_PHASES));
  const { half, taps, phases, table } = filter;
  const outLength = Math.floor((input.length * up) / down);
  const out = new Float32Array(outLength);
  const exact = phases === up;
  for (let n = 0; n < outLength; n++) {
    // Integer arithmetic for the position, so long files do not drift.
    const position = n * down;
    const index = Math.floor(position / up);
    const remainder = position - index * up;
    const first = index - half + 1;
    let sum: number;
    if (exact) {
      sum = convolve(input, first, table, remainder * taps, taps);
    } else {
      const where = (remainder / up) * phases;
      const phase = Math.floor(where);
      const weight = where - phase;
      sum = (1 - weight) * convolve(input, first, table, phase * taps, taps) + weight * convolve(input, first, table, (phase + 1) * taps, taps);
    }
    out[n] = sum;
  }
  return out;
}

/** One output sample: input from `first` on against one phase of the table; samples outside the input count as 0. */
function convolve(input: Float32Array, first: number, table: Float64Array, row: number, taps: number): number {
  let sum = 0;
  const from = Math.max(0, -first);
  const to = Math.min(taps, input.length - first);
  for (let j = from; j < to; j++) sum += (input[first + j] as number) * (table[row + j] as number);
  return sum;
}

export interface PolyphaseFilter {
  /** Taps on each side of the output position, in input samples. */
  readonly half: number;
  readonly taps: number;
  readonly phases: number;
  /** `phases + 1` rows of `taps` coefficients (the extra row is phase 1.0, for interpolation). */
  readonly table: Float64Array;
  readonly cutoffHz: number;
}

/** The filter for one conversion: cut-off midway through the transition band, length from Kaiser's formula. */
export function designFilter(fromRate: number, toRate: number, design: ResamplerDesign, phases: number): PolyphaseFilter {
  const nyquist = Math.min(fromRate, toRate) / 2;
  const passHz = nyquist * design.passband;
  const cutoffHz = (passHz + nyquist) / 2;
  // Kaiser (1974): beta for the attenuation, and the length for a transition of (nyquist - passHz).
  const a = design.attenuationDb;
  const beta = a > 50 ? 0.1102 * (a - 8.7) : a >= 21 ? 0.5842 * (a - 21) ** 0.4 + 0.07886 * (a - 21) : 0;
  const transition = (2 * Math.PI * (nyquist - passHz)) / fromRate;
  const length = Math.ceil((a - 8) / (2.285 * transition)) + 1;
  const half = Math.max(2, Math.ceil(length / 2));
  const taps = 2 * half;
  const table = new Float64Array((phases + 1) * taps);
  const scale = (2 * cutoffHz) / fromRate;
  const norm = besselI0(beta);
  for (let p = 0; p <= phases; p++) {
    const fraction = p / phases;
    let sum = 0;
    for (let j = 0; j < taps; j++) {
      // Distance in input samples from tap j to the output position (index + fraction).
      const tau = fraction + half - 1 - j;
      const ratio = tau / half;
      const window = Math.abs(ratio) >= 1 ? 0 : besselI0(beta * Math.sqrt(1 - ratio * ratio)) / norm;
      const value = scale * sinc(scale * tau) * window;
      table[p * taps + j] = value;
      sum += value;
    }
    // Each phase passes DC at exactly unity gain, so silence stays silence and levels do not ripple by phase.
    for (let j = 0; j < taps; j++) table[p * taps + j] = (table[p * taps + j] as number) / sum;
  }
  return { half, taps, phases, table, cutoffHz };
}

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = Math.PI * x;
  return Math.sin(px) / px;
}

/** The zeroth-order modified Bessel function of the first kind, by its power series (converges fast for beta < 20). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const quarter = (x * x) / 4;
  for (let k = 1; k < 64; k++) {
    term *= quarter / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
