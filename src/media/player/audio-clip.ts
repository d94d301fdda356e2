// AudioClip: a prompt or tone held in memory as 8 kHz linear PCM cut into 20 ms frames, with its G.711 forms
// (RFC 3551 §4.5.14) encoded once per law on first use, so every call that plays a shared prompt sends slices
// of one buffer instead of encoding it again per call and per packet.
import { decodeAlaw, decodeMulaw, encodeAlaw, encodeMulaw } from '../g711.ts';

/** The two G.711 laws a frame is sent in: PCMU (μ-law, payload type 0) and PCMA (A-law, payload type 8). */
export type G711Law = 'PCMU' | 'PCMA';

/** Samples in one 20 ms frame at 8 kHz: the packetisation every SIP phone expects by default (RFC 3551 §4.5 ptime). */
export const FRAME_SAMPLES = 160;
export const FRAME_MS = 20;

/** The code word of a zero sample in each law: what a silent frame is made of. */
const SILENT_CODE: Record<G711Law, number> = { PCMU: 0xff, PCMA: 0xd5 };
const SILENT_FRAMES: Record<G711Law, Buffer> = {
  PCMU: Buffer.alloc(FRAME_SAMPLES, SILENT_CODE.PCMU),
  PCMA: Buffer.alloc(FRAME_SAMPLES, SILENT_CODE.PCMA),
};

/** One 20 ms frame of silence in `law`; shared, read-only. */
export function silentFrame(law: G711Law): Buffer {
  return SILENT_FRAMES[law];
}

export function encodeFrame(law: G711Law, samples: Int16Array, out: Buffer): Buffer {
  return law === 'PCMU' ? encodeMulaw(samples, out) : encodeAlaw(samples, out);
}

export class AudioClip {
  /** The samples, zero-padded to whole frames: a frame is always 160 samples, the last one padded with silence. */
  readonly samples: Int16Array;
  readonly frameCount: number;
  private readonly encoded: Partial<Record<G711Law, Buffer>> = {};

  /** `original`: the file's own code words when it was raw G.711, kept as sent (no decode/encode round trip). */
  constructor(samples: Int16Array, original?: { readonly law: G711Law; readonly codes: Buffer }) {
    this.frameCount = Math.ceil(samples.length / FRAME_SAMPLES);
    const padded = this.frameCount * FRAME_SAMPLES;
    if (samples.length === padded) {
      this.samples = samples;
    } else {
      this.samples = new Int16Array(padded);
      this.samples.set(samples);
    }
    if (original !== undefined) {
      const codes = Buffer.alloc(padded, SILENT_CODE[original.law]);
      original.codes.copy(codes, 0, 0, Math.min(original.codes.length, padded));
      this.encoded[original.law] = codes;
    }
  }

  /** A clip from raw G.711 code words (a .ulaw/.alaw file). */
  static fromCodes(law: G711Law, codes: Buffer): AudioClip {
    const samples = law === 'PCMU' ? decodeMulaw(codes) : decodeAlaw(codes);
    return new AudioClip(samples, { law, codes });
  }

  /** Memory held: the samples and whatever laws have been encoded (what the clip cache budgets). */
  get bytes(): number {
    return this.samples.byteLength + (this.encoded.PCMU?.length ?? 0) + (this.encoded.PCMA?.length ?? 0);
  }

  /** Frame `index` (0 <= index < frameCount) as 160 linear samples; a view, not a copy. */
  frameSamples(index: number): Int16Array {
    return this.samples.subarray(index * FRAME_SAMPLES, (index + 1) * FRAME_SAMPLES);
  }

  /** Frame `index` as 160 code words of `law`; a view into the clip's encoded buffer (encoded whole on first use). */
  frame(law: G711Law, index: number): Buffer {
    let codes = this.encoded[law];
    if (codes === undefined) {
      codes = encodeFrame(law, this.samples, Buffer.allocUnsafe(this.samples.length));
      this.encoded[law] = codes;
    }
    return codes.subarray(index * FRAME_SAMPLES, (index + 1) * FRAME_SAMPLES);
  }
}
