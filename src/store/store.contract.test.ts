// The Store contract: one suite, run on SQLite (in memory and in a temp file)
// always, and on PostgreSQL when CALLGRID_TEST_PG_URL is set (one schema per test).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import type { AuthTokenRecord, Tenant } from '../domain/index.ts';
import { PbxError, type ErrorCode } from '../shared/index.ts';
import { openStore, type Dialect, type Store } from './index.ts';

/** A store not yet migrated, and how to get rid of it and everything it wrote. */
interface OpenedStore {
  readonly store: Store;
  dispose(): Promise<void>;
}
type StoreFactory = () => Promise<OpenedStore>;

const CREATED = '2026-01-02 03:04:05';
const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);
const HASH_C = 'c'.repeat(64);

function isPbxErrorWith(code: ErrorCode, message?: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof PbxError, `expected a PbxError, got ${String(error)}`);
    assert.equal(error.code, code);
    if (message) assert.match(error.message, message);
    return true;
  };
}

/** Strings that must come back exactly as they went in. */
const AWKWARD_TEXT: ReadonlyArray<readonly [string, string]> = [
  ['quotes', `O'Brien "the ''quoted''" \\ back\\slash`],
  ['SQL fragment', `x'); DROP TABLE te_tenants; --`],
  ['SQL comment and wildcards', `/* c */ % _ ; select 1 where 1=1 or '1'='1'`],
  ['unicode', 'Ünïcödé ñ 中文 العربية Ελληνικά'],
  ['emoji', '📞☎️ 👩‍💻 🇮🇹'],
  ['combining marks (no normalisation)', 'e\u0301 vs \u00e9'],
  ['whitespace', '  leading, trailing  \t\r\n'],
  ['empty', ''],
];

