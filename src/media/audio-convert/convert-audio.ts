// An upload of any supported format to the relay's format, in the calling thread: decode (ours for WAV and
// the raw G.711/linear files, WebAssembly for MP3 and Ogg Vorbis, sox for GSM and ADPCM), mix to mono,
// resample to 8 kHz through the anti-alias filter, write 16-bit WAV. AudioConverter runs it in a worker.
import { err, ok, type Result } from '../../shared/index.ts';
import { decodeMp3, decodeOgg } from './decode-compressed.ts';
import { decodeRaw, isRawFormat } from './decode-raw.ts';
import { decodeWav } from './decode-wav.ts';
import { decodeWithSox } from './decode-with-sox.ts';
import { RELAY_SAMPLE_RATE, mixToMono, relayWav, toInt16, type DecodeFailure, type PcmAudio } from './pcm-audio.ts';
import { resample } from './resample.ts';

export interface ConvertOptions {
  /** Longer audio is refused: a 1 MiB MP3 at 8 kbit/s is about 17 minutes. */
  readonly maxSeconds: number;
  /** The sox binary for GSM and ADPCM, or false to refuse those. */
  readonly soxPath: string | false;
  readonly soxTimeoutMs: number;
}

export const DEFAULT_CONVERT_OPTIONS: ConvertOptions = { maxSeconds: 30 * 60, soxPath: 'sox', soxTimeoutMs: 15_000 };

export interface ConvertedAudio {
  /** An 8 kHz mono 16-bit PCM WAV file. */
  readonly wav: Uint8Array<ArrayBuffer>;
  readonly sourceRate: number;
  readonly sourceChannels: number;
  readonly seconds: number;
}

/** `bytes` of `format` (a media file format: wav, mp3, ogg, gsm, ulaw, alaw, sln, g722) as the relay plays it. */
export async function convertToRelayWav(bytes: Uint8Array, format: string, options: ConvertOptions = DEFAULT_CONVERT_OPTIONS): Promise<Result<ConvertedAudio, string>> {
  let decoded: Result<PcmAudio, DecodeFailure>;
  try {
    decoded = await decode(bytes, format, options);
  } catch (error) {
    // The WebAssembly decoders throw on some broken streams; that is a bad upload, not a crash.
    decoded = err({ kind: 'invalid', message: `the ${format.toUpperCase()} data is broken (${error instanceof Error ? error.message : String(error)})` });
  }
  if (!decoded.ok) return err(decoded.error.message);
  const audio = decoded.value;
  const mono = mixToMono(audio);
  const samples = audio.sampleRate === RELAY_SAMPLE_RATE ? mono : resample(mono, audio.sampleRate, RELAY_SAMPLE_RATE);
  if (samples.length === 0) return err('the audio is shorter than one sample at 8 kHz');
  return ok({ wav: relayWav(toInt16(samples)), sourceRate: audio.sampleRate, sourceChannels: audio.channels.length, seconds: samples.length / RELAY_SAMPLE_RATE });
}

async function decode(bytes: Uint8Array, format: string, options: ConvertOptions): Promise<Result<PcmAudio, DecodeFailure>> {
  const sox = { soxPath: options.soxPath, timeoutMs: options.soxTimeoutMs, maxSeconds: options.maxSeconds };
  if (format === 'wav') {
    const wav = decodeWav(bytes, options.maxSeconds);
    if (wav.ok || wav.error.kind === 'invalid') return wav;
    return decodeWithSox(bytes, 'wav', wav.error.message, sox);
  }
  if (format === 'mp3') return decodeMp3(bytes, options.maxSeconds);
  if (format === 'ogg') return decodeOgg(bytes, options.maxSeconds);
  if (format === 'gsm') return decodeWithSox(bytes, 'gsm', 'GSM 06.10', sox);
  if (isRawFormat(format)) return decodeRaw(bytes, format);
  return err({ kind: 'unsupported', message: `${format === 'g722' ? 'G.722' : format} audio cannot be converted; upload WAV, MP3 or Ogg Vorbis` });
}
