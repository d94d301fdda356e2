// The window classifier alone: every key's pair in every window whatever its phase, nothing in
// silence, in one tone, or in a window only half filled with tone.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ALL_DIGITS, dtmfTone, silence, tones } from './dtmf-signals.test-support.ts';
import { DtmfToneClassifier, HALF_WINDOW, KEYPAD_DIGITS } from './dtmf-tone-classifier.ts';

/** The classifier's answer for each window of `samples` (one per half-window pushed, the first none). */
function classify(samples: Int16Array, classifier = new DtmfToneClassifier()): number[] {
  const half = new Float64Array(HALF_WINDOW);
  const keys: number[] = [];
  for (let at = 0; at + HALF_WINDOW <= samples.length; at += HALF_WINDOW) {
    for (let i = 0; i < HALF_WINDOW; i++) half[i] = samples[at + i] ?? 0;
    keys.push(classifier.push(half));
  }
  return keys;
}

test('every key, at any phase, in every window of a steady pair', () => {
  for (const digit of ALL_DIGITS) {
    for (const phase of [0, 1, 2.5]) {
      const keys = classify(dtmfTone(digit, 100, { lowDbm0: -20, phase }));
      assert.equal(keys[0], -1, 'the first half makes no window yet');
      assert.deepEqual(new Set(keys.slice(1).map((k) => KEYPAD_DIGITS[k])), new Set([digit]), `${digit} at phase ${phase}`);
    }
  }
});

test('silence, one tone, and a window half filled with tone are no key', () => {
  assert.ok(classify(silence(100)).every((k) => k === -1));
  assert.ok(classify(tones([[941, -10]], 100)).every((k) => k === -1));
  // Tone in the second half of a window only: 50 % of its energy share.
  const classifier = new DtmfToneClassifier();
  classify(silence(51 / 8), classifier);
  assert.deepEqual(classify(dtmfTone('7', 51 / 8), classifier), [-1]);
});

test('limits are settable: a lower floor hears a quieter pair', () => {
  const quiet = dtmfTone('0', 100, { lowDbm0: -40 });
  assert.ok(classify(quiet).every((k) => k === -1));
  assert.ok(classify(quiet, new DtmfToneClassifier({ minLevelDbm0: -45 })).slice(1).every((k) => KEYPAD_DIGITS[k] === '0'));
});
