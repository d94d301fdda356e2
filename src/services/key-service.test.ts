// KeyService over a real in-memory SQLite store: keys are shown once and kept
// as SHA-256 only; resolve, rotate, and the short lookup cache.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, PbxError, sha256Hex } from '../shared/index.ts';
import { openStore, type Store } from '../store/index.ts';
import { KeyService } from './key-service.ts';

const CACHE_MS = 2000;

describe('KeyService', () => {
  let store: Store;
  let clock: FakeClock;
  let keys: KeyService;
  let acmeId: number;
  let globexId: number;

  beforeEach(async () => {
    store = openStore('sqlite::memory:');
    await store.migrate();
    clock = new FakeClock('2026-05-01T12:00:00Z');
    keys = new KeyService(store, clock, CACHE_MS);
    acmeId = (await store.tenants.create({ te_code: 'ACME', te_name: 'Acme' }, '2026-05-01 12:00:00')).te_id;
    globexId = (await store.tenants.create({ te_code: 'GLOBEX', te_name: 'Globex' }, '2026-05-01 12:00:00')).te_id;
  });

  afterEach(async () => {
    await store.close();
  });

  test('create returns a 64-hex key; the store keeps its SHA-256 and a hint, never the key', async () => {
    const issued = await keys.create('full', acmeId);
    assert.match(issued.key, /^[0-9a-f]{64}$/);
    assert.equal(issued.scope, 'full');
    assert.equal(issued.tenantId, acmeId);
    const records = await store.apiKeys.list();
    assert.equal(records.length, 1);
    const [record] = records;
    assert.ok(record);
    assert.equal(record.ak_id, issued.id);
    assert.equal(record.ak_hash, sha256Hex(issued.key));
    assert.notEqual(record.ak_hash, issued.key);
    assert.equal(record.ak_hint, issued.key.slice(-4));
    assert.equal(record.ak_created, '2026-05-01 12:00:00');
    assert.ok(!Object.values(record).some((value) => typeof value === 'string' && value.includes(issued.key)), 'the key itself is stored nowhere');
  });

  test('every created key is different', async () => {
    const a = await keys.create('full', acmeId);
    const b = await keys.create('full', acmeId);
    assert.notEqual(a.key, b.key);
  });

  test('create refuses an admin key with a tenant and a tenant key without one', async () => {
    const refused = (error: unknown) => error instanceof PbxError && error.code === 'invalid_parameter';
    await assert.rejects(keys.create('admin', acmeId), refused);
    await assert.rejects(keys.create('full', null), refused);
    await assert.rejects(keys.create('readonly', null), refused);
    assert.deepEqual(await store.apiKeys.list(), []);
  });

  test('resolve maps each key to its holder, and an unknown key to undefined', async () => {
    const admin = await keys.create('admin', null);
    const full = await keys.create('full', acmeId);
    const readonly = await keys.create('readonly', globexId);
    assert.deepEqual(await keys.resolve(admin.key), { kind: 'admin' });
    assert.deepEqual(await keys.resolve(full.key), { kind: 'tenant', tenantId: acmeId, readOnly: false });
    assert.deepEqual(await keys.resolve(readonly.key), { kind: 'tenant', tenantId: globexId, readOnly: true });
    assert.equal(await keys.resolve('0'.repeat(64)), undefined);
    assert.equal(await keys.resolve(''), undefined);
    assert.equal(await keys.resolve(full.key.toUpperCase()), undefined, 'a key is matched exactly');
    assert.equal(await keys.resolve(`${full.key} `), undefined);
    assert.equal(await keys.resolve(sha256Hex(full.key)), undefined, 'the stored hash is not itself a key');
  });

  test('rotate revokes every key of the scope and tenant, and issues one new key', async () => {
    const old1 = await keys.create('full', acmeId);
    const old2 = await keys.create('full', acmeId);
    const acmeReadonly = await keys.create('readonly', acmeId);
    const globexFull = await keys.create('full', globexId);
    assert.ok(await keys.resolve(old1.key));

    const rotated = await keys.rotate('full', acmeId);
    assert.equal(rotated.revoked, 2);
    assert.equal(rotated.scope, 'full');
    assert.equal(rotated.tenantId, acmeId);
    assert.equal(await keys.resolve(old1.key), undefined, 'the old key is gone at once, cache or not');
    assert.equal(await keys.resolve(old2.key), undefined);
    assert.deepEqual(await keys.resolve(rotated.key), { kind: 'tenant', tenantId: acmeId, readOnly: false });
    assert.ok(await keys.resolve(acmeReadonly.key), 'other scopes keep their keys');
    assert.ok(await keys.resolve(globexFull.key), 'other tenants keep their keys');
    assert.deepEqual((await keys.list(acmeId)).map((k) => k.ak_id).sort((a, b) => a - b), [acmeReadonly.id, rotated.id].sort((a, b) => a - b));
  });

  test('rotating the admin key', async () => {
    const old = await keys.create('admin', null);
    const rotated = await keys.rotate('admin', null);
    assert.equal(rotated.revoked, 1);
    assert.equal(await keys.resolve(old.key), undefined);
    assert.deepEqual(await keys.resolve(rotated.key), { kind: 'admin' });
    assert.equal(await keys.hasAdminKey(), true);
  });

  test('list omits the hashes; hasAdminKey tells whether an admin key exists', async () => {
    assert.equal(await keys.hasAdminKey(), false);
    await keys.create('full', acmeId);
    assert.equal(await keys.hasAdminKey(), false);
    await keys.create('admin', null);
    assert.equal(await keys.hasAdminKey(), true);
    const listing = await keys.list();
    assert.equal(listing.length, 2);
    for (const entry of listing) assert.ok(!('ak_hash' in entry));
    assert.deepEqual((await keys.list(acmeId)).map((k) => k.ak_scope), ['full']);
    assert.deepEqual((await keys.list(null)).map((k) => k.ak_scope), ['admin']);
  });

  describe('the lookup cache', () => {
    test('a key revoked directly in the store still resolves from the cache, but not with useCache=false', async () => {
      const full = await keys.create('full', acmeId);
      const principal = { kind: 'tenant', tenantId: acmeId, readOnly: false };
      assert.deepEqual(await keys.resolve(full.key), principal);

      assert.equal(await store.apiKeys.revoke(full.id), true);
      assert.deepEqual(await keys.resolve(full.key), principal, 'the cache is honoured');
      assert.deepEqual(await keys.resolve(full.key, true), principal);
      assert.equal(await keys.resolve(full.key, false), undefined, 'useCache=false goes to the store');
      assert.equal(await keys.resolve(full.key), undefined, 'and what it found replaces the cached entry');
    });

    test('a cached entry expires after the cache time', async () => {
      const full = await keys.create('full', acmeId);
      assert.ok(await keys.resolve(full.key));
      await store.apiKeys.revoke(full.id);
      clock.advance(CACHE_MS - 1);
      assert.ok(await keys.resolve(full.key), 'still cached just before expiry');
      clock.advance(1);
      assert.equal(await keys.resolve(full.key), undefined, 'gone once the cache time is over');
    });

    test('an unknown key is cached as unknown too, until useCache=false or expiry', async () => {
      const issuedElsewhere = 'f'.repeat(64);
      assert.equal(await keys.resolve(issuedElsewhere), undefined);
      await store.apiKeys.add({ tenantId: acmeId, scope: 'readonly', hash: sha256Hex(issuedElsewhere), hint: 'ffff', createdAt: '2026-05-01 12:00:00' });
      assert.equal(await keys.resolve(issuedElsewhere), undefined, 'the negative answer is cached');
      assert.deepEqual(await keys.resolve(issuedElsewhere, false), { kind: 'tenant', tenantId: acmeId, readOnly: true });
    });

    test('forget() drops the cache', async () => {
      const full = await keys.create('full', acmeId);
      assert.ok(await keys.resolve(full.key));
      await store.apiKeys.revoke(full.id);
      keys.forget();
      assert.equal(await keys.resolve(full.key), undefined);
    });

    test('with a cache time of 0 nothing is cached', async () => {
      const uncached = new KeyService(store, clock, 0);
      const full = await uncached.create('full', acmeId);
      assert.ok(await uncached.resolve(full.key));
      await store.apiKeys.revoke(full.id);
      assert.equal(await uncached.resolve(full.key), undefined);
    });
  });
});
