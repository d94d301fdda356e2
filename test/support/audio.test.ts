// The tone helpers: sox makes the tones (and what G.711 and clipping do to them), the TypeScript Goertzel
// analysis must tell them apart. Skipped, saying why, without sox (except the WAV decoding checks).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertTone, describeAudio, dominantFrequency, readWav, skipWithoutSox, sox, toneLevel, writeToneWav } from './audio.ts';

const SKIP = skipWithoutSox('audio helper test');
let dir: string;
const at = (name: string): string => join(dir, name);

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'callgrid-audio-test-'));
});
after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** 16-bit PCM WAV bytes for `samples` (-1..1), with the data size field set to `declaredSize` if given. */
function pcmWav(samples: readonly number[], rate: number, declaredSize?: number): Buffer {
  const data = Buffer.alloc(samples.length * 2);
  samples.forEach((x, i) => data.writeInt16LE(Math.round(x * 32767), i * 2));
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(declaredSize ?? data.length, 40);
  return Buffer.concat([header, data]);
}

test('readWav decodes 16-bit PCM, reads an unfinished data chunk to the end and refuses what is no WAV', () => {
  const sine = Array.from({ length: 8000 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 1000 * i) / 8000));
  writeFileSync(at('ts.wav'), pcmWav(sine, 8000));
  const pcm = readWav(at('ts.wav'));
  assert.equal(pcm.sampleRate, 8000);
  assert.equal(pcm.samples.length, 8000);
  assert.ok(Math.abs((pcm.samples[2] ?? 0) - 0.5) < 1e-3, 'sample 2 of a 1 kHz sine at 8 kHz is the peak');
  // A recorder still writing leaves the data size at 0: everything after the header is data.
  writeFileSync(at('open.wav'), pcmWav(sine, 8000, 0));
  assert.equal(readWav(at('open.wav')).samples.length, 8000);
  assert.equal(dominantFrequency(at('open.wav')), 1000);
  writeFileSync(at('junk.wav'), 'not a wav file at all');
  assert.throws(() => readWav(at('junk.wav')), /not a RIFF\/WAVE file/);
});

test('writeToneWav writes 8 kHz mono 16-bit: lead silence, the tone, pad silence', { skip: SKIP }, () => {
  writeToneWav(at('tone.wav'), { frequencyHz: 600, seconds: 1, leadSeconds: 0.5, padSeconds: 2 });
  const pcm = readWav(at('tone.wav'));
  assert.equal(pcm.sampleRate, 8000);
  assert.equal(pcm.samples.length, 3.5 * 8000);
  const peak = (from: number, to: number): number => pcm.samples.subarray(from * 8000, to * 8000).reduce((m, x) => Math.max(m, Math.abs(x)), 0);
  assert.equal(peak(0, 0.5), 0, 'silent lead');
  assert.ok(Math.abs(peak(0.5, 1.5) - 0.5) < 0.01, `tone at amplitude 0.5, got ${peak(0.5, 1.5)}`);
  assert.equal(peak(1.5, 3.5), 0, 'silent pad');
  const level = toneLevel(at('tone.wav'), 600);
  assert.ok(level.ratio > 0.99, describeAudio(at('tone.wav'), [600]));
  assert.ok(Math.abs(level.toneSeconds - 1) <= 0.1, `tone for ${level.toneSeconds} s`);
  assert.ok(Math.abs(level.dbfs - -6) < 0.5, `level ${level.dbfs} dBFS`);
  assert.equal(level.totalSeconds, 3.5);
  assert.throws(() => writeToneWav(at('bad.wav'), { frequencyHz: 5000, seconds: 1 }), /does not fit 8 kHz/);
});

/**
 * What a phone records from a G.711 call: silence, a clipped burst (a loud start), the tone, another clipped
 * burst, silence; through µ-law or A-law and back.
 */
function callLike(frequencyHz: number, law: 'u-law' | 'a-law'): string {
  const name = `${frequencyHz}-${law}`;
  writeToneWav(at(`${name}-clean.wav`), { frequencyHz, seconds: 2, padSeconds: 0 });
  sox(['-r', '8000', '-n', '-c', '1', '-b', '16', at(`${name}-loud.wav`), 'synth', '0.3', 'sine', String(frequencyHz), 'vol', '4']); // clipped
  sox(['-r', '8000', '-n', '-c', '1', '-b', '16', at(`${name}-quiet.wav`), 'trim', '0', '0.7']);
  sox([at(`${name}-quiet.wav`), at(`${name}-loud.wav`), at(`${name}-clean.wav`), at(`${name}-loud.wav`), at(`${name}-quiet.wav`), '-e', law, '-b', '8', at(`${name}.wav`)]);
  return at(`${name}.wav`);
}

