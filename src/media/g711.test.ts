import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alawToLinear, decodeAlaw, decodeMulaw, encodeAlaw, encodeMulaw, linearToAlaw, linearToMulaw, mulawToLinear } from './index.ts';

const KNOWN_ENCODINGS: { sample: number; mulaw: number; alaw: number }[] = [
  { sample: 0, mulaw: 0xff, alaw: 0xd5 },
  // The 16-bit input is floored to 14 (μ) or 13 (A) bits first, as the reference coder does.
  { sample: -1, mulaw: 0x7e, alaw: 0x55 },
  { sample: 32767, mulaw: 0x80, alaw: 0xaa },
  { sample: -32768, mulaw: 0x00, alaw: 0x2a },
  { sample: 8, mulaw: 0xfe, alaw: 0xd5 },
  { sample: 1000, mulaw: 0xce, alaw: 0xfa },
  { sample: -1000, mulaw: 0x4e, alaw: 0x7a },
];

for (const c of KNOWN_ENCODINGS) {
  test(`encodes ${c.sample} as μ-law 0x${c.mulaw.toString(16)} and A-law 0x${c.alaw.toString(16)}`, () => {
    assert.equal(linearToMulaw(c.sample), c.mulaw);
    assert.equal(linearToAlaw(c.sample), c.alaw);
  });
}

const KNOWN_DECODINGS: { law: 'mulaw' | 'alaw'; code: number; sample: number }[] = [
  { law: 'mulaw', code: 0xff, sample: 0 },
  { law: 'mulaw', code: 0x7f, sample: 0 },
  { law: 'mulaw', code: 0x80, sample: 32124 },
  { law: 'mulaw', code: 0x00, sample: -32124 },
  { law: 'mulaw', code: 0xfe, sample: 8 },
  { law: 'alaw', code: 0xd5, sample: 8 },
  { law: 'alaw', code: 0x55, sample: -8 },
  { law: 'alaw', code: 0xaa, sample: 32256 },
  { law: 'alaw', code: 0x2a, sample: -32256 },
];

for (const c of KNOWN_DECODINGS) {
  test(`decodes ${c.law} 0x${c.code.toString(16)} as ${c.sample}`, () => {
    assert.equal(c.law === 'mulaw' ? mulawToLinear(c.code) : alawToLinear(c.code), c.sample);
  });
}

test('every code word survives decode then encode (μ-law negative zero becomes positive zero)', () => {
  for (let code = 0; code < 256; code++) {
    assert.equal(linearToAlaw(alawToLinear(code)), code, `A-law 0x${code.toString(16)}`);
    assert.equal(linearToMulaw(mulawToLinear(code)), code === 0x7f ? 0xff : code, `μ-law 0x${code.toString(16)}`);
  }
});

test('round trip of all 65,536 samples stays within half a quantization step', () => {
  for (let sample = -32768; sample <= 32767; sample++) {
    const magnitude = Math.abs(sample);
    // Steps double per segment and a segment starts at 16 steps, so half a step is at most 1/32
    // of the value (μ-law: of the value plus its bias of 132) plus the 2-3 bits cut off first;
    // the very top is clipped.
    const mu = Math.abs(mulawToLinear(linearToMulaw(sample)) - sample);
    const a = Math.abs(alawToLinear(linearToAlaw(sample)) - sample);
    assert.ok(mu <= (magnitude + 132) / 32 + 4 || magnitude > 32124, `μ-law ${sample}: error ${mu}`);
    assert.ok(a <= Math.max(16, magnitude / 32 + 8) || magnitude > 32256, `A-law ${sample}: error ${a}`);
    assert.ok(mu <= 1024 && a <= 1024);
  }
});

/** A 1 kHz sine at 8 kHz: 8 samples a cycle, phases 22.5° + k·45° as in G.711's Tables 5 and 6. */
function tone(amplitude: number, samples: number): Int16Array {
  return Int16Array.from({ length: samples }, (_, k) => Math.round(-amplitude * Math.sin(Math.PI / 8 + (k * Math.PI) / 4)));
}

test('a 1 kHz tone at 0 dBm0 encodes to the digital milliwatt of G.711 Tables 5 and 6', () => {
  const pcm = tone(22900, 16);
  assert.deepEqual([...encodeMulaw(pcm)], [0x1e, 0x0b, 0x0b, 0x1e, 0x9e, 0x8b, 0x8b, 0x9e, 0x1e, 0x0b, 0x0b, 0x1e, 0x9e, 0x8b, 0x8b, 0x9e]);
  assert.deepEqual([...encodeAlaw(pcm).subarray(0, 8)], [0x34, 0x21, 0x21, 0x34, 0xb4, 0xa1, 0xa1, 0xb4]);
});

test('a second of 1 kHz tone keeps a signal-to-noise ratio above 35 dB through either law', () => {
  const pcm = tone(16000, 8000);
  for (const [name, back] of [
    ['μ-law', decodeMulaw(encodeMulaw(pcm))],
    ['A-law', decodeAlaw(encodeAlaw(pcm))],
  ] as const) {
    let signal = 0;
    let noise = 0;
    pcm.forEach((s, i) => {
      signal += s * s;
      noise += (s - (back[i] ?? 0)) ** 2;
    });
    const snr = 10 * Math.log10(signal / noise);
    assert.ok(snr > 35, `${name} SNR ${snr.toFixed(1)} dB`);
  }
});

test('buffers: encode and decode into caller-supplied storage, never past its end', () => {
  const pcm = Int16Array.from([0, 1000, -1000, 32767]);
  const out = Buffer.alloc(2);
  const written = encodeMulaw(pcm, out);
  assert.equal(written.length, 2);
  assert.equal(written.buffer, out.buffer);
  assert.deepEqual([...written], [0xff, 0xce]);
  const samples = new Int16Array(3);
  assert.deepEqual([...decodeAlaw(Buffer.from([0xd5, 0x55, 0xaa, 0x2a]), samples)], [8, -8, 32256]);
});
