// StoreAccountDirectory on SQLite and PostgreSQL: `100-ACME` on the shared domain, `100` at a tenant's own
// domain, never another tenant's extension, no account for devices that cannot register or disabled tenants.
import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { onEveryEngine, type OpenStore } from '../../../test/support/store-engines.ts';
import { FakeClock } from '../../shared/index.ts';
import type { Store } from '../../store/index.ts';
import { StoreAccountDirectory } from './store-account-directory.ts';

onEveryEngine('StoreAccountDirectory', (open: OpenStore) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let clock: FakeClock;
  let ids: { acme: number; globex: number; acme100: number; globex100: number };

  beforeEach(async () => {
    ({ store, dispose } = await open());
    clock = new FakeClock('2026-11-27T10:00:00Z');
    const acme = await store.tenants.create({ te_code: 'ACME', te_name: 'Acme', te_sipdomain: 'pbx.acme.example' }, '2026-01-01 00:00:00');
    const globex = await store.tenants.create({ te_code: 'GLOBEX', te_name: 'Globex' }, '2026-01-01 00:00:00');
    const ext = async (tenantId: number, code: string, number: string, tech = 'PJSIP') =>
      Number((await store.objects('extension').insert(tenantId, { ex_number: number, ex_username: `${number}-${code}`, ex_secret: `${code}-${number}`, ex_tech: tech })).ex_id);
    ids = { acme: acme.te_id, globex: globex.te_id, acme100: await ext(acme.te_id, 'ACME', '100'), globex100: await ext(globex.te_id, 'GLOBEX', '100') };
    await ext(acme.te_id, 'ACME', '200', 'VIRTUAL');
    await store.objects('extension').insert(acme.te_id, { ex_number: '300', ex_username: '300-ACME', ex_secret: '' });
  });
  afterEach(() => dispose());

  test('shared domain: the SIP username names the extension of its tenant', async () => {
    const directory = new StoreAccountDirectory(store, clock, { realm: 'callgrid', domains: [] });
    assert.deepEqual(await directory.findByUsername('100-ACME', '192.0.2.1'), { tenantId: ids.acme, extensionId: ids.acme100, number: '100', username: '100-ACME', password: 'ACME-100', realm: 'callgrid' });
    assert.equal((await directory.findByUsername('100-GLOBEX', 'pbx.example.com'))?.extensionId, ids.globex100);
    assert.equal(await directory.findByUsername('100', 'pbx.example.com'), undefined);
    assert.equal(await directory.findByUsername('999-ACME', 'pbx.example.com'), undefined);
    assert.equal(await directory.findByUsername('200-ACME', 'pbx.example.com'), undefined, 'a VIRTUAL extension has no phone');
    assert.equal(await directory.findByUsername('300-ACME', 'pbx.example.com'), undefined, 'no secret, no account (never an empty password)');
  });

  test("a tenant's own domain: the number (or full username) of that tenant only", async () => {
    const directory = new StoreAccountDirectory(store, clock, { realm: 'callgrid', domains: [] });
    assert.deepEqual(await directory.findByUsername('100', 'PBX.acme.example'), { tenantId: ids.acme, extensionId: ids.acme100, number: '100', username: '100', password: 'ACME-100', realm: 'pbx.acme.example' });
    assert.equal((await directory.findByUsername('100-ACME', 'pbx.acme.example'))?.extensionId, ids.acme100);
    assert.equal(await directory.findByUsername('100-GLOBEX', 'pbx.acme.example'), undefined, "GLOBEX's extension is not ACME's");
    assert.equal(await directory.realmFor('pbx.acme.example'), 'pbx.acme.example');
  });

  test('served domains: any name by default, only the listed ones when configured', async () => {
    assert.equal(await new StoreAccountDirectory(store, clock, { realm: 'callgrid', domains: [] }).realmFor('10.0.0.1'), 'callgrid');
    const strict = new StoreAccountDirectory(store, clock, { realm: 'callgrid', domains: ['pbx.example.com'] });
    assert.equal(await strict.realmFor('PBX.example.com'), 'callgrid');
    assert.equal(await strict.realmFor('other.example.com'), undefined);
    assert.equal(await strict.realmFor('pbx.acme.example'), 'pbx.acme.example');
  });

  test('a disabled tenant registers nothing, once the tenant cache has turned over', async () => {
    const directory = new StoreAccountDirectory(store, clock, { realm: 'callgrid', domains: [], tenantCacheMs: 2000 });
    assert.ok(await directory.findByUsername('100-ACME', 'x'));
    await store.tenants.update(ids.acme, { te_disabled: 'on' });
    clock.advance(2001);
    assert.equal(await directory.findByUsername('100-ACME', 'x'), undefined);
    assert.ok(await directory.findByUsername('100-GLOBEX', 'x'));
  });

  test('credentials are reused for tenantCacheMs; `fresh` reads a changed password (or a new extension) at once', async () => {
    const directory = new StoreAccountDirectory(store, clock, { realm: 'callgrid', domains: [], tenantCacheMs: 2000 });
    assert.equal((await directory.findByUsername('100-ACME', 'x'))?.password, 'ACME-100');
    assert.equal(await directory.findByUsername('101-ACME', 'x'), undefined);
    await store.objects('extension').update(ids.acme, ids.acme100, { ex_secret: 'New-Secret-1' });
    await store.objects('extension').insert(ids.acme, { ex_number: '101', ex_username: '101-ACME', ex_secret: 'ACME-101' });
    assert.equal((await directory.findByUsername('100-ACME', 'x'))?.password, 'ACME-100', 'within the cache time');
    assert.equal((await directory.findByUsername('100-ACME', 'x', true))?.password, 'New-Secret-1');
    assert.equal((await directory.findByUsername('101-ACME', 'x', true))?.password, 'ACME-101');
    await store.objects('extension').update(ids.acme, ids.acme100, { ex_secret: 'New-Secret-2' });
    clock.advance(2001);
    assert.equal((await directory.findByUsername('100-ACME', 'x'))?.password, 'New-Secret-2', 'after the cache time');
  });
});
