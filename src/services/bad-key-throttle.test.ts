// The bad-key throttle, driven by a FakeClock: ban after the limit within the
// window, no ban for failures spread wider than the window, and the ban ends.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, PbxError } from '../shared/index.ts';
import { BadKeyThrottle } from './bad-key-throttle.ts';

const SECOND = 1000;
const SETTINGS = { maxFailures: 3, windowMs: 60 * SECOND, banMs: 300 * SECOND };

function setup() {
  const clock = new FakeClock('2026-05-01T12:00:00Z');
  return { clock, throttle: new BadKeyThrottle(clock, SETTINGS) };
}

function banned(address: string, seconds?: number): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof PbxError, `expected a PbxError, got ${String(error)}`);
    assert.equal(error.code, 'too_many_auth_failures');
    assert.ok(error.message.includes(address), error.message);
    if (seconds !== undefined) assert.ok(error.message.includes(`retry in ${seconds} s`), error.message);
    return true;
  };
}

describe('BadKeyThrottle', () => {
  test('an address with no failures, or fewer than the limit, passes', () => {
    const { clock, throttle } = setup();
    throttle.check('192.0.2.1');
    throttle.recordFailure('192.0.2.1');
    clock.advance(10 * SECOND);
    throttle.recordFailure('192.0.2.1');
    throttle.check('192.0.2.1');
  });

  test('the limit reached inside the window bans the address, and only that address', () => {
    const { clock, throttle } = setup();
    throttle.recordFailure('192.0.2.1');
    clock.advance(20 * SECOND);
    throttle.recordFailure('192.0.2.1');
    clock.advance(20 * SECOND);
    throttle.recordFailure('192.0.2.1');
    assert.throws(() => throttle.check('192.0.2.1'), banned('192.0.2.1', 300));
    throttle.check('192.0.2.2');
    throttle.check('2001:db8::1');
  });

  test('failures of different addresses do not add up', () => {
    const { throttle } = setup();
    for (const address of ['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4']) {
      throttle.recordFailure(address);
      throttle.recordFailure(address);
    }
    for (const address of ['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4']) throttle.check(address);
  });

  test('failures spread beyond the window do not ban', () => {
    const { clock, throttle } = setup();
    for (let i = 0; i < 10; i += 1) {
      throttle.recordFailure('192.0.2.1');
      throttle.check('192.0.2.1');
      clock.advance(31 * SECOND); // two failures fit in 60 s, never three
    }
  });

  test('a failure exactly one window old no longer counts', () => {
    const { clock, throttle } = setup();
    throttle.recordFailure('192.0.2.1');
    clock.advance(30 * SECOND);
    throttle.recordFailure('192.0.2.1');
    clock.advance(30 * SECOND);
    throttle.recordFailure('192.0.2.1');
    throttle.check('192.0.2.1');
    clock.advance(1 * SECOND);
    throttle.recordFailure('192.0.2.1');
    assert.throws(() => throttle.check('192.0.2.1'), banned('192.0.2.1'));
  });

  test('the ban lasts banMs, counting down, then expires and the count starts again', () => {
    const { clock, throttle } = setup();
    for (let i = 0; i < 3; i += 1) throttle.recordFailure('192.0.2.1');
    assert.throws(() => throttle.check('192.0.2.1'), banned('192.0.2.1', 300));
    clock.advance(299 * SECOND);
    assert.throws(() => throttle.check('192.0.2.1'), banned('192.0.2.1', 1));
    clock.advance(SECOND - 1);
    assert.throws(() => throttle.check('192.0.2.1'), banned('192.0.2.1', 1));
    clock.advance(1);
    throttle.check('192.0.2.1');
    throttle.check('192.0.2.1');

    // A fresh start: the failures before the ban are forgotten.
    throttle.recordFailure('192.0.2.1');
    throttle.recordFailure('192.0.2.1');
    throttle.check('192.0.2.1');
    throttle.recordFailure('192.0.2.1');
    assert.throws(() => throttle.check('192.0.2.1'), banned('192.0.2.1'));
  });

  test('a limit of 1 bans on the first failure', () => {
    const clock = new FakeClock();
    const throttle = new BadKeyThrottle(clock, { maxFailures: 1, windowMs: 1000, banMs: 5000 });
    throttle.check('192.0.2.9');
    throttle.recordFailure('192.0.2.9');
    assert.throws(() => throttle.check('192.0.2.9'), banned('192.0.2.9', 5));
  });
});
