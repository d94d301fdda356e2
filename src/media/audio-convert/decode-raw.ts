// Decodes the headerless telephone formats a media file may be uploaded as, all 8 kHz mono by convention
// (Asterisk's file formats): .ulaw and .alaw (G.711 code words) and .sln (16-bit signed little-endian linear).
import { err, ok, type Result } from '../../shared/index.ts';
import { alawToLinear, mulawToLinear } from '../g711.ts';
import { RELAY_SAMPLE_RATE, type DecodeFailure, type PcmAudio } from './pcm-audio.ts';

export type RawFormat = 'ulaw' | 'alaw' | 'sln';

export function isRawFormat(format: string): format is RawFormat {
  return format === 'ulaw' || format === 'alaw' || format === 'sln';
}

export function decodeRaw(data: Uint8Array, format: RawFormat): Result<PcmAudio, DecodeFailure> {
  const count = format === 'sln' ? Math.floor(data.length / 2) : data.length;
  if (count === 0) return err({ kind: 'invalid', message: `the .${format} file holds no samples` });
  const out = new Float32Array(count);
  if (format === 'sln') {
    const view = new DataView(data.buffer, data.byteOffset, data.length);
    for (let i = 0; i < count; i++) out[i] = view.getInt16(2 * i, true) / 32768;
  } else {
    const decode = format === 'ulaw' ? mulawToLinear : alawToLinear;
    for (let i = 0; i < count; i++) out[i] = decode(data[i] ?? 0) / 32768;
  }
  return ok({ sampleRate: RELAY_SAMPLE_RATE, channels: [out] });
}
