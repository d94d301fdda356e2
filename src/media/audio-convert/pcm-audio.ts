// Decoded audio as the converter passes it between its steps: one Float32Array per channel, samples in
// [-1, 1), and the rate; plus the two ends of the pipeline: mixing to mono and writing 8 kHz 16-bit WAV.

/** The relay's one format (media/player): 8 kHz, mono, 16-bit linear PCM in a RIFF/WAVE file. */
export const RELAY_SAMPLE_RATE = 8000;

export interface PcmAudio {
  readonly sampleRate: number;
  /** One array per channel, all the same length; full scale is 1.0. */
  readonly channels: readonly Float32Array[];
}

/** Why a decode failed: `unsupported` is audio this decoder cannot read (another tool may), `invalid` is not audio. */
export interface DecodeFailure {
  readonly kind: 'unsupported' | 'invalid';
  readonly message: string;
}

/** The channels averaged into one: averaging (not summing) so a full-scale stereo file cannot clip. */
export function mixToMono(audio: PcmAudio): Float32Array {
  const [first, ...rest] = audio.channels;
  if (first === undefined) return new Float32Array(0);
  if (rest.length === 0) return first;
  const out = new Float32Array(first.length);
  const scale = 1 / audio.channels.length;
  for (const channel of audio.channels) {
    for (let i = 0; i < out.length; i++) out[i] = (out[i] ?? 0) + (channel[i] ?? 0) * scale;
  }
  return out;
}

/** Samples in [-1, 1) to 16-bit, rounded and clipped (a resampler's overshoot on a full-scale square wave). */
export function toInt16(samples: Float32Array | Float64Array): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const value = Math.round((samples[i] ?? 0) * 32768);
    out[i] = value > 32767 ? 32767 : value < -32768 ? -32768 : value;
  }
  return out;
}

/** A canonical 44-byte-header WAV of 8 kHz mono 16-bit PCM, what media/player's parseWavSamples reads. */
export function relayWav(samples: Int16Array): Uint8Array<ArrayBuffer> {
  const dataBytes = samples.length * 2;
  const out = Buffer.alloc(44 + dataBytes);
  out.write('RIFF', 0, 'latin1');
  out.writeUInt32LE(36 + dataBytes, 4);
  out.write('WAVEfmt ', 8, 'latin1');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20); // WAVE_FORMAT_PCM
  out.writeUInt16LE(1, 22);
  out.writeUInt32LE(RELAY_SAMPLE_RATE, 24);
  out.writeUInt32LE(RELAY_SAMPLE_RATE * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'latin1');
  out.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < samples.length; i++) out.writeInt16LE(samples[i] ?? 0, 44 + 2 * i);
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}
