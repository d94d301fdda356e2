// Tone, silence and concatenation buffers: lengths, amplitude, frequency and the click-free ramps.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { concatSamples, samplesFor, silence, toneSamples } from './tone-samples.ts';

test('toneSamples: length, peak and frequency (zero crossings)', () => {
  const tone = toneSamples(400, 500, 10000);
  assert.equal(tone.length, 4000);
  assert.ok(Math.max(...tone) <= 10000 && Math.max(...tone) > 9900);
  let crossings = 0;
  for (let i = 1; i < tone.length; i++) if ((tone[i - 1] ?? 0) < 0 !== (tone[i] ?? 0) < 0) crossings++;
  // 400 Hz for 0.5 s: 200 periods, two crossings each.
  assert.ok(Math.abs(crossings - 400) <= 2, `${crossings} crossings`);
  assert.equal(tone[0], 0, 'ramps in from silence');
  assert.ok(Math.abs(tone[tone.length - 1] ?? 0) < 100, 'ramps out to silence');
});

test('toneSamples clamps the amplitude; silence and concatSamples', () => {
  assert.ok(Math.max(...toneSamples(1000, 20, 99999)) <= 32767);
  assert.deepEqual(Array.from(silence(1)), new Array(8).fill(0));
  assert.equal(samplesFor(-5), 0);
  const joined = concatSamples(new Int16Array([1, 2]), new Int16Array(0), new Int16Array([3]));
  assert.deepEqual(Array.from(joined), [1, 2, 3]);
});