function storeContract(engine: Dialect, factory: StoreFactory): void {
  /** A test with a freshly opened and migrated store. */
  const it = (name: string, body: (store: Store) => Promise<void>, options: { todo?: string } = {}) =>
    test(name, options, async () => {
      const { store, dispose } = await factory();
      try {
        await store.migrate();
        await body(store);
      } finally {
        await dispose();
      }
    });

  const tenant = (store: Store, code: string, extra: Partial<Omit<Tenant, 'te_id' | 'te_created' | 'te_code'>> = {}) =>
    store.tenants.create({ te_code: code, te_name: `${code} Inc.`, ...extra }, CREATED);

  test('reports its dialect', async () => {
    const { store, dispose } = await factory();
    try {
      assert.equal(store.dialect, engine);
    } finally {
      await dispose();
    }
  });

  describe('migrate', () => {
    test('the first call applies the foundation, the second applies nothing and keeps the data', async () => {
      const { store, dispose } = await factory();
      try {
        const applied = await store.migrate();
        assert.equal(applied[0], '0001-foundation');
        assert.deepEqual(applied, [...applied].sort(), 'migrations run in name order');
        await store.tenants.create({ te_code: 'KEEP', te_name: 'Kept' }, CREATED);
        assert.deepEqual(await store.migrate(), []);
        assert.equal((await store.tenants.getByCode('KEEP'))?.te_name, 'Kept');
      } finally {
        await dispose();
      }
    });
  });

  describe('tenants', () => {
    it('create upper-cases the code and fills the defaults', async (store) => {
      const created = await store.tenants.create({ te_code: 'acme', te_name: 'Acme Inc.' }, CREATED);
      assert.ok(Number.isInteger(created.te_id) && created.te_id > 0);
      assert.equal(created.te_code, 'ACME');
      assert.equal(created.te_name, 'Acme Inc.');
      assert.equal(created.te_created, CREATED);
      assert.equal(created.te_disabled, '');
      assert.equal(created.te_timezone, '');
      assert.equal(created.te_rp_id, null);
      assert.equal(created.pk_start, null);
      assert.equal(created.te_maxchannels, 0);
      assert.equal(created.te_maxvoicemails, 0);
      assert.deepEqual(await store.tenants.get(created.te_id), created);
    });

    it('get of a missing id is undefined', async (store) => {
      assert.equal(await store.tenants.get(424242), undefined);
    });

    it('getByCode is case-insensitive', async (store) => {
      const created = await tenant(store, 'Acme');
      for (const code of ['acme', 'ACME', 'aCmE']) {
        assert.deepEqual(await store.tenants.getByCode(code), created, code);
      }
      assert.equal(await store.tenants.getByCode('GLOBEX'), undefined);
    });

    it('list returns all tenants in id order, and only the matching ones with a filter', async (store) => {
      const acme = await tenant(store, 'ACME', { te_disabled: 'on', te_billingcode: 'B1' });
      const globex = await tenant(store, 'GLOBEX', { te_billingcode: 'B1' });
      const initech = await tenant(store, 'INITECH', { te_disabled: 'on', te_billingcode: 'B2' });
      assert.deepEqual((await store.tenants.list()).map((t) => t.te_code), ['ACME', 'GLOBEX', 'INITECH']);
      assert.deepEqual(await store.tenants.list({}), [acme, globex, initech]);
      assert.deepEqual(await store.tenants.list({ te_disabled: 'on' }), [acme, initech]);
      assert.deepEqual(await store.tenants.list({ te_billingcode: 'B1', te_disabled: '' }), [globex]);
      assert.deepEqual(await store.tenants.list({ te_code: 'GLOBEX' }), [globex]);
      assert.deepEqual(await store.tenants.list({ te_name: 'INITECH Inc.' }), [initech]);
      assert.deepEqual(await store.tenants.list({ te_billingcode: 'nope' }), []);
    });

    it('update changes only the given fields', async (store) => {
      const before = await tenant(store, 'ACME', { te_timezone: 'Europe/Rome', te_maxchannels: 5, te_rp_id: 7, pk_start: 700, pk_end: 710 });
      const updated = await store.tenants.update(before.te_id, { te_name: 'Renamed', te_maxchannels: 9, te_rp_id: null });
      assert.deepEqual(updated, { ...before, te_name: 'Renamed', te_maxchannels: 9, te_rp_id: null });
      assert.deepEqual(await store.tenants.get(before.te_id), updated);
    });

    it('update with no fields returns the tenant unchanged; a lower-case code is stored upper case', async (store) => {
      const before = await tenant(store, 'ACME');
      assert.deepEqual(await store.tenants.update(before.te_id, {}), before);
      const recoded = await store.tenants.update(before.te_id, { te_code: 'acme2' });
      assert.equal(recoded?.te_code, 'ACME2');
      assert.equal((await store.tenants.getByCode('acme2'))?.te_id, before.te_id);
    });

    it('update of a missing id is undefined', async (store) => {
      assert.equal(await store.tenants.update(424242, { te_name: 'x' }), undefined);
      assert.equal(await store.tenants.update(424242, {}), undefined);
    });

    it('a duplicate code, in any case, is a conflict', async (store) => {
      await tenant(store, 'ACME');
      await assert.rejects(tenant(store, 'ACME'), isPbxErrorWith('conflict', /ACME/));
      await assert.rejects(tenant(store, 'acme'), isPbxErrorWith('conflict', /ACME/));
      assert.equal((await store.tenants.list()).length, 1);
    });

    it('updating to the code of another tenant is a conflict', async (store) => {
      await tenant(store, 'ACME');
      const globex = await tenant(store, 'GLOBEX');
      await assert.rejects(store.tenants.update(globex.te_id, { te_code: 'acme' }), isPbxErrorWith('conflict'));
      assert.equal((await store.tenants.get(globex.te_id))?.te_code, 'GLOBEX');
    });

    it('delete returns whether a tenant went', async (store) => {
      const acme = await tenant(store, 'ACME');
      assert.equal(await store.tenants.delete(acme.te_id), true);
      assert.equal(await store.tenants.get(acme.te_id), undefined);
      assert.equal(await store.tenants.delete(acme.te_id), false);
    });

    it('delete cascades to api keys, settings, balances and user links, and to nothing of another tenant', async (store) => {
      const acme = await tenant(store, 'ACME');
      const globex = await tenant(store, 'GLOBEX');
      const user = await store.users.create({ us_username: 'alice' }, CREATED);
      for (const [t, hash] of [[acme, HASH_A], [globex, HASH_B]] as const) {
        await store.apiKeys.add({ tenantId: t.te_id, scope: 'full', hash, hint: 'aaaa', createdAt: CREATED });
        await store.settings.set(t.te_id, 'VMAUTORECOVER', 'yes');
        await store.balances.add(t.te_id, { amount: 100, description: 'top-up', date: CREATED });
        assert.equal(await store.users.addTenant(user.us_id, t.te_id), true);
      }

      assert.equal(await store.tenants.delete(acme.te_id), true);

      assert.deepEqual(await store.apiKeys.list(acme.te_id), []);
      assert.equal(await store.apiKeys.findByHash(HASH_A), undefined);
      assert.equal(await store.settings.get(acme.te_id, 'VMAUTORECOVER'), undefined);
      assert.equal(await store.balances.sum(acme.te_id), 0);
      assert.deepEqual(await store.users.tenantIds(user.us_id), [globex.te_id]);
      assert.ok(await store.users.get(user.us_id), 'the user itself stays');

      assert.equal((await store.apiKeys.list(globex.te_id)).length, 1);
      assert.equal(await store.settings.get(globex.te_id, 'VMAUTORECOVER'), 'yes');
      assert.equal(await store.balances.sum(globex.te_id), 100);
      // The tenant id must not come back to life through a leftover row.
      const reborn = await tenant(store, 'ACME');
      assert.equal(await store.balances.sum(reborn.te_id), 0);
    });
  });

  describe('apiKeys', () => {
    it('add returns the record and findByHash finds it by its exact hash', async (store) => {
      const acme = await tenant(store, 'ACME');
      const key = await store.apiKeys.add({ tenantId: acme.te_id, scope: 'full', hash: HASH_A, hint: 'aaaa', createdAt: CREATED });
      assert.ok(Number.isInteger(key.ak_id) && key.ak_id > 0);
      assert.deepEqual(key, { ak_id: key.ak_id, ak_te_id: acme.te_id, ak_scope: 'full', ak_hash: HASH_A, ak_hint: 'aaaa', ak_created: CREATED });
      assert.deepEqual(await store.apiKeys.findByHash(HASH_A), key);
      assert.equal(await store.apiKeys.findByHash(HASH_B), undefined);
      assert.equal(await store.apiKeys.findByHash(HASH_A.toUpperCase()), undefined, 'the lookup is exact, not case-insensitive');
      assert.equal(await store.apiKeys.findByHash(HASH_A.slice(1)), undefined);
    });

    it('list gives all keys, one tenant\'s keys, or with null the admin keys', async (store) => {
      const acme = await tenant(store, 'ACME');
      const globex = await tenant(store, 'GLOBEX');
      const admin = await store.apiKeys.add({ tenantId: null, scope: 'admin', hash: HASH_A, hint: 'aaaa', createdAt: CREATED });
      const full = await store.apiKeys.add({ tenantId: acme.te_id, scope: 'full', hash: HASH_B, hint: 'bbbb', createdAt: CREATED });
      const readonly = await store.apiKeys.add({ tenantId: globex.te_id, scope: 'readonly', hash: HASH_C, hint: 'cccc', createdAt: CREATED });
      assert.deepEqual(await store.apiKeys.list(), [admin, full, readonly]);
      assert.deepEqual(await store.apiKeys.list(acme.te_id), [full]);
      assert.deepEqual(await store.apiKeys.list(globex.te_id), [readonly]);
      assert.deepEqual(await store.apiKeys.list(null), [admin]);
    });

    it('revokeScope removes one scope of one tenant (or the admin keys) and counts them', async (store) => {
      const acme = await tenant(store, 'ACME');
      const globex = await tenant(store, 'GLOBEX');
      const add = (tenantId: number | null, scope: 'admin' | 'full' | 'readonly') =>
        store.apiKeys.add({ tenantId, scope, hash: randomBytes(32).toString('hex'), hint: 'hint', createdAt: CREATED });
      await add(acme.te_id, 'full');
      await add(acme.te_id, 'full');
      const acmeReadonly = await add(acme.te_id, 'readonly');
      const globexFull = await add(globex.te_id, 'full');
      const admin = await add(null, 'admin');

      assert.equal(await store.apiKeys.revokeScope(acme.te_id, 'full'), 2);
      assert.deepEqual(await store.apiKeys.list(acme.te_id), [acmeReadonly]);
      assert.deepEqual(await store.apiKeys.list(globex.te_id), [globexFull]);
      assert.equal(await store.apiKeys.revokeScope(acme.te_id, 'full'), 0);

      await add(null, 'admin');
      assert.equal(await store.apiKeys.revokeScope(null, 'admin'), 2);
      assert.equal(await store.apiKeys.findByHash(admin.ak_hash), undefined);
      assert.deepEqual(await store.apiKeys.list(), [acmeReadonly, globexFull]);
    });

    it('revoke removes one key and says whether it existed', async (store) => {
      const acme = await tenant(store, 'ACME');
      const first = await store.apiKeys.add({ tenantId: acme.te_id, scope: 'full', hash: HASH_A, hint: 'aaaa', createdAt: CREATED });
      const second = await store.apiKeys.add({ tenantId: acme.te_id, scope: 'full', hash: HASH_B, hint: 'bbbb', createdAt: CREATED });
      assert.equal(await store.apiKeys.revoke(first.ak_id), true);
      assert.equal(await store.apiKeys.revoke(first.ak_id), false);
      assert.deepEqual(await store.apiKeys.list(), [second]);
    });

    it('the database refuses an admin key with a tenant and a tenant key without one', async (store) => {
      const acme = await tenant(store, 'ACME');
      await assert.rejects(store.apiKeys.add({ tenantId: acme.te_id, scope: 'admin', hash: HASH_A, hint: 'aaaa', createdAt: CREATED }));
      await assert.rejects(store.apiKeys.add({ tenantId: null, scope: 'full', hash: HASH_B, hint: 'bbbb', createdAt: CREATED }));
      await assert.rejects(store.apiKeys.add({ tenantId: null, scope: 'readonly', hash: HASH_C, hint: 'cccc', createdAt: CREATED }));
      assert.deepEqual(await store.apiKeys.list(), []);
    });

    it('a duplicate hash is a conflict; a key for a missing tenant is refused', async (store) => {
      const acme = await tenant(store, 'ACME');
      await store.apiKeys.add({ tenantId: acme.te_id, scope: 'full', hash: HASH_A, hint: 'aaaa', createdAt: CREATED });
      await assert.rejects(store.apiKeys.add({ tenantId: acme.te_id, scope: 'readonly', hash: HASH_A, hint: 'aaaa', createdAt: CREATED }), isPbxErrorWith('conflict'));
      await assert.rejects(store.apiKeys.add({ tenantId: 424242, scope: 'full', hash: HASH_B, hint: 'bbbb', createdAt: CREATED }), isPbxErrorWith('invalid_parameter'));
      assert.equal((await store.apiKeys.list()).length, 1);
    });
  });

  describe('users', () => {
    it('create fills the defaults; get, getByUsername and list find the user', async (store) => {
      const alice = await store.users.create({ us_username: 'alice', us_email: 'alice@example.com', us_password: 'scrypt$hash' }, CREATED);
      assert.ok(Number.isInteger(alice.us_id) && alice.us_id > 0);
      assert.equal(alice.us_username, 'alice');
      assert.equal(alice.us_email, 'alice@example.com');
      assert.equal(alice.us_password, 'scrypt$hash');
      assert.equal(alice.us_description, '');
      assert.equal(alice.us_up_id, null);
      assert.equal(alice.us_created, CREATED);
      const bob = await store.users.create({ us_username: 'bob' }, CREATED);
      assert.deepEqual(await store.users.get(alice.us_id), alice);
      assert.deepEqual(await store.users.getByUsername('bob'), bob);
      assert.equal(await store.users.getByUsername('carol'), undefined);
      assert.equal(await store.users.get(424242), undefined);
      assert.deepEqual(await store.users.list(), [alice, bob]);
    });

    it('update changes only the given fields; a missing id is undefined', async (store) => {
      const alice = await store.users.create({ us_username: 'alice', us_email: 'a@example.com', us_description: 'first' }, CREATED);
      const updated = await store.users.update(alice.us_id, { us_description: 'second', us_up_id: 3 });
      assert.deepEqual(updated, { ...alice, us_description: 'second', us_up_id: 3 });
      assert.deepEqual(await store.users.get(alice.us_id), updated);
      assert.deepEqual(await store.users.update(alice.us_id, {}), updated);
      assert.equal(await store.users.update(424242, { us_description: 'x' }), undefined);
    });

    it('delete returns whether a user went', async (store) => {
      const alice = await store.users.create({ us_username: 'alice' }, CREATED);
      assert.equal(await store.users.delete(alice.us_id), true);
      assert.equal(await store.users.get(alice.us_id), undefined);
      assert.equal(await store.users.delete(alice.us_id), false);
      assert.deepEqual(await store.users.list(), []);
    });

    it('a duplicate username is a conflict, on create and on update', async (store) => {
      await store.users.create({ us_username: 'alice' }, CREATED);
      const bob = await store.users.create({ us_username: 'bob' }, CREATED);
      await assert.rejects(store.users.create({ us_username: 'alice' }, CREATED), isPbxErrorWith('conflict', /alice/));
      await assert.rejects(store.users.update(bob.us_id, { us_username: 'alice' }), isPbxErrorWith('conflict'));
      assert.equal((await store.users.get(bob.us_id))?.us_username, 'bob');
    });

    it('addTenant links once (false the second time); tenantIds lists the links in order', async (store) => {
      const acme = await tenant(store, 'ACME');
      const globex = await tenant(store, 'GLOBEX');
      const alice = await store.users.create({ us_username: 'alice' }, CREATED);
      assert.deepEqual(await store.users.tenantIds(alice.us_id), []);
      assert.equal(await store.users.addTenant(alice.us_id, globex.te_id), true);
      assert.equal(await store.users.addTenant(alice.us_id, acme.te_id), true);
      assert.equal(await store.users.addTenant(alice.us_id, acme.te_id), false);
      assert.deepEqual(await store.users.tenantIds(alice.us_id), [acme.te_id, globex.te_id]);
    });

    it('addTenant to a missing tenant or for a missing user is a PbxError', async (store) => {
      const acme = await tenant(store, 'ACME');
      const alice = await store.users.create({ us_username: 'alice' }, CREATED);
      await assert.rejects(store.users.addTenant(alice.us_id, 424242), isPbxErrorWith('invalid_parameter'));
      await assert.rejects(store.users.addTenant(424242, acme.te_id), isPbxErrorWith('invalid_parameter'));
      assert.deepEqual(await store.users.tenantIds(alice.us_id), []);
    });

    it('removeTenant removes one link and says whether it existed', async (store) => {
      const acme = await tenant(store, 'ACME');
      const globex = await tenant(store, 'GLOBEX');
      const alice = await store.users.create({ us_username: 'alice' }, CREATED);
      const bob = await store.users.create({ us_username: 'bob' }, CREATED);
      await store.users.addTenant(alice.us_id, acme.te_id);
      await store.users.addTenant(alice.us_id, globex.te_id);
      await store.users.addTenant(bob.us_id, acme.te_id);
      assert.equal(await store.users.removeTenant(alice.us_id, acme.te_id), true);
      assert.equal(await store.users.removeTenant(alice.us_id, acme.te_id), false);
      assert.deepEqual(await store.users.tenantIds(alice.us_id), [globex.te_id]);
      assert.deepEqual(await store.users.tenantIds(bob.us_id), [acme.te_id]);
      assert.ok(await store.tenants.get(acme.te_id), 'the tenant stays');
    });

    it('deleting a user removes its tenant links and its auth token', async (store) => {
      const acme = await tenant(store, 'ACME');
      const alice = await store.users.create({ us_username: 'alice' }, CREATED);
      await store.users.addTenant(alice.us_id, acme.te_id);
      await store.authTokens.put({ at_us_id: alice.us_id, at_hash: HASH_A, at_once: 1, at_validuntil: null, at_created: CREATED });
      assert.equal(await store.users.delete(alice.us_id), true);
      assert.deepEqual(await store.users.tenantIds(alice.us_id), []);
      assert.equal(await store.authTokens.get(alice.us_id), undefined);
      // A new user must not inherit the old links should its id be reused.
      const again = await store.users.create({ us_username: 'alice' }, CREATED);
      assert.deepEqual(await store.users.tenantIds(again.us_id), []);
    });
  });

  describe('settings', () => {
    it('get of an unset code is undefined; set then get; set again overwrites', async (store) => {
      const acme = await tenant(store, 'ACME');
      assert.equal(await store.settings.get(acme.te_id, 'VMAUTORECOVER'), undefined);
      await store.settings.set(acme.te_id, 'VMAUTORECOVER', 'yes');
      assert.equal(await store.settings.get(acme.te_id, 'VMAUTORECOVER'), 'yes');
      await store.settings.set(acme.te_id, 'VMAUTORECOVER', 'no');
      assert.equal(await store.settings.get(acme.te_id, 'VMAUTORECOVER'), 'no');
      await store.settings.set(acme.te_id, 'VMAUTORECOVER', '');
      assert.equal(await store.settings.get(acme.te_id, 'VMAUTORECOVER'), '');
    });

    it('values are per tenant and per code', async (store) => {
      const acme = await tenant(store, 'ACME');
      const globex = await tenant(store, 'GLOBEX');
      await store.settings.set(acme.te_id, 'ONE', 'acme-one');
      await store.settings.set(acme.te_id, 'TWO', 'acme-two');
      await store.settings.set(globex.te_id, 'ONE', 'globex-one');
      await store.settings.set(acme.te_id, 'ONE', 'acme-one-b');
      assert.equal(await store.settings.get(acme.te_id, 'ONE'), 'acme-one-b');
      assert.equal(await store.settings.get(acme.te_id, 'TWO'), 'acme-two');
      assert.equal(await store.settings.get(globex.te_id, 'ONE'), 'globex-one');
      assert.equal(await store.settings.get(globex.te_id, 'TWO'), undefined);
    });

    it(
      'set for a missing tenant is refused with a PbxError, like the other repositories',
      async (store) => {
        await assert.rejects(store.settings.set(424242, 'ONE', 'x'), isPbxErrorWith('invalid_parameter'));
      },
      );

    it('a long value (4096 characters) comes back whole', async (store) => {
      const acme = await tenant(store, 'ACME');
      const long = 'x€'.repeat(2048);
      await store.settings.set(acme.te_id, 'LONG', long);
      assert.equal(await store.settings.get(acme.te_id, 'LONG'), long);
    });
  });

  describe('balances', () => {
    it('an empty ledger sums to 0', async (store) => {
      const acme = await tenant(store, 'ACME');
      assert.equal(await store.balances.sum(acme.te_id), 0);
      assert.equal(await store.balances.sum(acme.te_id, '2026-01-01 00:00:00', '2026-12-31 23:59:59'), 0);
    });

    it('sums positive and negative entries of one tenant only', async (store) => {
      const acme = await tenant(store, 'ACME');
      const globex = await tenant(store, 'GLOBEX');
      await store.balances.add(acme.te_id, { amount: 105_000, description: 'top-up', date: '2026-01-01 10:00:00' });
      await store.balances.add(acme.te_id, { amount: -2_5001, description: 'calls', date: '2026-01-02 10:00:00' });
      await store.balances.add(globex.te_id, { amount: 7, description: 'other', date: '2026-01-01 10:00:00' });
      assert.equal(await store.balances.sum(acme.te_id), 79_999);
      assert.equal(await store.balances.sum(globex.te_id), 7);
      await store.balances.add(acme.te_id, { amount: -100_000, description: 'more calls', date: '2026-01-03 10:00:00' });
      assert.equal(await store.balances.sum(acme.te_id), -20_001);
    });

    it('from and to bounds are inclusive, and either may be left open', async (store) => {
      const acme = await tenant(store, 'ACME');
      const entries: Array<[string, number]> = [
        ['2026-01-01 00:00:00', 1],
        ['2026-01-15 12:00:00', 10],
        ['2026-01-31 23:59:59', 100],
        ['2026-02-01 00:00:00', 1000],
      ];
      for (const [date, amount] of entries) await store.balances.add(acme.te_id, { amount, description: date, date });
      assert.equal(await store.balances.sum(acme.te_id, '2026-01-01 00:00:00', '2026-01-31 23:59:59'), 111);
      assert.equal(await store.balances.sum(acme.te_id, '2026-01-01 00:00:01', '2026-01-31 23:59:58'), 10);
      assert.equal(await store.balances.sum(acme.te_id, '2026-01-15 12:00:00', '2026-01-15 12:00:00'), 10);
      assert.equal(await store.balances.sum(acme.te_id, '2026-01-15 12:00:00'), 1110);
      assert.equal(await store.balances.sum(acme.te_id, undefined, '2026-01-15 12:00:00'), 11);
      assert.equal(await store.balances.sum(acme.te_id, '2026-03-01 00:00:00'), 0);
      assert.equal(await store.balances.sum(acme.te_id), 1111);
    });

    it(
      'add for a missing tenant is refused with a PbxError, like the other repositories',
      async (store) => {
        await assert.rejects(store.balances.add(424242, { amount: 1, description: 'x', date: CREATED }), isPbxErrorWith('invalid_parameter'));
      },
      );

    it('large amounts keep their exactness (up to Number.MAX_SAFE_INTEGER)', async (store) => {
      const acme = await tenant(store, 'ACME');
      await store.balances.add(acme.te_id, { amount: 4_503_599_627_370_495, description: 'a', date: CREATED });
      await store.balances.add(acme.te_id, { amount: 4_503_599_627_370_495, description: 'b', date: CREATED });
      await store.balances.add(acme.te_id, { amount: 1, description: 'c', date: CREATED });
      assert.equal(await store.balances.sum(acme.te_id), Number.MAX_SAFE_INTEGER);
      await store.balances.add(acme.te_id, { amount: -9_007_199_254_740_990, description: 'd', date: CREATED });
      assert.equal(await store.balances.sum(acme.te_id), 1);

      const globex = await tenant(store, 'GLOBEX');
      // 999,999,999.9999 in ten-thousandths, three times: no float drift.
      for (let i = 0; i < 3; i += 1) await store.balances.add(globex.te_id, { amount: 9_999_999_999_999, description: 'x', date: CREATED });
      assert.equal(await store.balances.sum(globex.te_id), 29_999_999_999_997);
    });
  });

  describe('authTokens', () => {
    const token = (userId: number, hash: string, extra: Partial<AuthTokenRecord> = {}): AuthTokenRecord => ({
      at_us_id: userId,
      at_hash: hash,
      at_once: 1,
      at_validuntil: null,
      at_created: CREATED,
      ...extra,
    });

    it('get of a user without a token is undefined; put then get returns the record', async (store) => {
      const alice = await store.users.create({ us_username: 'alice' }, CREATED);
      assert.equal(await store.authTokens.get(alice.us_id), undefined);
      await store.authTokens.put(token(alice.us_id, HASH_A));
      assert.deepEqual(await store.authTokens.get(alice.us_id), token(alice.us_id, HASH_A));
    });

    it('put replaces the previous token of the user, and only that user\'s', async (store) => {
      const alice = await store.users.create({ us_username: 'alice' }, CREATED);
      const bob = await store.users.create({ us_username: 'bob' }, CREATED);
      await store.authTokens.put(token(alice.us_id, HASH_A));
      await store.authTokens.put(token(bob.us_id, HASH_C));
      const replacement = token(alice.us_id, HASH_B, { at_once: 0, at_validuntil: '2026-12-31 23:59:59', at_created: '2026-06-01 00:00:00' });
      await store.authTokens.put(replacement);
      assert.deepEqual(await store.authTokens.get(alice.us_id), replacement);
      assert.deepEqual(await store.authTokens.get(bob.us_id), token(bob.us_id, HASH_C));
    });

    it('delete removes the token and says whether there was one', async (store) => {
      const alice = await store.users.create({ us_username: 'alice' }, CREATED);
      await store.authTokens.put(token(alice.us_id, HASH_A));
      assert.equal(await store.authTokens.delete(alice.us_id), true);
      assert.equal(await store.authTokens.get(alice.us_id), undefined);
      assert.equal(await store.authTokens.delete(alice.us_id), false);
    });

    it('a token for a missing user is refused', async (store) => {
      await assert.rejects(store.authTokens.put(token(424242, HASH_A)));
      assert.equal(await store.authTokens.get(424242), undefined);
    });
  });

  describe('text is stored byte for byte', () => {
    for (const [what, value] of AWKWARD_TEXT) {
      it(`${what}: ${JSON.stringify(value)}`, async (store) => {
        const acme = await store.tenants.create({ te_code: 'ACME', te_name: value || 'x', te_billingcode: value, te_recordingpassword: value }, CREATED);
        const read = await store.tenants.get(acme.te_id);
        assert.equal(read?.te_billingcode, value);
        assert.equal(read?.te_recordingpassword, value);
        if (value) assert.equal(read?.te_name, value);
        assert.deepEqual(await store.tenants.list({ te_billingcode: value }), [acme], 'a filter on the value finds it');

        const username = `u${value}`;
        const user = await store.users.create({ us_username: username, us_description: value, us_ipfilter: value }, CREATED);
        assert.equal((await store.users.getByUsername(username))?.us_id, user.us_id);
        assert.equal((await store.users.get(user.us_id))?.us_description, value);
        assert.equal((await store.users.get(user.us_id))?.us_ipfilter, value);

        await store.settings.set(acme.te_id, 'TEXT', value);
        assert.equal(await store.settings.get(acme.te_id, 'TEXT'), value);
        assert.equal(Buffer.compare(Buffer.from((await store.settings.get(acme.te_id, 'TEXT')) ?? '\u0000', 'utf8'), Buffer.from(value, 'utf8')), 0);
      });
    }

    it(
      'a NUL character is stored whole or refused with a PbxError, never a raw driver error',
      async (store) => {
        const acme = await tenant(store, 'ACME');
        const value = 'before\u0000after';
        try {
          await store.settings.set(acme.te_id, 'NUL', value);
        } catch (error) {
          isPbxErrorWith('invalid_parameter')(error);
          return;
        }
        assert.equal(await store.settings.get(acme.te_id, 'NUL'), value);
      },
    );

    it('the tables survive an SQL fragment as a value', async (store) => {
      await store.tenants.create({ te_code: 'ACME', te_name: `'); DROP TABLE te_tenants; --` }, CREATED);
      await store.tenants.create({ te_code: 'GLOBEX', te_name: `" OR 1=1; DELETE FROM ak_apikeys; --` }, CREATED);
      assert.equal((await store.tenants.list()).length, 2);
      assert.equal(await store.tenants.getByCode(`ACME' OR '1'='1`), undefined);
    });
  });
}