test('600 Hz and 1000 Hz are told apart in G.711 recordings with silence and clipping', { skip: SKIP }, () => {
  for (const law of ['u-law', 'a-law'] as const) {
    const low = callLike(600, law);
    const high = callLike(1000, law);
    assert.equal(readWav(low).samples.length, 8000 * 4, `${law}: 0.7 + 0.3 + 2 + 0.3 + 0.7 s`);
    const lowDominant = dominantFrequency(low) ?? 0;
    const highDominant = dominantFrequency(high) ?? 0;
    assert.ok(Math.abs(lowDominant - 600) <= 2, `${law}: ${describeAudio(low)}`);
    assert.ok(Math.abs(highDominant - 1000) <= 2, `${law}: ${describeAudio(high)}`);
    const right = assertTone(high, 1000, { minSeconds: 2, absentHz: [600] });
    assert.ok(right.ratio > 0.9, `${law}: ${describeAudio(high, [1000])}`);
    assert.ok(right.voicedSeconds >= 2.5 && right.voicedSeconds <= 2.7, `${law}: not silent for ${right.voicedSeconds} s`);
    assertTone(low, 600, { minSeconds: 2, absentHz: [1000] });
    assert.ok(toneLevel(high, 600).ratio < 0.01, `${law}: ${describeAudio(high, [600])}`);
    assert.throws(() => assertTone(high, 600), (error: Error) => {
      assert.match(error.message, /600 Hz dominates 0\.00 s < 1 s; 600 Hz carries 0\.\d% < 50% of the power/);
      assert.match(error.message, new RegExp(`dominant 10\\d\\d Hz|dominant 99\\d Hz`));
      return true;
    });
  }
});

test('a tone under noise, two tones in turn, and silence', { skip: SKIP }, () => {
  // 1000 Hz at -10 dBFS under white noise 20 dB lower.
  writeToneWav(at('t1000.wav'), { frequencyHz: 1000, seconds: 2, padSeconds: 0, amplitude: 0.3 });
  sox(['-r', '8000', '-n', '-c', '1', '-b', '16', at('noise.wav'), 'synth', '2', 'whitenoise', 'vol', '0.03']);
  sox(['-m', at('t1000.wav'), at('noise.wav'), at('noisy.wav')]);
  assertTone(at('noisy.wav'), 1000, { minSeconds: 1.9, minRatio: 0.8, absentHz: [600] });

  // What a phone hears across a transfer: 1 s of 600 Hz, then 2 s of 1000 Hz.
  writeToneWav(at('t600.wav'), { frequencyHz: 600, seconds: 1, padSeconds: 0 });
  sox([at('t600.wav'), at('t1000.wav'), at('both.wav')]);
  const six = toneLevel(at('both.wav'), 600);
  const thousand = toneLevel(at('both.wav'), 1000);
  assert.ok(Math.abs(six.toneSeconds - 1) <= 0.1 && Math.abs(thousand.toneSeconds - 2) <= 0.1, describeAudio(at('both.wav'), [600, 1000]));
  // Power 0.5²/2 for 1 s against 0.3²/2 for 2 s: 0.125 / (0.125 + 0.09).
  assert.ok(Math.abs(six.ratio - 0.58) < 0.02, `600 Hz at 0.5 for 1 s against 1000 Hz at 0.3 for 2 s: ${six.ratio}`);
  assert.throws(() => assertTone(at('both.wav'), 1000, { absentHz: [600] }), /600 Hz should be absent/);

  sox(['-r', '8000', '-n', '-c', '1', '-b', '16', at('silence.wav'), 'trim', '0', '1']);
  assert.equal(dominantFrequency(at('silence.wav')), undefined);
  const none = toneLevel(at('silence.wav'), 1000);
  assert.deepEqual([none.ratio, none.toneSeconds, none.voicedSeconds, none.dbfs], [0, 0, 0, -Infinity]);
  assert.throws(() => assertTone(at('silence.wav'), 1000), /1000 Hz dominates 0\.00 s < 1 s.*1\.00 s, 0\.00 s not silent, dominant none/);
});
