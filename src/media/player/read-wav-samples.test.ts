// readWavSamples: 8 kHz mono 16-bit PCM read through extra chunks; every other format refused by name.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseWavSamples, readWavSamples } from './read-wav-samples.ts';

function wav(samples: readonly number[], options: { rate?: number; channels?: number; bits?: number; list?: boolean } = {}): Buffer {
  const { rate = 8000, channels = 1, bits = 16 } = options;
  const fmt = Buffer.alloc(24);
  fmt.write('fmt ', 0, 'latin1');
  fmt.writeUInt32LE(16, 4);
  fmt.writeUInt16LE(1, 8);
  fmt.writeUInt16LE(channels, 10);
  fmt.writeUInt32LE(rate, 12);
  fmt.writeUInt32LE((rate * channels * bits) / 8, 16);
  fmt.writeUInt16LE((channels * bits) / 8, 20);
  fmt.writeUInt16LE(bits, 22);
  // An odd-sized LIST chunk: its pad byte must be skipped.
  const list = options.list ? Buffer.concat([Buffer.from('LIST', 'latin1'), Buffer.from([3, 0, 0, 0]), Buffer.from('abc'), Buffer.from([0])]) : Buffer.alloc(0);
  const data = Buffer.alloc(8 + samples.length * 2);
  data.write('data', 0, 'latin1');
  data.writeUInt32LE(samples.length * 2, 4);
  samples.forEach((s, i) => data.writeInt16LE(s, 8 + 2 * i));
  const body = Buffer.concat([Buffer.from('WAVE', 'latin1'), fmt, list, data]);
  const head = Buffer.alloc(8);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(body.length, 4);
  return Buffer.concat([head, body]);
}

test('readWavSamples reads 8 kHz mono 16-bit PCM from a file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cg-wav-'));
  try {
    const path = join(dir, 'beep.wav');
    await writeFile(path, wav([0, 1000, -1000, 32767, -32768], { list: true }));
    const read = await readWavSamples(path);
    assert.ok(read.ok);
    assert.deepEqual(Array.from(read.value), [0, 1000, -1000, 32767, -32768]);
    const missing = await readWavSamples(join(dir, 'none.wav'));
    assert.ok(!missing.ok && missing.error.includes('ENOENT'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('parseWavSamples refuses other formats by name', () => {
  const stereo = parseWavSamples(wav([1, 2], { channels: 2 }));
  assert.ok(!stereo.ok && stereo.error.includes('expected 8000 Hz mono 16-bit'));
  const wide = parseWavSamples(wav([1], { rate: 16000 }));
  assert.ok(!wide.ok);
  assert.deepEqual(parseWavSamples(Buffer.from('not a wav file at all')), { ok: false, error: 'not a RIFF/WAVE file' });
  const noData = wav([]).subarray(0, 36);
  assert.ok(!parseWavSamples(noData).ok);
});
