// Test audio: WAV files of any layout this converter reads, written from a signal function, and a Goertzel
// measure of one frequency's level, so tests state what they hear in dB rather than compare bytes.
import { linearToAlaw, linearToMulaw } from '../g711.ts';

export type WavEncoding = 'pcm8' | 'pcm16' | 'pcm24' | 'pcm32' | 'float32' | 'float64' | 'alaw' | 'mulaw';

export interface WavSpec {
  readonly rate: number;
  readonly channels: number;
  readonly seconds: number;
  readonly encoding?: WavEncoding;
  /** Write WAVE_FORMAT_EXTENSIBLE with the format in the sub-format GUID. */
  readonly extensible?: boolean;
  /** The signal, full scale 1.0, at time t (s) on channel c. */
  readonly signal: (t: number, channel: number) => number;
}

const LAYOUT: Readonly<Record<WavEncoding, { tag: number; bits: number }>> = {
  pcm8: { tag: 1, bits: 8 },
  pcm16: { tag: 1, bits: 16 },
  pcm24: { tag: 1, bits: 24 },
  pcm32: { tag: 1, bits: 32 },
  float32: { tag: 3, bits: 32 },
  float64: { tag: 3, bits: 64 },
  alaw: { tag: 6, bits: 8 },
  mulaw: { tag: 7, bits: 8 },
};

export function makeWav(spec: WavSpec): Uint8Array {
  const encoding = spec.encoding ?? 'pcm16';
  const { tag, bits } = LAYOUT[encoding];
  const width = bits / 8;
  const frames = Math.round(spec.seconds * spec.rate);
  const data = Buffer.alloc(frames * spec.channels * width);
  for (let f = 0; f < frames; f++) {
    for (let c = 0; c < spec.channels; c++) {
      const value = Math.max(-1, Math.min(1, spec.signal(f / spec.rate, c)));
      const at = (f * spec.channels + c) * width;
      const int16 = Math.max(-32768, Math.min(32767, Math.round(value * 32768)));
      if (encoding === 'pcm8') data[at] = Math.max(0, Math.min(255, Math.round(value * 128) + 128));
      else if (encoding === 'pcm16') data.writeInt16LE(int16, at);
      else if (encoding === 'pcm24') data.writeIntLE(Math.max(-8388608, Math.min(8388607, Math.round(value * 8388608))), at, 3);
      else if (encoding === 'pcm32') data.writeInt32LE(Math.max(-2147483648, Math.min(2147483647, Math.round(value * 2147483648))), at);
      else if (encoding === 'float32') data.writeFloatLE(value, at);
      else if (encoding === 'float64') data.writeDoubleLE(value, at);
      else data[at] = encoding === 'alaw' ? linearToAlaw(int16) : linearToMulaw(int16);
    }
  }
  const fmtSize = spec.extensible === true ? 40 : 16;
  const fmt = Buffer.alloc(8 + fmtSize);
  fmt.write('fmt ', 0, 'latin1');
  fmt.writeUInt32LE(fmtSize, 4);
  fmt.writeUInt16LE(spec.extensible === true ? 0xfffe : tag, 8);
  fmt.writeUInt16LE(spec.channels, 10);
  fmt.writeUInt32LE(spec.rate, 12);
  fmt.writeUInt32LE(spec.rate * spec.channels * width, 16);
  fmt.writeUInt16LE(spec.channels * width, 20);
  fmt.writeUInt16LE(bits, 22);
  if (spec.extensible === true) {
    fmt.writeUInt16LE(22, 24);
    fmt.writeUInt16LE(bits, 26);
    fmt.writeUInt16LE(tag, 32); // the GUID's first two bytes; the rest of KSDATAFORMAT_SUBTYPE does not matter here
  }
  // A LIST chunk before the data, as real editors write, so the decoder has to walk chunks.
  const list = Buffer.from('LIST\x04\x00\x00\x00INFO', 'latin1');
  const dataHeader = Buffer.alloc(8);
  dataHeader.write('data', 0, 'latin1');
  dataHeader.writeUInt32LE(data.length, 4);
  const riff = Buffer.alloc(12);
  riff.write('RIFF', 0, 'latin1');
  riff.writeUInt32LE(4 + fmt.length + list.length + 8 + data.length, 4);
  riff.write('WAVE', 8, 'latin1');
  return new Uint8Array(Buffer.concat([riff, fmt, list, dataHeader, data]));
}

/** The samples of an 8 kHz mono 16-bit WAV with the canonical 44-byte header, as floats. */
export function relaySamples(wav: Uint8Array): Float64Array {
  const view = Buffer.from(wav.buffer, wav.byteOffset, wav.length);
  const count = (view.length - 44) / 2;
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = view.readInt16LE(44 + 2 * i) / 32768;
  return out;
}

/**
 * The amplitude (full scale 1.0) of `frequency` in `samples`, by the Goertzel algorithm over a Hann-windowed
 * span, so a strong tone nearby does not leak into the bin that is measured.
 */
export function goertzelAmplitude(samples: ArrayLike<number>, rate: number, frequency: number, from = 0, to = samples.length): number {
  const n = to - from;
  const coefficient = 2 * Math.cos((2 * Math.PI * frequency) / rate);
  let s1 = 0;
  let s2 = 0;
  let windowSum = 0;
  for (let i = 0; i < n; i++) {
    const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1));
    windowSum += w;
    const s0 = (samples[from + i] ?? 0) * w + coefficient * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - coefficient * s1 * s2;
  return (2 * Math.sqrt(Math.max(0, power))) / windowSum;
}

export const decibels = (ratio: number) => 20 * Math.log10(ratio);