// --- the engines -----------------------------------------------------------------

describe('Store contract on SQLite in memory', () => {
  storeContract('sqlite', async () => {
    const store = openStore('sqlite::memory:');
    return { store, dispose: () => store.close() };
  });
});

describe('Store contract on SQLite in a file', () => {
  const openFileStore = async () => {
    const dir = mkdtempSync(join(tmpdir(), 'callgrid-store-'));
    const file = join(dir, 'nested', 'callgrid.db');
    const store = openStore(`sqlite:${file}`);
    return {
      store,
      file,
      dispose: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  };

  storeContract('sqlite', openFileStore);

  test('the file is created (with its folder) in WAL mode', async () => {
    const { store, file, dispose } = await openFileStore();
    try {
      await store.migrate();
      await store.tenants.create({ te_code: 'ACME', te_name: 'Acme' }, CREATED);
      assert.ok(existsSync(file));
      assert.ok(existsSync(`${file}-wal`), 'a WAL database keeps a -wal file while open');
      const probe = new BetterSqlite3(file, { readonly: true });
      try {
        assert.equal(probe.pragma('journal_mode', { simple: true }), 'wal');
      } finally {
        probe.close();
      }
    } finally {
      await dispose();
    }
  });

  test('foreign keys are enforced on the store\'s connection', async () => {
    const { store, file, dispose } = await openFileStore();
    try {
      await store.migrate();
      const alice = await store.users.create({ us_username: 'alice' }, CREATED);
      await assert.rejects(store.users.addTenant(alice.us_id, 424242), isPbxErrorWith('invalid_parameter'));
      await assert.rejects(store.balances.add(424242, { amount: 1, description: '', date: CREATED }));
      // A connection without `foreign_keys = ON` would have stored the orphan rows.
      const probe = new BetterSqlite3(file, { readonly: true });
      try {
        assert.deepEqual(probe.prepare('select count(*) as n from ba_balances').get(), { n: 0 });
        assert.deepEqual(probe.prepare('select count(*) as n from ut_usertenants').get(), { n: 0 });
      } finally {
        probe.close();
      }
    } finally {
      await dispose();
    }
  });

  test('data survives close and reopen, and the reopened store has nothing to migrate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'callgrid-store-'));
    const url = `sqlite:${join(dir, 'callgrid.db')}`;
    try {
      const first = openStore(url);
      const applied = await first.migrate();
      assert.equal(applied[0], '0001-foundation');
      assert.deepEqual(applied, [...applied].sort(), 'migrations run in name order');
      const acme = await first.tenants.create({ te_code: 'ACME', te_name: 'Acme 📞' }, CREATED);
      await first.settings.set(acme.te_id, 'ONE', 'one');
      await first.close();

      const second = openStore(url);
      try {
        assert.deepEqual(await second.migrate(), []);
        assert.deepEqual(await second.tenants.getByCode('acme'), acme);
        assert.equal(await second.settings.get(acme.te_id, 'ONE'), 'one');
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const pgUrl = process.env.CALLGRID_TEST_PG_URL;

describe('Store contract on PostgreSQL', { skip: pgUrl ? false : 'CALLGRID_TEST_PG_URL is not set' }, () => {
  if (!pgUrl) return;
  const url = pgUrl;
  const schemas = new Set<string>();

  const admin = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };

  const openPgStore = async () => {
    const schema = `cg_test_${randomBytes(8).toString('hex')}`;
    schemas.add(schema);
    const store = openStore(url, { schema });
    return {
      store,
      schema,
      dispose: async () => {
        await store.close();
        await admin((client) => client.query(`drop schema if exists ${schema} cascade`));
      },
    };
  };

  storeContract('postgres', openPgStore);

  test('the tables live in the run\'s own schema, not in public', async () => {
    const { store, schema, dispose } = await openPgStore();
    try {
      await store.migrate();
      const rows = await admin((client) =>
        client.query<{ table_schema: string }>(`select table_schema from information_schema.tables where table_name = 'te_tenants' and table_schema = any($1)`, [[schema, 'public']]),
      );
      assert.deepEqual(rows.rows.map((r) => r.table_schema), [schema]);
    } finally {
      await dispose();
    }
  });

  test('an invalid schema name is refused before any SQL', () => {
    assert.throws(() => openStore(url, { schema: 'x; drop schema public cascade' }), /Invalid PostgreSQL schema name/);
  });

  after(async () => {
    const left = await admin((client) => client.query<{ schema_name: string }>('select schema_name from information_schema.schemata where schema_name = any($1)', [[...schemas]]));
    assert.deepEqual(left.rows, [], 'every test schema was dropped');
  });
});
