// Known tones for test phones to play, and a check of which tone a recording holds.
// Tones are made with sox (an independent generator for the analysis below); the analysis decodes the WAV in
// TypeScript and runs a Goertzel filter per 50 ms frame, so it needs nothing installed and tolerates what a
// G.711 call does to audio: silence before and after, quantisation noise, clipping, a few lost packets.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** The sox binary, or undefined when it is not installed (tests then skip with a message). */
export const SOX: string | undefined = ((): string | undefined => {
  const found = spawnSync('sh', ['-c', 'command -v sox'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() || undefined : undefined;
})();

export function skipWithoutSox(what: string): string | false {
  return SOX === undefined ? `sox is not installed (apt-get install sox): ${what} skipped` : false;
}

/** Runs sox with `args`, bounded; throws with sox's output when it fails. */
export function sox(args: readonly string[], timeoutMs = 20_000): void {
  if (SOX === undefined) throw new Error('sox is not installed (apt-get install sox)');
  const result = spawnSync(SOX, args, { encoding: 'utf8', timeout: timeoutMs });
  if (result.status !== 0) throw new Error(`sox ${args.join(' ')} failed (status ${result.status}): ${result.stderr || result.error?.message || ''}`.trim());
}

export interface ToneOptions {
  readonly frequencyHz: number;
  /** Length of the tone. */
  readonly seconds: number;
  /** Silence before the tone. Default 0. */
  readonly leadSeconds?: number;
  /**
   * Silence after the tone. Default 60: baresip's aufile hangs up the call when its file ends, so a phone's
   * file must outlast the call (a generous tone length plus this pad).
   */
  readonly padSeconds?: number;
  /** Peak amplitude, 0..1 of full scale. Default 0.5 (-6 dBFS: no clipping through G.711). */
  readonly amplitude?: number;
}

/** Writes an 8 kHz mono 16-bit PCM WAV (what PCMU/PCMA calls carry): silence, a sine tone, silence. */
export function writeToneWav(path: string, options: ToneOptions): void {
  const { frequencyHz, seconds } = options;
  if (!(frequencyHz > 0 && frequencyHz < 4000)) throw new Error(`writeToneWav: ${frequencyHz} Hz does not fit 8 kHz sampling`);
  if (!(seconds > 0)) throw new Error(`writeToneWav: tone length ${seconds} s`);
  const amplitude = options.amplitude ?? 0.5;
  // -D: no dither; `-r` before `-n` makes synth run at 8 kHz (after it, sox resamples and rings around the tone).
  sox(['-D', '-r', '8000', '-n', '-c', '1', '-b', '16', '-e', 'signed-integer', path, 'synth', String(seconds), 'sine', String(frequencyHz), 'vol', String(amplitude), 'pad', String(options.leadSeconds ?? 0), String(options.padSeconds ?? 60)]);
}

export interface Pcm {
  readonly sampleRate: number;
  /** The first channel, scaled to -1..1. */
  readonly samples: Float64Array;
}

const ULAW_BIAS = 0x84;
function ulawToLinear(byte: number): number {
  const u = ~byte & 0xff;
  const magnitude = ((((u & 0x0f) << 3) + ULAW_BIAS) << ((u & 0x70) >> 4)) - ULAW_BIAS;
  return (u & 0x80 ? -magnitude : magnitude) / 32768;
}
function alawToLinear(byte: number): number {
  const a = byte ^ 0x55;
  const exponent = (a & 0x70) >> 4;
  let magnitude = (a & 0x0f) << 4;
  magnitude = exponent === 0 ? magnitude + 8 : (magnitude + 0x108) << (exponent - 1);
  return (a & 0x80 ? magnitude : -magnitude) / 32768;
}

/**
 * Decodes a WAV file: PCM 8/16/24/32-bit, float 32-bit, A-law or µ-law, any channel count (the first is kept).
 * A data chunk whose size says 0 or runs past the end (a recorder that has not closed its file yet) is read to the end.
 */
export function readWav(path: string): Pcm {
  const file = readFileSync(path);
  if (file.length < 12 || file.toString('latin1', 0, 4) !== 'RIFF' || file.toString('latin1', 8, 12) !== 'WAVE') throw new Error(`${path}: not a RIFF/WAVE file`);
  let format: { tag: number; channels: number; rate: number; bits: number } | undefined;
  let offset = 12;
  while (offset + 8 <= file.length) {
    const id = file.toString('latin1', offset, offset + 4);
    const size = file.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      let tag = file.readUInt16LE(body);
      // WAVE_FORMAT_EXTENSIBLE: the real format is the first two bytes of the sub-format GUID.
      if (tag === 0xfffe && size >= 26) tag = file.readUInt16LE(body + 24);
      format = { tag, channels: file.readUInt16LE(body + 2), rate: file.readUInt32LE(body + 4), bits: file.readUInt16LE(body + 14) };
    } else if (id === 'data') {
      if (format === undefined) throw new Error(`${path}: data chunk before fmt chunk`);
      const end = size === 0 || body + size > file.length ? file.length : body + size;
      return { sampleRate: format.rate, samples: decode(path, file.subarray(body, end), format) };
    }
    offset = body + size + (size % 2);
  }
  throw new Error(`${path}: no data chunk`);
}

function decode(path: string, data: Buffer, format: { tag: number; channels: number; bits: number }): Float64Array {
  const width = format.bits / 8;
  const frame = width * Math.max(1, format.channels);
  const count = Math.floor(data.length / frame);
  const out = new Float64Array(count);
  const read = ((): ((at: number) => number) => {
    if (format.tag === 1 && format.bits === 16) return (at) => data.readInt16LE(at) / 32768;
    if (format.tag === 1 && format.bits === 8) return (at) => (data.readUInt8(at) - 128) / 128;
    if (format.tag === 1 && format.bits === 24) return (at) => data.readIntLE(at, 3) / 8388608;
    if (format.tag === 1 && format.bits === 32) return (at) => data.readInt32LE(at) / 2147483648;
    if (format.tag === 3 && format.bits === 32) return (at) => data.readFloatLE(at);
    if (format.tag === 6 && format.bits === 8) return (at) => alawToLinear(data.readUInt8(at));
    if (format.tag === 7 && format.bits === 8) return (at) => ulawToLinear(data.readUInt8(at));
    throw new Error(`${path}: unsupported WAV format tag ${format.tag} with ${format.bits} bits`);
  })();
  for (let i = 0; i < count; i++) out[i] = read(i * frame);
  return out;
}

/** Power of `frequencyHz` in the (windowed) frame: |DTFT|² at that exact frequency, by the Goertzel recurrence. */
function goertzel(frame: Float64Array, sampleRate: number, frequencyHz: number): number {
  const coefficient = 2 * Math.cos((2 * Math.PI * frequencyHz) / sampleRate);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < frame.length; i++) {
    const s0 = (frame[i] ?? 0) + coefficient * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return Math.max(0, s1 * s1 + s2 * s2 - coefficient * s1 * s2);
}

export interface AnalysisOptions {
  /** Frame length for the analysis. Default 50 ms (20 Hz resolution at any rate). */
  readonly frameMs?: number;
  /** Frames quieter than this (RMS, dB relative to full scale) count as silence. Default -45. */
  readonly silenceDbfs?: number;
}

interface Frames {
  readonly sampleRate: number;
  readonly totalSeconds: number;
  readonly frameSeconds: number;
  /** Hann-windowed frames above the silence threshold, with their mean square (unwindowed). */
  readonly voiced: ReadonlyArray<{ readonly windowed: Float64Array; readonly power: number }>;
  /** Sum of the window (to turn |X|² into a sine's amplitude). */
  readonly windowSum: number;
}

function framesOf(path: string, options: AnalysisOptions): Frames {
  const { sampleRate, samples } = readWav(path);
  const length = Math.max(16, Math.round((sampleRate * (options.frameMs ?? 50)) / 1000));
  const threshold = 10 ** ((options.silenceDbfs ?? -45) / 10);
  const window = new Float64Array(length);
  let windowSum = 0;
  for (let i = 0; i < length; i++) {
    window[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (length - 1));
    windowSum += window[i] ?? 0;
  }
  const voiced: Array<{ windowed: Float64Array; power: number }> = [];
  for (let start = 0; start + length <= samples.length; start += length) {
    let sum = 0;
    const windowed = new Float64Array(length);
    for (let i = 0; i < length; i++) {
      const x = samples[start + i] ?? 0;
      sum += x * x;
      windowed[i] = x * (window[i] ?? 0);
    }
    const power = sum / length;
    if (power >= threshold) voiced.push({ windowed, power });
  }
  return { sampleRate, totalSeconds: samples.length / sampleRate, frameSeconds: length / sampleRate, voiced, windowSum };
}

/** A sine of amplitude A gives |X|² = (A·Σw/2)²; its power is A²/2. */
function tonePower(frames: Frames, windowed: Float64Array, frequencyHz: number): number {
  const amplitude = (2 * Math.sqrt(goertzel(windowed, frames.sampleRate, frequencyHz))) / frames.windowSum;
  return (amplitude * amplitude) / 2;
}

export interface ToneLevel {
  readonly frequencyHz: number;
  /** Share of the non-silent audio's power at this frequency, 0..1 (a clean tone ≈ 1, another tone ≈ 0). */
  readonly ratio: number;
  /** The tone's level over the non-silent frames, dB relative to a full-scale sine (-Infinity when none). */
  readonly dbfs: number;
  /** How long the tone dominates (more than half of a frame's power). */
  readonly toneSeconds: number;
  /** How long the recording is not silent. */
  readonly voicedSeconds: number;
  readonly totalSeconds: number;
}

/** How much of `frequencyHz` the recording holds, over its non-silent 50 ms frames. */
export function toneLevel(wavPath: string, frequencyHz: number, options: AnalysisOptions = {}): ToneLevel {
  return levelIn(framesOf(wavPath, options), frequencyHz);
}

function levelIn(frames: Frames, frequencyHz: number): ToneLevel {
  let total = 0;
  let tone = 0;
  let toneFrames = 0;
  for (const frame of frames.voiced) {
    const power = Math.min(frame.power, tonePower(frames, frame.windowed, frequencyHz));
    total += frame.power;
    tone += power;
    if (power > frame.power / 2) toneFrames++;
  }
  const voicedCount = frames.voiced.length;
  return {
    frequencyHz,
    ratio: total === 0 ? 0 : tone / total,
    dbfs: voicedCount === 0 || tone === 0 ? -Infinity : 10 * Math.log10(tone / voicedCount / 0.5),
    toneSeconds: toneFrames * frames.frameSeconds,
    voicedSeconds: voicedCount * frames.frameSeconds,
    totalSeconds: frames.totalSeconds,
  };
}

/**
 * The strongest frequency over the non-silent frames (averaged spectrum, 10 Hz steps between minHz and maxHz,
 * then refined to 1 Hz), or undefined when the recording is silent throughout.
 */
export function dominantFrequency(wavPath: string, options: AnalysisOptions & { minHz?: number; maxHz?: number } = {}): number | undefined {
  return dominantIn(framesOf(wavPath, options), options.minHz ?? 100, options.maxHz);
}

function dominantIn(frames: Frames, minHz: number, maxHzOption: number | undefined): number | undefined {
  if (frames.voiced.length === 0) return undefined;
  const maxHz = Math.min(maxHzOption ?? Infinity, frames.sampleRate / 2 - 50);
  // At most ~4 s of frames spread over the recording: plenty for a steady tone, and quick.
  const step = Math.max(1, Math.floor(frames.voiced.length / 80));
  const picked = frames.voiced.filter((_, index) => index % step === 0);
  const spectrum = (frequencyHz: number): number => picked.reduce((sum, frame) => sum + goertzel(frame.windowed, frames.sampleRate, frequencyHz), 0);
  let best = minHz;
  let bestPower = -1;
  for (let f = minHz; f <= maxHz; f += 10) {
    const power = spectrum(f);
    if (power > bestPower) [best, bestPower] = [f, power];
  }
  for (let f = best - 9; f <= best + 9; f++) {
    const power = spectrum(f);
    if (power > bestPower) [best, bestPower] = [f, power];
  }
  return best;
}

/** One line for assertion messages: length, non-silent time, dominant frequency and the level of each tone asked. */
export function describeAudio(wavPath: string, frequenciesHz: readonly number[] = [], options: AnalysisOptions = {}): string {
  let frames: Frames;
  try {
    frames = framesOf(wavPath, options);
  } catch (error) {
    return `${wavPath}: ${error instanceof Error ? error.message : String(error)}`;
  }
  const dominant = dominantIn(frames, 100, undefined);
  const levels = frequenciesHz.map((f) => {
    const level = levelIn(frames, f);
    return `${f} Hz: ${(level.ratio * 100).toFixed(1)}% for ${level.toneSeconds.toFixed(2)} s`;
  });
  return [`${wavPath}: ${frames.totalSeconds.toFixed(2)} s, ${(frames.voiced.length * frames.frameSeconds).toFixed(2)} s not silent`, `dominant ${dominant === undefined ? 'none' : `${dominant} Hz`}`, ...levels].join(', ');
}

export interface ToneExpectation extends AnalysisOptions {
  /** The tone must dominate at least this long. Default 1 s. */
  readonly minSeconds?: number;
  /** ...and carry at least this share of the non-silent power. Default 0.5. */
  readonly minRatio?: number;
  /** Tones that must not be there (below 10% of the power and dominating nowhere longer than 0.2 s), e.g. the phone's own. */
  readonly absentHz?: readonly number[];
}

/** Throws, describing the recording, unless it holds `frequencyHz` as expected (and none of `absentHz`). */
export function assertTone(wavPath: string, frequencyHz: number, expectation: ToneExpectation = {}): ToneLevel {
  const frames = framesOf(wavPath, expectation);
  const level = levelIn(frames, frequencyHz);
  const minSeconds = expectation.minSeconds ?? 1;
  const minRatio = expectation.minRatio ?? 0.5;
  const problems: string[] = [];
  if (level.toneSeconds < minSeconds) problems.push(`${frequencyHz} Hz dominates ${level.toneSeconds.toFixed(2)} s < ${minSeconds} s`);
  if (level.ratio < minRatio) problems.push(`${frequencyHz} Hz carries ${(level.ratio * 100).toFixed(1)}% < ${minRatio * 100}% of the power`);
  for (const absent of expectation.absentHz ?? []) {
    const other = levelIn(frames, absent);
    if (other.ratio >= 0.1 || other.toneSeconds > 0.2) problems.push(`${absent} Hz should be absent but carries ${(other.ratio * 100).toFixed(1)}% for ${other.toneSeconds.toFixed(2)} s`);
  }
  if (problems.length > 0) throw new Error(`${problems.join('; ')} (${describeAudio(wavPath, [frequencyHz, ...(expectation.absentHz ?? [])], expectation)})`);
  return level;
}
