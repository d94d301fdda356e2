// The bounded nonce-count map: increasing nc per nonce, expiry with the nonce, eviction that fails safe.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NonceCountTracker } from './nonce-count-tracker.ts';

test('nc must increase per nonce', () => {
  const tracker = new NonceCountTracker(10);
  assert.equal(tracker.check('n1', 1, 0, 1000, 0), 'ok');
  assert.equal(tracker.check('n1', 1, 0, 1000, 1), 'replayed');
  assert.equal(tracker.check('n1', 3, 0, 1000, 2), 'ok');
  assert.equal(tracker.check('n1', 2, 0, 1000, 3), 'replayed');
  assert.equal(tracker.check('n2', 1, 5, 1005, 5), 'ok');
});

test('entries leave when their nonce expires', () => {
  const tracker = new NonceCountTracker(10);
  tracker.check('n1', 1, 0, 1000, 0);
  tracker.check('n2', 1, 500, 1500, 500);
  assert.equal(tracker.size, 2);
  tracker.check('n3', 1, 1000, 2000, 1000);
  assert.equal(tracker.size, 2, 'n1 expired at 1000');
  tracker.check('n4', 1, 2000, 3000, 2000);
  assert.equal(tracker.size, 1);
});

test('the map is bounded, and an evicted nonce is refused rather than trusted again', () => {
  const tracker = new NonceCountTracker(10);
  for (let i = 0; i < 11; i++) assert.equal(tracker.check(`n${i}`, 1, i, 100_000, 20), 'ok');
  assert.equal(tracker.size, 9, 'shrunk to 90% on overflow');
  assert.equal(tracker.check('n0', 1, 0, 100_000, 21), 'forgotten', 'n0 was evicted: its nc history is unknown');
  assert.equal(tracker.check('n1', 1, 1, 100_000, 21), 'forgotten');
  assert.equal(tracker.check('n5', 1, 5, 100_000, 21), 'replayed', 'still tracked');
  assert.equal(tracker.check('fresh', 1, 50, 100_000, 50), 'ok', 'newer nonces are tracked as before');
});
