// RtpPortPool on real sockets: even/odd pairs (RFC 3550 §11), skipping busy ports, exhaustion, release.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PbxError } from '../../shared/index.ts';
import { FakePhone, LOOPBACK } from './fake-phone.test-support.ts';
import { RtpPortPool, type RtpSocketPair } from './rtp-port-pool.ts';

// Ranges private to this file: test files run in parallel processes.
const BASE = 47100;

function unwrap<T>(result: { ok: true; value: T } | { ok: false; error: string }): T {
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

describe('RtpPortPool', () => {
  test('hands out distinct even ports with RTCP bound on port + 1, inside the range', async () => {
    const pool = new RtpPortPool({ host: LOOPBACK, portMin: BASE + 1, portMax: BASE + 20 });
    const pairs: RtpSocketPair[] = [];
    try {
      for (let i = 0; i < 3; i++) pairs.push(unwrap(await pool.allocate()));
      const ports = pairs.map((p) => p.port);
      assert.equal(new Set(ports).size, 3);
      for (const pair of pairs) {
        assert.equal(pair.port % 2, 0);
        assert.ok(pair.port >= BASE + 2 && pair.port + 1 <= BASE + 20, `port ${pair.port} in range`);
        assert.deepEqual(pair.rtp.address(), { address: LOOPBACK, family: 'IPv4', port: pair.port });
        assert.equal(pair.rtcp.address().port, pair.port + 1);
      }
      assert.equal(pool.inUse, 3);
      assert.equal(pool.capacity, 9); // 47102, 47104, ..., 47118: 47120 would need 47121
    } finally {
      for (const pair of pairs) pool.release(pair);
    }
    assert.equal(pool.inUse, 0);
  });

  test('skips a pair whose RTP or RTCP port another socket holds (EADDRINUSE)', async () => {
    const min = BASE + 30;
    const squatterRtp = await FakePhone.open(min);
    const squatterRtcp = await FakePhone.open(min + 3);
    const pool = new RtpPortPool({ host: LOOPBACK, portMin: min, portMax: min + 5 });
    try {
      const pair = unwrap(await pool.allocate());
      assert.equal(pair.port, min + 4, 'min is held for RTP, min+2 has its RTCP port held');
      const exhausted = await pool.allocate();
      assert.equal(exhausted.ok, false);
      if (!exhausted.ok) assert.match(exhausted.error, /2 held by other processes/);
      pool.release(pair);
    } finally {
      squatterRtp.close();
      squatterRtcp.close();
    }
  });

  test('exhaustion is an error naming the range; a release makes room again', async () => {
    const min = BASE + 40;
    const pool = new RtpPortPool({ host: LOOPBACK, portMin: min, portMax: min + 3 });
    assert.equal(pool.capacity, 2);
    const first = unwrap(await pool.allocate());
    const second = unwrap(await pool.allocate());
    const third = await pool.allocate();
    assert.equal(third.ok, false);
    if (!third.ok) assert.match(third.error, new RegExp(`${min}-${min + 3} exhausted: 2 of 2 pairs in use`));
    pool.release(first);
    pool.release(first); // idempotent
    const again = unwrap(await pool.allocate());
    assert.equal(again.port, first.port);
    pool.release(second);
    pool.release(again);
  });

  test('released ports are free for anyone: another pool binds them', async () => {
    const min = BASE + 50;
    const one = new RtpPortPool({ host: LOOPBACK, portMin: min, portMax: min + 1 });
    const pair = unwrap(await one.allocate());
    one.release(pair);
    const two = new RtpPortPool({ host: LOOPBACK, portMin: min, portMax: min + 1 });
    const rebound = unwrap(await two.allocate());
    assert.equal(rebound.port, min);
    two.release(rebound);
  });

  test('pairs are drawn at random, so the next call\'s ports cannot be guessed from the last call\'s', async () => {
    const min = BASE + 60;
    const draws = [3, 3, 0];
    const pool = new RtpPortPool({ host: LOOPBACK, portMin: min, portMax: min + 9, pick: () => draws.shift() ?? 4 });
    const first = unwrap(await pool.allocate());
    assert.equal(first.port, min + 6);
    // The second draw hits the taken pair: the next draw is taken instead, not the neighbour.
    const second = unwrap(await pool.allocate());
    assert.equal(second.port, min);
    pool.release(first);
    pool.release(second);

    // With the real CSPRNG: eight pairs out of 500 are not a run of consecutive even ports.
    const wide = new RtpPortPool({ host: LOOPBACK, portMin: 48100, portMax: 49099 });
    const pairs: RtpSocketPair[] = [];
    try {
      for (let i = 0; i < 8; i++) pairs.push(unwrap(await wide.allocate()));
      const steps = pairs.slice(1).map((p, i) => p.port - (pairs[i]?.port ?? 0));
      assert.ok(steps.some((step) => step !== 2), `ports in sequence: ${pairs.map((p) => p.port).join(' ')}`);
    } finally {
      for (const pair of pairs) wide.release(pair);
    }
  });

  test('a nearly full range is still found by the scan after the random draws miss', async () => {
    const min = BASE + 80;
    const pool = new RtpPortPool({ host: LOOPBACK, portMin: min, portMax: min + 9, pick: () => 0 });
    const got: RtpSocketPair[] = [];
    try {
      for (let i = 0; i < 5; i++) got.push(unwrap(await pool.allocate()));
      assert.deepEqual(got.map((p) => p.port).sort((x, y) => x - y), [min, min + 2, min + 4, min + 6, min + 8]);
      assert.equal((await pool.allocate()).ok, false);
    } finally {
      for (const pair of got) pool.release(pair);
    }
  });

  test('a bind error other than EADDRINUSE ends the search with that error', async () => {
    const pool = new RtpPortPool({ host: '192.0.2.77', portMin: BASE + 70, portMax: BASE + 79 });
    const result = await pool.allocate();
    assert.equal(result.ok, false);
    if (!result.ok) assert.match(result.error, /cannot bind RTP port 192\.0\.2\.77:471[78]\d: EADDRNOTAVAIL/);
    assert.equal(pool.inUse, 0);
  });

  test('an odd minimum is rounded up; a range without a pair or outside 1-65535 is a config error', () => {
    const pool = new RtpPortPool({ host: LOOPBACK, portMin: 3001, portMax: 3004 });
    assert.equal(pool.portMin, 3002);
    assert.equal(pool.capacity, 1);
    const invalidConfig = (error: unknown): boolean => error instanceof PbxError && error.code === 'invalid_config';
    assert.throws(() => new RtpPortPool({ host: LOOPBACK, portMin: 3001, portMax: 3002 }), invalidConfig);
    assert.throws(() => new RtpPortPool({ host: LOOPBACK, portMin: 0, portMax: 100 }), invalidConfig);
    assert.throws(() => new RtpPortPool({ host: LOOPBACK, portMin: 65000, portMax: 70000 }), invalidConfig);
    const defaults = new RtpPortPool({ host: LOOPBACK });
    assert.deepEqual([defaults.portMin, defaults.portMax, defaults.capacity], [10000, 20000, 5000]);
  });
});
