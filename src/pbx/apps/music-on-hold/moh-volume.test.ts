// mu_volume as Asterisk's VOLUME(): the factor it stands for, and a WAV's samples scaled (and clipped) by it.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { toneWav } from '../../../services/recordings/recording.test-support.ts';
import { atVolume, scaledWav, volumeFactor } from './moh-volume.ts';

test('a volume reads as a factor: 2..10 multiply, -2..-10 divide, beyond is bounded, the rest is 1', () => {
  assert.deepEqual([undefined, '', 0, 1, -1, 'loud', 2, '3', -4, 50, -50].map(volumeFactor), [1, 1, 1, 1, 1, 1, 2, 3, 0.25, 10, 0.1]);
});

test('the samples are scaled and clipped to 16 bits; a file that is not 16-bit PCM WAV is not touched', () => {
  const wav = toneWav(0.01);
  const louder = scaledWav(wav, 2);
  assert.ok(louder !== undefined);
  assert.deepEqual(louder.subarray(0, 44), wav.subarray(0, 44), 'the header is kept');
  const sample = (buffer: Buffer, i: number) => buffer.readInt16LE(44 + 2 * i);
  assert.equal(sample(louder, 1), sample(wav, 1) * 2);
  assert.ok(Math.max(...Array.from({ length: 80 }, (_, i) => sample(scaledWav(wav, 10) as Buffer, i))) <= 32767);
  assert.equal(scaledWav(Buffer.from('not a wav at all'), 2), undefined);
});

test('atVolume makes the scaled copy once, in the cache folder, and plays the file itself at factor 1', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'callgrid-moh-volume-'));
  try {
    const path = join(dir, '5.8k.wav');
    await writeFile(path, toneWav(0.05));
    assert.equal(await atVolume(path, 0, join(dir, 'cache')), path);
    const copy = await atVolume(path, -2, join(dir, 'cache'));
    assert.ok(copy.startsWith(join(dir, 'cache')));
    assert.equal((await readFile(copy)).readInt16LE(46), Math.round((await readFile(path)).readInt16LE(46) / 2));
    assert.equal(await atVolume(path, -2, join(dir, 'cache')), copy, 'the same copy again');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
