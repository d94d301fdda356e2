// Prompt clips: WAV and raw G.711 files read into whole 20 ms frames, both laws encoded once, the cache keyed by path
// and modification time within its byte budget, and every failure an error value.
import assert from 'node:assert/strict';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { decodeAlaw, decodeMulaw, encodeAlaw, encodeMulaw } from '../g711.ts';
import { AudioClip, silentFrame } from './audio-clip.ts';
import { callProgressClip, CALL_PROGRESS_TONES } from './call-progress-tones.ts';
import { ClipCache } from './clip-cache.ts';
import { toneSamples } from './tone-samples.ts';
import { wavBytes } from './wav-file.test-support.ts';

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cg-clips-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('a clip is whole frames: the last one padded with silence, each law encoded once and kept', () => {
  const samples = toneSamples(1000, 50); // 400 samples: two and a half frames
  const clip = new AudioClip(samples);
  assert.equal(clip.frameCount, 3);
  assert.deepEqual(Array.from(clip.frameSamples(2).subarray(80)), new Array(80).fill(0));
  const first = clip.frame('PCMU', 0);
  assert.deepEqual(first, encodeMulaw(samples.subarray(0, 160)));
  assert.equal(clip.frame('PCMU', 1).buffer, first.buffer, 'frames are views of one encoded buffer');
  assert.deepEqual(clip.frame('PCMA', 2).subarray(0, 80), encodeAlaw(samples.subarray(320, 400)));
  assert.deepEqual(silentFrame('PCMU'), Buffer.alloc(160, 0xff));
});

test('a raw G.711 file keeps its own code words for its law, and is transcoded for the other', () => {
  const codes = Buffer.from(Array.from({ length: 200 }, (_, i) => (i * 37) & 0xff));
  const clip = AudioClip.fromCodes('PCMA', codes);
  assert.equal(clip.frameCount, 2);
  assert.deepEqual(clip.frame('PCMA', 0), codes.subarray(0, 160));
  assert.deepEqual(clip.frame('PCMA', 1), Buffer.concat([codes.subarray(160), Buffer.alloc(120, 0xd5)]));
  assert.deepEqual(clip.frame('PCMU', 0), encodeMulaw(decodeAlaw(codes.subarray(0, 160))));
});

test('the cache reads WAV and raw files by extension, once per path and version', async () => {
  const cache = new ClipCache();
  const wav = join(dir, 'hello.wav');
  const samples = toneSamples(440, 100);
  await writeFile(wav, wavBytes(samples));
  const ulaw = join(dir, 'hello.ulaw');
  await writeFile(ulaw, encodeMulaw(samples));
  const first = await cache.load(wav);
  assert.ok(first.ok);
  assert.deepEqual(Array.from(first.value.samples), Array.from(samples));
  const raw = await cache.load(ulaw);
  assert.ok(raw.ok);
  assert.deepEqual(Array.from(raw.value.samples), Array.from(decodeMulaw(encodeMulaw(samples))));
  const again = await cache.load(wav);
  assert.ok(again.ok && again.value === first.value, 'the same clip object: read once');
  assert.deepEqual([cache.hits, cache.misses, cache.size], [1, 2, 2]);

  // A new version on disk (another mtime) is read again.
  await writeFile(wav, wavBytes(toneSamples(880, 60)));
  await utimes(wav, new Date(), new Date(Date.now() + 5000));
  const changed = await cache.load(wav);
  assert.ok(changed.ok && changed.value !== first.value && changed.value.frameCount === 3);
  assert.equal(cache.size, 2);
});

test('concurrent loads of one new file read it once', async () => {
  const cache = new ClipCache();
  const path = join(dir, 'busy.wav');
  await writeFile(path, wavBytes(toneSamples(300, 200)));
  const loads = await Promise.all(Array.from({ length: 5 }, () => cache.load(path)));
  const clips = new Set(loads.map((loaded) => (loaded.ok ? loaded.value : undefined)));
  assert.equal(clips.size, 1);
  assert.equal(cache.misses, 1);
});

test('the cache stays within its budget, dropping the least recently used clip', async () => {
  // Each 1 s clip budgets 32,000 bytes (its samples and both laws): room for two.
  const cache = new ClipCache(70_000);
  const paths = ['a', 'b', 'c'].map((name) => join(dir, `${name}.wav`));
  for (const path of paths) await writeFile(path, wavBytes(new Int16Array(8000)));
  await cache.load(paths[0] ?? '');
  await cache.load(paths[1] ?? '');
  await cache.load(paths[0] ?? ''); // a is now the most recent
  await cache.load(paths[2] ?? ''); // evicts b
  assert.equal(cache.size, 2);
  assert.ok(cache.bytes <= 70_000);
  const misses = cache.misses;
  await cache.load(paths[0] ?? '');
  assert.equal(cache.misses, misses, 'a was kept');
  await cache.load(paths[1] ?? '');
  assert.equal(cache.misses, misses + 1, 'b was read again');
});

test('unreadable and unplayable files are error values', async () => {
  const cache = new ClipCache();
  const missing = await cache.load(join(dir, 'none.wav'));
  assert.ok(!missing.ok && missing.error.includes('ENOENT'));
  const folder = await cache.load(dir);
  assert.ok(!folder.ok && folder.error.includes('not a file'));
  const text = join(dir, 'notes.wav');
  await writeFile(text, 'not audio');
  const bad = await cache.load(text);
  assert.ok(!bad.ok && bad.error.includes('not a RIFF/WAVE file'));
  const empty = join(dir, 'empty.alaw');
  await writeFile(empty, Buffer.alloc(0));
  const none = await cache.load(empty);
  assert.ok(!none.ok && none.error.includes('empty'));
});

test('call-progress tones: the E.180 cadences and the feature-code confirmation shapes', () => {
  const frames = Object.fromEntries(CALL_PROGRESS_TONES.map((tone) => [tone, callProgressClip(tone).frameCount]));
  assert.deepEqual(frames, { ringback: 250, busy: 50, congestion: 25, confirm: 8, 'confirm-on': 20, 'confirm-off': 30, 'confirm-failed': 63 });
  const busy = callProgressClip('busy');
  const energy = (from: number, to: number) => busy.samples.subarray(from, to).reduce((sum, s) => sum + Math.abs(s), 0);
  assert.ok(energy(0, 4000) > 0 && energy(4000, 8000) === 0, '0.5 s on, 0.5 s off');
  assert.equal(callProgressClip('busy'), busy, 'built once');
});
