// StoreLookupCache: what it keeps, for how long, and what it never keeps (failed reads, anything with a TTL of 0).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from '../../shared/index.ts';
import { StoreLookupCache } from './store-lookup-cache.ts';

/** A loader that answers `value` and counts its reads. */
function counted(value: () => string) {
  const loader = { reads: 0, load: async () => (loader.reads++, value()) };
  return loader;
}

test('a value is read once within the TTL, and again once it has passed', async () => {
  const clock = new FakeClock('2026-01-01T00:00:00Z');
  const cache = new StoreLookupCache<string>(clock, 2000);
  let stored = 'a';
  const loader = counted(() => stored);
  assert.equal(await cache.read('k', loader.load), 'a');
  stored = 'b';
  clock.advance(1999);
  assert.equal(await cache.read('k', loader.load), 'a', 'kept within the TTL');
  assert.equal(loader.reads, 1);
  clock.advance(1);
  assert.equal(await cache.read('k', loader.load), 'b', 'read again once the TTL has passed');
  assert.equal(loader.reads, 2);
});

test('overlapping reads of one key share one load', async () => {
  const cache = new StoreLookupCache<string>(new FakeClock('2026-01-01T00:00:00Z'), 1000);
  const loader = counted(() => 'x');
  assert.deepEqual(await Promise.all([cache.read('k', loader.load), cache.read('k', loader.load), cache.read('j', loader.load)]), ['x', 'x', 'x']);
  assert.equal(loader.reads, 2);
});

test('a TTL of 0 keeps nothing: every read loads', async () => {
  const cache = new StoreLookupCache<string>(new FakeClock('2026-01-01T00:00:00Z'), 0);
  const loader = counted(() => 'x');
  await cache.read('k', loader.load);
  await cache.read('k', loader.load);
  cache.keep('k', Promise.resolve('y'), 0);
  assert.equal(await cache.read('k', loader.load), 'x');
  assert.equal(loader.reads, 3);
  assert.equal(cache.size, 0);
});

test('a failed read is not kept: the next read tries the store again', async () => {
  const cache = new StoreLookupCache<string>(new FakeClock('2026-01-01T00:00:00Z'), 60_000);
  let fail = true;
  const load = async () => {
    if (fail) throw new Error('database gone');
    return 'back';
  };
  await assert.rejects(cache.read('k', load), /database gone/);
  fail = false;
  assert.equal(await cache.read('k', load), 'back');
});

test('forget drops the keys under a prefix (or all), and the size stays bounded', async () => {
  const cache = new StoreLookupCache<string>(new FakeClock('2026-01-01T00:00:00Z'), 60_000, 3);
  const loader = counted(() => 'v');
  for (const key of ['1|a', '1|b', '12|a']) await cache.read(key, loader.load);
  cache.forget('1|');
  assert.equal(cache.size, 1, "tenant 12's entry is not tenant 1's");
  await cache.read('12|a', loader.load);
  assert.equal(loader.reads, 3, '12|a was still kept');
  for (const key of ['2|a', '2|b', '2|c', '2|d']) await cache.read(key, loader.load);
  assert.equal(cache.size, 3, 'the oldest entries made room');
  cache.forget();
  assert.equal(cache.size, 0);
});
