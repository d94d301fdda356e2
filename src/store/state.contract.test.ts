// Contract of the hint-state repository (st_states), run on SQLite always and on PostgreSQL when
// CALLGRID_TEST_PG_URL is set.
import assert from 'node:assert/strict';
import { onEveryEngine, storeTest, twoTenants } from '../../test/support/store-engines.ts';

const CREATED = '2026-01-02 03:04:05';

onEveryEngine('Hint state repository', (open) => {
  const it = storeTest(open);

  const tenants = twoTenants;

  it('set creates, a second set replaces in place; get and list read them back', async (store) => {
    const [a] = await tenants(store);
    assert.equal(await store.states.get(a, '*30-ACME'), undefined);
    const first = await store.states.set(a, { st_extension: '*30-ACME', st_state: 'INUSE', st_timestamp: '2026-11-27 10:00:00', st_peername: '' });
    assert.equal(first.st_te_id, a);
    assert.equal(first.st_state, 'INUSE');
    const second = await store.states.set(a, { st_extension: '*30-ACME', st_state: 'NOT_INUSE', st_timestamp: '2026-11-27 10:05:00', st_peername: 'p' });
    assert.equal(second.st_id, first.st_id, 'the same row');
    assert.deepEqual(await store.states.get(a, '*30-ACME'), second);
    assert.deepEqual({ ...second, st_id: 0 }, { st_id: 0, st_te_id: a, st_extension: '*30-ACME', st_state: 'NOT_INUSE', st_timestamp: '2026-11-27 10:05:00', st_peername: 'p' });
    await store.states.set(a, { st_extension: '100-ACME', st_state: 'UNAVAILABLE', st_timestamp: '2026-11-27 10:06:00', st_peername: '' });
    assert.deepEqual((await store.states.list(a)).map((s) => [s.st_extension, s.st_state]), [['*30-ACME', 'NOT_INUSE'], ['100-ACME', 'UNAVAILABLE']]);
  });

  it('two tenants may hold the same hint name; each reads only its own', async (store) => {
    const [a, b] = await tenants(store);
    await store.states.set(a, { st_extension: '500-X', st_state: 'INUSE', st_timestamp: CREATED, st_peername: '' });
    await store.states.set(b, { st_extension: '500-X', st_state: 'RINGING', st_timestamp: CREATED, st_peername: '' });
    assert.equal((await store.states.get(a, '500-X'))?.st_state, 'INUSE');
    assert.equal((await store.states.get(b, '500-X'))?.st_state, 'RINGING');
    assert.equal((await store.states.list(b)).length, 1);
  });

  it("a tenant's states go with it; a state for a tenant that does not exist is refused", async (store) => {
    const [a, b] = await tenants(store);
    await store.states.set(a, { st_extension: '1-ACME', st_state: 'INUSE', st_timestamp: CREATED, st_peername: '' });
    await store.states.set(b, { st_extension: '1-GLOBEX', st_state: 'INUSE', st_timestamp: CREATED, st_peername: '' });
    assert.equal(await store.tenants.delete(a), true);
    assert.deepEqual(await store.states.list(a), []);
    assert.equal((await store.states.list(b)).length, 1);
    await assert.rejects(store.states.set(999, { st_extension: '1-X', st_state: 'INUSE', st_timestamp: CREATED, st_peername: '' }), (e: Error) => (e as { code?: string }).code === 'invalid_parameter');
  });
});
