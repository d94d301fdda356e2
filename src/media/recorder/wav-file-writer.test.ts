// WavFileWriter: chunks and silence runs reach the file in order, the header is patched with the final sizes, and
// a long silence costs no memory.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { readWav, tempDir } from './recorder.test-support.ts';
import { WavFileWriter } from './wav-file-writer.ts';

test('samples and a long silence are written in order; the sizes are patched; finish() is idempotent', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const path = join(dir, 'nested', 'out.wav');
    const writer = new WavFileWriter(path, 2, () => assert.fail('no error expected'));
    writer.chunk.set([1, -1, 2, -2], writer.fill);
    writer.advance(4);
    // A minute of silence: a run of zeroes, not a minute of samples in memory.
    writer.appendSilence(60 * 8000);
    assert.ok(writer.pendingSamples <= writer.chunkSamples, `${writer.pendingSamples} samples held`);
    writer.chunk.set([3, -3], writer.fill);
    writer.advance(2);
    const summary = await writer.finish();
    assert.equal(await writer.finish(), summary);
    const frames = 2 + 60 * 8000 + 1;
    assert.deepEqual(summary, { bytes: 44 + frames * 4, dataBytes: frames * 4, error: undefined });
    const wav = await readWav(path);
    assert.equal(wav.channels, 2);
    assert.equal(wav.dataSize, frames * 4);
    assert.equal(wav.riffSize, 36 + frames * 4);
    const [left, right] = wav.channelData;
    assert.ok(left !== undefined && right !== undefined);
    assert.deepEqual([...left.subarray(0, 3)], [1, 2, 0]);
    assert.deepEqual([...right.subarray(0, 3)], [-1, -2, 0]);
    assert.equal(left[frames - 1], 3);
    assert.equal(right[frames - 1], -3);
    assert.ok(left.subarray(2, frames - 1).every((sample) => sample === 0));
  } finally {
    await cleanup();
  }
});

test('a folder that cannot be made is an error value, reported once', async () => {
  const errors: string[] = [];
  const writer = new WavFileWriter('/proc/self/no-such-dir/out.wav', 1, (message) => errors.push(message));
  writer.appendSilence(100);
  const summary = await writer.finish();
  assert.equal(summary.bytes, 0);
  assert.match(summary.error ?? '', /^cannot open \/proc\/self\/no-such-dir\/out\.wav: E/);
  assert.deepEqual(errors, [summary.error]);
});
