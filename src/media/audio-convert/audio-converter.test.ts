// AudioConverter runs the pipeline in a worker thread, bounded in time; and the sox fallback for GSM and
// ADPCM WAVs (run only where sox is installed, as .ci/run installs it).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AudioConverter } from './audio-converter.ts';
import { convertToRelayWav, DEFAULT_CONVERT_OPTIONS } from './convert-audio.ts';
import { decibels, goertzelAmplitude, makeWav, relaySamples } from './audio-fixtures.test-support.ts';

const hasSox = spawnSync('sox', ['--version']).status === 0;
const tone = makeWav({ rate: 44_100, channels: 2, seconds: 1, signal: (t) => 0.5 * Math.sin(2 * Math.PI * 1000 * t) });

describe('AudioConverter (worker thread)', () => {
  const converter = new AudioConverter({ idleMs: 200 });
  after(() => converter.close());

  test('converts in the worker what the pipeline converts in-thread, byte for byte; jobs queue', async () => {
    const inThread = await convertToRelayWav(tone, 'wav');
    const [first, second] = await Promise.all([converter.convert(tone, 'wav'), converter.convert(tone, 'wav')]);
    assert.ok(inThread.ok && first?.ok && second?.ok);
    assert.deepEqual(first.value.wav, inThread.value.wav);
    assert.deepEqual(second.value.wav, inThread.value.wav);
    // The caller's bytes are untouched (a copy went to the worker).
    assert.equal(tone.length > 0, true);
  });

  test('refusals come back as values', async () => {
    assert.deepEqual(await converter.convert(new Uint8Array(10), 'g722'), { ok: false, error: 'G.722 audio cannot be converted; upload WAV, MP3 or Ogg Vorbis' });
  });

  test('a job over its time limit ends the worker and fails; the next job gets a new worker', async () => {
    const hurried = new AudioConverter({ timeoutMs: 1 });
    assert.deepEqual(await hurried.convert(tone, 'wav'), { ok: false, error: 'the conversion took longer than 1 ms' });
    await hurried.close();
    const result = await converter.convert(tone, 'wav');
    assert.ok(result.ok);
  });
});

describe('the sox fallback', { skip: hasSox ? false : 'sox is not installed' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'callgrid-sox-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const viaSox = (args: string[], output: string) => {
    writeFileSync(join(dir, 'in.wav'), makeWav({ rate: 8000, channels: 1, seconds: 1, signal: (t) => 0.5 * Math.sin(2 * Math.PI * 1000 * t) }));
    assert.equal(spawnSync('sox', [join(dir, 'in.wav'), ...args, join(dir, output)]).status, 0);
    return new Uint8Array(readFileSync(join(dir, output)));
  };
  const level = (wav: Uint8Array) => decibels(goertzelAmplitude(relaySamples(wav), 8000, 1000, 800, 7200));

  test('raw GSM 06.10 converts', async () => {
    const result = await convertToRelayWav(viaSox([], 'tone.gsm'), 'gsm');
    assert.ok(result.ok, result.ok ? '' : result.error);
    assert.ok(Math.abs(result.value.seconds - 1) < 0.03);
    assert.ok(Math.abs(level(result.value.wav) - decibels(0.5)) < 3);
  });

  test('an IMA ADPCM WAV converts', async () => {
    const result = await convertToRelayWav(viaSox(['-e', 'ima-adpcm'], 'adpcm.wav'), 'wav');
    assert.ok(result.ok, result.ok ? '' : result.error);
    assert.ok(Math.abs(level(result.value.wav) - decibels(0.5)) < 1);
  });

  test('without sox these are refused by name; broken GSM is refused', async () => {
    const off = { ...DEFAULT_CONVERT_OPTIONS, soxPath: false as const };
    assert.deepEqual(await convertToRelayWav(viaSox(['-e', 'ima-adpcm'], 'adpcm.wav'), 'wav', off), { ok: false, error: 'IMA ADPCM in WAV needs sox, which is turned off' });
    const missing = { ...DEFAULT_CONVERT_OPTIONS, soxPath: join(dir, 'no-such-sox') };
    assert.deepEqual(await convertToRelayWav(new Uint8Array(33), 'gsm', missing), { ok: false, error: 'GSM 06.10 needs sox (Debian package sox), which is not installed' });
    const broken = await convertToRelayWav(new Uint8Array(10), 'gsm');
    assert.equal(broken.ok, false);
  });
});
