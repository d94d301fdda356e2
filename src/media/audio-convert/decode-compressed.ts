// Decodes MP3 (MPEG-1/2/2.5 layers I-III) and Ogg Vorbis with eshaz's WebAssembly builds of libmpg123 and
// libvorbis (npm mpg123-decoder, @wasm-audio-decoders/ogg-vorbis): no native build, no system package, Node 20.
// Ogg Opus and FLAC are named in the refusal rather than decoded, to keep the dependencies small. Each decoder
// is loaded on first use, so a worker that only ever sees WAV does not compile either.
import { err, ok, type Result } from '../../shared/index.ts';
import type { DecodeFailure, PcmAudio } from './pcm-audio.ts';

interface Decoded {
  readonly channelData: Float32Array[];
  readonly samplesDecoded: number;
  readonly sampleRate: number;
}

export async function decodeMp3(data: Uint8Array, maxSeconds: number): Promise<Result<PcmAudio, DecodeFailure>> {
  const { MPEGDecoder } = await import('mpg123-decoder');
  const decoder = new MPEGDecoder();
  await decoder.ready;
  try {
    return checked(decoder.decode(data), 'MPEG audio', maxSeconds);
  } finally {
    decoder.free();
  }
}

export async function decodeOgg(data: Uint8Array, maxSeconds: number): Promise<Result<PcmAudio, DecodeFailure>> {
  const codec = oggCodec(data);
  if (codec !== 'vorbis') return err({ kind: 'unsupported', message: codec === undefined ? 'the Ogg file holds no Vorbis stream' : `Ogg ${codec} is not supported` });
  const { OggVorbisDecoder } = await import('@wasm-audio-decoders/ogg-vorbis');
  const decoder = new OggVorbisDecoder();
  await decoder.ready;
  try {
    return checked(await decoder.decodeFile(data), 'Vorbis audio', maxSeconds);
  } finally {
    decoder.free();
  }
}

/** The codec of an Ogg stream from its first packet's magic (Vorbis I §4.2.1, RFC 7845 §5.1, Ogg FLAC mapping). */
function oggCodec(data: Uint8Array): 'vorbis' | 'Opus' | 'FLAC' | 'Speex' | undefined {
  const head = Buffer.from(data.buffer, data.byteOffset, Math.min(data.length, 512)).toString('latin1');
  if (head.includes('\x01vorbis')) return 'vorbis';
  if (head.includes('OpusHead')) return 'Opus';
  if (head.includes('\x7fFLAC')) return 'FLAC';
  if (head.includes('Speex   ')) return 'Speex';
  return undefined;
}

function checked(decoded: Decoded, what: string, maxSeconds: number): Result<PcmAudio, DecodeFailure> {
  const frames = decoded.samplesDecoded;
  if (frames === 0 || decoded.channelData.length === 0 || decoded.sampleRate <= 0) return err({ kind: 'invalid', message: `no ${what} could be decoded` });
  if (frames / decoded.sampleRate > maxSeconds) return err({ kind: 'invalid', message: `${Math.round(frames / decoded.sampleRate)} s of audio is over the limit of ${maxSeconds} s` });
  // The decoders may hand back arrays longer than what they decoded; keep the decoded part only.
  return ok({ sampleRate: decoded.sampleRate, channels: decoded.channelData.map((c) => c.subarray(0, frames)) });
}
