// Contract of the IVR log repository (il_ivrlogs), run on SQLite always and on PostgreSQL when
// CALLGRID_TEST_PG_URL is set.
import assert from 'node:assert/strict';
import { onEveryEngine, storeTest, twoTenants } from '../../test/support/store-engines.ts';
import type { NewIvrLog } from './index.ts';

const choice = (date: string, fields: Partial<NewIvrLog> = {}): NewIvrLog => ({
  il_date: date,
  il_linkedid: 'n1-1795773600.1',
  il_iv_id: 7,
  il_ivrname: 'Main menu',
  il_callerid: '+41441230000',
  il_calleridname: 'Ann',
  il_round: 1,
  il_keys: '1',
  il_choice: 'KEY',
  il_destination: 'IVR_1',
  ...fields,
});

onEveryEngine('IVR log repository', (open) => {
  const it = storeTest(open);

  it('add stores a row and answers it whole, integers as numbers', async (store) => {
    const [a] = await twoTenants(store);
    const row = await store.ivrLogs.add(a, choice('2026-11-27 10:00:00', { il_round: 2 }));
    assert.ok(row.il_id > 0);
    assert.deepEqual({ ...row, il_id: 0 }, { il_id: 0, il_te_id: a, ...choice('2026-11-27 10:00:00', { il_round: 2 }) });
    assert.deepEqual(await store.ivrLogs.list(a, {}), [row]);
  });

  it("list: the tenant's rows in [from, to] by date then id", async (store) => {
    const [a] = await twoTenants(store);
    await store.ivrLogs.add(a, choice('2026-11-27 12:00:00', { il_keys: 'c' }));
    await store.ivrLogs.add(a, choice('2026-11-26 23:59:59', { il_keys: 'a' }));
    await store.ivrLogs.add(a, choice('2026-11-27 00:00:00', { il_keys: 'b' }));
    await store.ivrLogs.add(a, choice('2026-11-27 12:00:00', { il_keys: 'd' }));
    const keys = async (range: { from?: string; to?: string }) => (await store.ivrLogs.list(a, range)).map((r) => r.il_keys);
    assert.deepEqual(await keys({}), ['a', 'b', 'c', 'd']);
    assert.deepEqual(await keys({ from: '2026-11-27 00:00:00', to: '2026-11-27 23:59:59' }), ['b', 'c', 'd']);
    assert.deepEqual(await keys({ to: '2026-11-27 00:00:00' }), ['a', 'b']);
    assert.deepEqual(await keys({ from: '2026-11-28 00:00:00' }), []);
  });

  it("a tenant never reads another's rows; rows go with their tenant; an unknown tenant is refused", async (store) => {
    const [a, b] = await twoTenants(store);
    await store.ivrLogs.add(a, choice('2026-11-27 10:00:00'));
    assert.deepEqual(await store.ivrLogs.list(b, {}), []);
    await store.ivrLogs.add(b, choice('2026-11-27 10:00:00', { il_choice: 'TIMEOUT', il_keys: '' }));
    assert.deepEqual((await store.ivrLogs.list(b, {})).map((r) => [r.il_te_id, r.il_choice]), [[b, 'TIMEOUT']]);
    assert.equal(await store.tenants.delete(a), true);
    assert.deepEqual(await store.ivrLogs.list(a, {}), []);
    assert.equal((await store.ivrLogs.list(b, {})).length, 1);
    await assert.rejects(store.ivrLogs.add(999, choice('2026-11-27 10:00:00')), (e: Error) => (e as { code?: string }).code === 'invalid_parameter');
  });
});
