// StoreExtensionRows on SQLite and PostgreSQL: one read answers a row's id, number and SIP account for the lookup
// cache time, tenants owning the same number stay apart, a change made through the store is seen once the time has
// passed (at once with a TTL of 0), and the routing directory answers the same with the shared rows as without.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { onEveryEngine, storeTest, twoTenants } from '../../../test/support/store-engines.ts';
import { FakeClock } from '../../shared/index.ts';
import type { Store } from '../../store/index.ts';
import { CALL_PATH_EXTENSION_COLUMNS, requireColumns, StoreExtensionRows } from './store-extension-rows.ts';
import { StoreRoutingDirectory } from './store-routing-directory.ts';

async function seed(store: Store) {
  const [acme, globex] = await twoTenants(store);
  const insert = async (tenantId: number, values: Record<string, string | number | null>) => Number((await store.objects('extension').insert(tenantId, values)).ex_id);
  const acme100 = await insert(acme, { ex_number: '100', ex_username: '100-ACME', ex_name: 'Alice', ex_onbusystatus: 'on', ex_cidnum: '390211' });
  const globex100 = await insert(globex, { ex_number: '100', ex_username: '100-GLOBEX', ex_name: 'Bob' });
  return { acme, globex, acme100, globex100 };
}

onEveryEngine('StoreExtensionRows', (open) => {
  const t = storeTest(open);

  t('one read answers the row by id, number and account until the cache time has passed', async (store) => {
    const { acme, acme100 } = await seed(store);
    const clock = new FakeClock('2026-01-01T00:00:00Z');
    const rows = new StoreExtensionRows(store, clock, 2000);
    assert.equal((await rows.byNumber(acme, '100'))?.ex_name, 'Alice');
    await store.objects('extension').update(acme, acme100, { ex_name: 'Alicia', ex_dnd: 'on' });
    // Read under the other keys: answered by the first read, so still the old row.
    assert.equal((await rows.byId(acme, acme100))?.ex_name, 'Alice');
    assert.equal((await rows.byAccount(acme, '100-ACME'))?.ex_dnd, '');
    clock.advance(2000);
    assert.equal((await rows.byId(acme, acme100))?.ex_name, 'Alicia', 'read again once the cache time has passed');
    assert.equal((await rows.byAccount(acme, '100-ACME'))?.ex_dnd, 'on');
  });

  t('forget(tenant) makes the next read go to the store; a TTL of 0 always does', async (store) => {
    const { acme, globex, acme100 } = await seed(store);
    const clock = new FakeClock('2026-01-01T00:00:00Z');
    const kept = new StoreExtensionRows(store, clock, 60_000);
    const through = new StoreExtensionRows(store, clock);
    assert.equal((await kept.byId(acme, acme100))?.ex_dnd, '');
    assert.equal((await kept.byNumber(globex, '100'))?.ex_name, 'Bob');
    await store.objects('extension').update(acme, acme100, { ex_dnd: 'on' });
    assert.equal((await through.byId(acme, acme100))?.ex_dnd, 'on');
    assert.equal((await kept.byId(acme, acme100))?.ex_dnd, '');
    kept.forget(acme);
    assert.equal((await kept.byId(acme, acme100))?.ex_dnd, 'on');
    assert.equal((await kept.byNumber(acme, '100'))?.ex_dnd, 'on');
  });

  t("two tenants' extension 100 are two rows; another tenant's id reads as not found", async (store) => {
    const { acme, globex, acme100, globex100 } = await seed(store);
    const rows = new StoreExtensionRows(store, new FakeClock('2026-01-01T00:00:00Z'), 60_000);
    assert.equal((await rows.byNumber(acme, '100'))?.ex_name, 'Alice');
    assert.equal((await rows.byNumber(globex, '100'))?.ex_name, 'Bob');
    assert.equal(await rows.byId(globex, acme100), undefined);
    assert.equal(await rows.byAccount(acme, '100-GLOBEX'), undefined);
    assert.equal(Number((await rows.byId(globex, globex100))?.ex_te_id), globex);
    assert.equal(await rows.byNumber(acme, '999'), undefined);
  });

  t('the routing directory answers the same with the shared rows as on its own', async (store) => {
    const { acme, acme100 } = await seed(store);
    const clock = new FakeClock('2026-01-01T00:00:00Z');
    const plain = new StoreRoutingDirectory(store);
    const shared = new StoreRoutingDirectory(store, { extensions: new StoreExtensionRows(store, clock, 60_000), cacheMs: 60_000, clock });
    assert.deepEqual(await shared.forwarding(acme, acme100), await plain.forwarding(acme, acme100));
    assert.equal((await shared.forwarding(acme, acme100))?.enabled.busy, true);
    assert.deepEqual(await shared.callerRouting(acme, acme100), await plain.callerRouting(acme, acme100));
    assert.equal((await shared.callerRouting(acme, acme100))?.callerIdNumber, '390211');
    assert.equal(await shared.forwarding(acme, 99_999), undefined);
  });

  t("a routing profile's routes are kept for the cache time, and each caller gets its own list", async (store) => {
    const { acme, acme100 } = await seed(store);
    const clock = new FakeClock('2026-01-01T00:00:00Z');
    const profile = Number((await store.objects('routingprofile').insert(null, { rp_name: 'Office' })).rp_id);
    await store.objects('route').insert(null, { dl_rp_id: profile, dl_regex: '^0' });
    await store.objects('extension').update(acme, acme100, { ex_rp_id: profile });
    const directory = new StoreRoutingDirectory(store, { cacheMs: 5000, clock });
    const first = await directory.routes(profile);
    assert.equal(first.length, 1);
    first.pop();
    await store.objects('route').insert(null, { dl_rp_id: profile, dl_regex: '^00' });
    assert.equal((await directory.routes(profile)).length, 1, 'kept, and not emptied by the first caller');
    clock.advance(5000);
    assert.equal((await directory.routes(profile)).length, 2);
    assert.equal((await directory.callerRouting(acme, acme100))?.routingProfileId, profile);
  });
});

test('requireColumns names a column the shared row lacks', () => {
  assert.doesNotThrow(() => requireColumns('reader', ['ex_id', 'ex_dnd']));
  assert.throws(() => requireColumns('reader', ['ex_id', 'ex_secret']), /reader: CALL_PATH_EXTENSION_COLUMNS lacks ex_secret/);
  assert.ok(!CALL_PATH_EXTENSION_COLUMNS.includes('ex_secret'), 'the shared row carries no credentials');
});
