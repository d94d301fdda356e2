// Decodes a RIFF/WAVE file of any rate and channel count: integer PCM of 8 (unsigned), 16, 24 and 32 bits,
// IEEE float of 32 and 64 bits, and G.711 A-law and μ-law, plain or in WAVE_FORMAT_EXTENSIBLE. Compressed
// codecs (ADPCM, GSM 6.10, MP3-in-WAV) come back as `unsupported` so the caller can hand them to sox.
import { err, ok, type Result } from '../../shared/index.ts';
import { alawToLinear, mulawToLinear } from '../g711.ts';
import type { DecodeFailure, PcmAudio } from './pcm-audio.ts';

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_IEEE_FLOAT = 3;
const WAVE_FORMAT_ALAW = 6;
const WAVE_FORMAT_MULAW = 7;
/** The real format is the first two bytes of the sub-format GUID, 24 bytes into the fmt chunk. */
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
const FORMAT_NAMES: Readonly<Record<number, string>> = {
  1: 'PCM',
  2: 'Microsoft ADPCM',
  3: 'float',
  0x11: 'IMA ADPCM',
  0x31: 'GSM 6.10',
  0x50: 'MPEG',
  0x55: 'MP3',
  0x64: 'G.721 ADPCM',
  0x65: 'G.723 ADPCM',
};
/** Rates outside this are not telephone or music audio; refusing them keeps a forged header from sizing buffers. */
const MIN_RATE = 1000;
const MAX_RATE = 768_000;
const MAX_CHANNELS = 32;

interface WavFormat {
  readonly tag: number;
  readonly channels: number;
  readonly rate: number;
  readonly bits: number;
}

const invalid = (message: string) => err<DecodeFailure>({ kind: 'invalid', message });

/** The audio of a WAV file held in memory, every channel kept (mixing is the caller's choice). */
export function decodeWav(data: Uint8Array, maxSeconds = Number.POSITIVE_INFINITY): Result<PcmAudio, DecodeFailure> {
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.length);
  if (bytes.length < 12 || bytes.toString('latin1', 0, 4) !== 'RIFF' || bytes.toString('latin1', 8, 12) !== 'WAVE') return invalid('not a RIFF/WAVE file');
  let format: WavFormat | undefined;
  let at = 12;
  // Chunks are walked, not assumed at fixed offsets: LIST, fact and bext chunks sit between fmt and data in real files.
  while (at + 8 <= bytes.length) {
    const id = bytes.toString('latin1', at, at + 4);
    const size = bytes.readUInt32LE(at + 4);
    const body = at + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > bytes.length) return invalid('the WAV fmt chunk is truncated');
      let tag = bytes.readUInt16LE(body);
      if (tag === WAVE_FORMAT_EXTENSIBLE) {
        if (size < 40 || body + 26 > bytes.length) return invalid('the WAV extensible fmt chunk is truncated');
        tag = bytes.readUInt16LE(body + 24);
      }
      format = { tag, channels: bytes.readUInt16LE(body + 2), rate: bytes.readUInt32LE(body + 4), bits: bytes.readUInt16LE(body + 14) };
    } else if (id === 'data') {
      if (format === undefined) return invalid('the WAV data chunk comes before its fmt chunk');
      // A streamed writer (sox to a pipe) leaves the size 0 or too large: read what is there.
      const end = size === 0 || body + size > bytes.length ? bytes.length : body + size;
      return decodeSamples(bytes.subarray(body, end), format, maxSeconds);
    }
    // RIFF pads chunks to an even length.
    at = body + size + (size % 2);
  }
  return invalid(format === undefined ? 'the WAV file has no fmt chunk' : 'the WAV file has no data chunk');
}

function decodeSamples(data: Buffer, format: WavFormat, maxSeconds: number): Result<PcmAudio, DecodeFailure> {
  const { tag, channels, rate, bits } = format;
  const read = sampleReader(tag, bits);
  if (read === undefined) {
    const name = FORMAT_NAMES[tag] ?? `format tag ${tag}`;
    return err({ kind: 'unsupported', message: `${name}${tag === WAVE_FORMAT_PCM || tag === WAVE_FORMAT_IEEE_FLOAT ? ` at ${bits} bits` : ''} in WAV` });
  }
  if (channels < 1 || channels > MAX_CHANNELS) return invalid(`the WAV header says ${channels} channels`);
  if (rate < MIN_RATE || rate > MAX_RATE) return invalid(`the WAV header says ${rate} Hz`);
  const width = bits / 8;
  const frames = Math.floor(data.length / (width * channels));
  if (frames === 0) return invalid('the WAV file holds no samples');
  if (frames / rate > maxSeconds) return invalid(`${Math.round(frames / rate)} s of audio is over the limit of ${maxSeconds} s`);
  const out = Array.from({ length: channels }, () => new Float32Array(frames));
  for (let frame = 0; frame < frames; frame++) {
    const base = frame * width * channels;
    for (let c = 0; c < channels; c++) (out[c] as Float32Array)[frame] = read(data, base + c * width);
  }
  return ok({ sampleRate: rate, channels: out });
}

type SampleReader = (data: Buffer, offset: number) => number;

/** How one sample of this format is read as a float of full scale 1.0; undefined when this decoder has none. */
function sampleReader(tag: number, bits: number): SampleReader | undefined {
  if (tag === WAVE_FORMAT_PCM) {
    // 8-bit WAV is unsigned with 128 as zero (the RIFF spec); wider samples are signed little-endian.
    if (bits === 8) return (d, o) => ((d[o] ?? 128) - 128) / 128;
    if (bits === 16) return (d, o) => d.readInt16LE(o) / 32768;
    if (bits === 24) return (d, o) => d.readIntLE(o, 3) / 8388608;
    if (bits === 32) return (d, o) => d.readInt32LE(o) / 2147483648;
  }
  if (tag === WAVE_FORMAT_IEEE_FLOAT) {
    if (bits === 32) return (d, o) => clampFloat(d.readFloatLE(o));
    if (bits === 64) return (d, o) => clampFloat(d.readDoubleLE(o));
  }
  if (tag === WAVE_FORMAT_ALAW && bits === 8) return (d, o) => alawToLinear(d[o] ?? 0) / 32768;
  if (tag === WAVE_FORMAT_MULAW && bits === 8) return (d, o) => mulawToLinear(d[o] ?? 0) / 32768;
  return undefined;
}

/** Float WAVs may exceed full scale (or hold NaN from a broken writer); the rest of the chain expects [-1, 1]. */
function clampFloat(value: number): number {
  if (Number.isNaN(value)) return 0;
  return value > 1 ? 1 : value < -1 ? -1 : value;
}
