// The anti-alias resampler measured, not trusted: flat passband to 3.4 kHz, >= 80 dB down past 4 kHz at
// 8 kHz output, the 44.1/48/22.05/16/11.025 kHz rates and an odd one that needs phase interpolation.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { designFilter, resample, DEFAULT_RESAMPLER } from './resample.ts';
import { decibels, goertzelAmplitude } from './audio-fixtures.test-support.ts';

/** The level in dB (re the input's) at which `frequency` comes out at 8 kHz, where it lands after folding. */
function response(rate: number, frequency: number): number {
  const input = new Float32Array(rate);
  for (let i = 0; i < input.length; i++) input[i] = 0.5 * Math.sin((2 * Math.PI * frequency * i) / rate);
  const out = resample(input, rate, 8000);
  const folded = Math.abs(((frequency + 4000) % 8000) - 4000);
  // The middle of the output, away from the filter's start and end.
  return decibels(goertzelAmplitude(out, 8000, folded, 1000, 7000) / 0.5);
}

describe('resample to 8 kHz', () => {
  for (const rate of [44_100, 48_000, 22_050, 16_000, 11_025, 44_099]) {
    test(`${rate} Hz: passband flat to 3.4 kHz, stopband >= 80 dB from 4.1 kHz`, () => {
      for (const f of [300, 1000, 3000, 3400]) {
        const level = response(rate, f);
        assert.ok(Math.abs(level) < 0.05, `${f} Hz at ${rate} Hz comes out at ${level.toFixed(3)} dB`);
      }
      for (const f of [4100, 4600, 5000, 6000, 7000, 10_000, 15_000, 20_000].filter((f) => f < rate / 2)) {
        const level = response(rate, f);
        assert.ok(level < -80, `${f} Hz at ${rate} Hz comes out at ${level.toFixed(1)} dB`);
      }
    });
  }

  test('the output length follows the ratio; the same rate is a copy', () => {
    assert.equal(resample(new Float32Array(44_100), 44_100, 8000).length, 8000);
    assert.equal(resample(new Float32Array(4410), 44_100, 8000).length, 800);
    const same = new Float32Array([0.1, -0.2, 0.3]);
    assert.deepEqual(resample(same, 8000, 8000), same);
    assert.notEqual(resample(same, 8000, 8000), same);
  });

  test('up-sampling (6 kHz to 8 kHz) keeps the tone and adds no image above 3 kHz', () => {
    const input = new Float32Array(6000);
    for (let i = 0; i < input.length; i++) input[i] = 0.5 * Math.sin((2 * Math.PI * 1000 * i) / 6000);
    const out = resample(input, 6000, 8000);
    assert.equal(out.length, 8000);
    assert.ok(Math.abs(decibels(goertzelAmplitude(out, 8000, 1000, 1000, 7000) / 0.5)) < 0.05);
    // The image of 1 kHz around 6 kHz lands at 5 kHz, which folds to 3 kHz at 8 kHz.
    assert.ok(decibels(goertzelAmplitude(out, 8000, 3000, 1000, 7000) / 0.5) < -80);
  });

  test('the filter is Kaiser-designed: cut-off midway through 3.4-4 kHz, length from the attenuation', () => {
    const filter = designFilter(44_100, 8000, DEFAULT_RESAMPLER, 80);
    assert.equal(filter.cutoffHz, 3700);
    assert.equal(filter.taps, 370);
    // Every phase has unity DC gain.
    for (let p = 0; p <= filter.phases; p++) {
      let sum = 0;
      for (let j = 0; j < filter.taps; j++) sum += filter.table[p * filter.taps + j] ?? 0;
      assert.ok(Math.abs(sum - 1) < 1e-12);
    }
  });
});
