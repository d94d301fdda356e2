// G.711 μ-law (PCMU) and A-law (PCMA) companding (ITU-T G.711 §2-3; RFC 3551 §4.5.14) between
// 8-bit code words and 16-bit linear PCM, through tables built once at load.

/** Linear value of every μ-law code word (256 entries). */
const MULAW_TO_LINEAR = new Int16Array(256);
/** Linear value of every A-law code word (256 entries). */
const ALAW_TO_LINEAR = new Int16Array(256);
/**
 * Code word for every 16-bit sample, indexed by the top 14 bits (sample >> 2): μ-law codes 14
 * significant bits and A-law 13, so the two low bits never change the result and a 16 KiB table
 * per law replaces the segment search on the hot path.
 */
const LINEAR_TO_MULAW = new Uint8Array(16384);
const LINEAR_TO_ALAW = new Uint8Array(16384);

const MULAW_BIAS = 0x84;
/** Largest 14-bit magnitude μ-law can code before clipping (8159 = 0x1FDF). */
const MULAW_CLIP = 8159;

/** The arithmetic form of the μ-law encoder (G.711 Table 2), used to fill the table. */
function mulawOf(sample: number): number {
  let value = sample >> 2;
  let mask = 0xff;
  if (value < 0) {
    value = -value;
    mask = 0x7f;
  }
  value = Math.min(value, MULAW_CLIP) + (MULAW_BIAS >> 2);
  // The segment is the position of the highest set bit above the 6-bit first segment.
  let segment = 0;
  while (segment < 8 && value > (0x3f << segment) + ((1 << segment) - 1)) segment++;
  // Only the clipped maximum (8159 + 33) reaches past the last segment: the largest code word.
  if (segment >= 8) return (0x7f ^ mask) & 0xff;
  const code = (segment << 4) | ((value >> (segment + 1)) & 0x0f);
  return (code ^ mask) & 0xff;
}

/** The arithmetic form of the A-law encoder (G.711 Table 1), used to fill the table. */
function alawOf(sample: number): number {
  let value = sample >> 3;
  let mask = 0xd5;
  if (value < 0) {
    mask = 0x55;
    value = -value - 1;
  }
  let segment = 0;
  while (segment < 8 && value > (0x1f << segment) + ((1 << segment) - 1)) segment++;
  if (segment >= 8) return (0x7f ^ mask) & 0xff;
  const code = (segment << 4) | ((segment < 2 ? value >> 1 : value >> segment) & 0x0f);
  return (code ^ mask) & 0xff;
}

for (let code = 0; code < 256; code++) {
  // μ-law code words are sent inverted; the top bit set means positive.
  const u = ~code & 0xff;
  const magnitude = ((((u & 0x0f) << 3) + MULAW_BIAS) << ((u & 0x70) >> 4)) - MULAW_BIAS;
  MULAW_TO_LINEAR[code] = (u & 0x80) !== 0 ? -magnitude : magnitude;
  // A-law code words have their even bits inverted (0x55); the top bit set means positive.
  const a = code ^ 0x55;
  const segment = (a & 0x70) >> 4;
  let t = (a & 0x0f) << 4;
  t = segment === 0 ? t + 8 : (t + 0x108) << (segment - 1);
  ALAW_TO_LINEAR[code] = (a & 0x80) !== 0 ? t : -t;
}
for (let index = 0; index < 16384; index++) {
  const sample = (index << 18) >> 16; // the 14-bit index back to a signed 16-bit sample
  LINEAR_TO_MULAW[index] = mulawOf(sample);
  LINEAR_TO_ALAW[index] = alawOf(sample);
}

export function linearToMulaw(sample: number): number {
  return LINEAR_TO_MULAW[(sample >> 2) & 0x3fff] ?? 0xff;
}

export function mulawToLinear(code: number): number {
  return MULAW_TO_LINEAR[code & 0xff] ?? 0;
}

export function linearToAlaw(sample: number): number {
  return LINEAR_TO_ALAW[(sample >> 2) & 0x3fff] ?? 0xd5;
}

export function alawToLinear(code: number): number {
  return ALAW_TO_LINEAR[code & 0xff] ?? 0;
}

/** Encodes 16-bit samples into `out` (allocated when absent); returns the code words written. */
export function encodeMulaw(pcm: Int16Array, out: Buffer = Buffer.allocUnsafe(pcm.length)): Buffer {
  return encodeWith(LINEAR_TO_MULAW, pcm, out);
}

export function encodeAlaw(pcm: Int16Array, out: Buffer = Buffer.allocUnsafe(pcm.length)): Buffer {
  return encodeWith(LINEAR_TO_ALAW, pcm, out);
}

/** Decodes code words into `out` (allocated when absent); returns the samples written. */
export function decodeMulaw(codes: Uint8Array, out: Int16Array = new Int16Array(codes.length)): Int16Array {
  return decodeWith(MULAW_TO_LINEAR, codes, out);
}

export function decodeAlaw(codes: Uint8Array, out: Int16Array = new Int16Array(codes.length)): Int16Array {
  return decodeWith(ALAW_TO_LINEAR, codes, out);
}

function encodeWith(table: Uint8Array, pcm: Int16Array, out: Buffer): Buffer {
  const n = Math.min(pcm.length, out.length);
  for (let i = 0; i < n; i++) out[i] = table[((pcm[i] ?? 0) >> 2) & 0x3fff] ?? 0;
  return out.subarray(0, n);
}

function decodeWith(table: Int16Array, codes: Uint8Array, out: Int16Array): Int16Array {
  const n = Math.min(codes.length, out.length);
  for (let i = 0; i < n; i++) out[i] = table[codes[i] ?? 0] ?? 0;
  return out.subarray(0, n);
}
