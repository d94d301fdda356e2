// Contract of the live-call journal repository (lc_livecalls), run on SQLite always and on PostgreSQL when
// CALLGRID_TEST_PG_URL is set.
import assert from 'node:assert/strict';
import { onEveryEngine, storeTest, twoTenants } from '../../test/support/store-engines.ts';
import type { LiveCallRow } from './index.ts';

const row = (linkedId: string, fields: Partial<LiveCallRow> = {}): LiveCallRow => ({
  lc_linkedid: linkedId,
  lc_node: 'n1',
  lc_te_id: 1,
  lc_cdr: '{"linkedId":"' + linkedId + '"}',
  lc_legs: '[]',
  lc_heartbeat: 1_795_773_600_000,
  ...fields,
});

onEveryEngine('live call repository', (open) => {
  const it = storeTest(open);

  it('put stores a row whole and put again replaces it; integers come back as numbers', async (store) => {
    const [a] = await twoTenants(store);
    await store.liveCalls.put(row('n1-1.1', { lc_te_id: a }));
    assert.deepEqual(await store.liveCalls.ofNode('n1'), [row('n1-1.1', { lc_te_id: a })]);
    await store.liveCalls.put(row('n1-1.1', { lc_te_id: a, lc_legs: '[{"callId":"x"}]', lc_heartbeat: 1_795_773_700_000 }));
    assert.deepEqual(await store.liveCalls.ofNode('n1'), [row('n1-1.1', { lc_te_id: a, lc_legs: '[{"callId":"x"}]', lc_heartbeat: 1_795_773_700_000 })]);
  });

  it("beat moves only the node's own rows, in one statement", async (store) => {
    await store.liveCalls.put(row('n1-1.1'));
    await store.liveCalls.put(row('n1-1.2'));
    await store.liveCalls.put(row('n2-1.1', { lc_node: 'n2' }));
    assert.equal(await store.liveCalls.beat('n1', 1_795_773_605_000), 2);
    assert.deepEqual((await store.liveCalls.ofNode('n1')).map((r) => r.lc_heartbeat), [1_795_773_605_000, 1_795_773_605_000]);
    assert.deepEqual((await store.liveCalls.ofNode('n2')).map((r) => r.lc_heartbeat), [1_795_773_600_000]);
    assert.equal(await store.liveCalls.beat('n3', 1), 0);
  });

  it('remove deletes one call; a second remove says there was none', async (store) => {
    await store.liveCalls.put(row('n1-1.1'));
    await store.liveCalls.put(row('n1-1.2'));
    assert.equal(await store.liveCalls.remove('n1-1.1'), true);
    assert.equal(await store.liveCalls.remove('n1-1.1'), false);
    assert.deepEqual((await store.liveCalls.ofNode('n1')).map((r) => r.lc_linkedid), ['n1-1.2']);
  });

  it('apply upserts and deletes several calls in one transaction; a call put twice keeps its later state', async (store) => {
    await store.liveCalls.put(row('n1-1.1'));
    await store.liveCalls.put(row('n1-1.2'));
    await store.liveCalls.apply({ put: [row('n1-1.2', { lc_legs: '[1]' }), row('n1-1.3'), row('n1-1.3', { lc_legs: '[2]' })], remove: ['n1-1.1', 'n1-9.9'] });
    assert.deepEqual((await store.liveCalls.ofNode('n1')).map((r) => [r.lc_linkedid, r.lc_legs]), [['n1-1.2', '[1]'], ['n1-1.3', '[2]']]);
    // More rows than one statement takes (500): still all of them.
    const many = Array.from({ length: 1_201 }, (_, i) => row(`n1-2.${String(i).padStart(4, '0')}`));
    await store.liveCalls.apply({ put: many, remove: [] });
    assert.equal((await store.liveCalls.ofNode('n1')).length, 1_203);
    await store.liveCalls.apply({ put: [], remove: many.map((r) => r.lc_linkedid) });
    assert.equal((await store.liveCalls.ofNode('n1')).length, 2);
    await store.liveCalls.apply({ put: [], remove: [] });
  });

  it('a refused apply stores nothing of it', async (store) => {
    await store.liveCalls.put(row('n1-1.1'));
    // The second row breaks NOT NULL: the first, and the delete, are rolled back with it.
    const broken = { ...row('n1-1.3'), lc_cdr: null } as unknown as LiveCallRow;
    await assert.rejects(store.liveCalls.apply({ put: [row('n1-1.2'), broken], remove: ['n1-1.1'] }));
    assert.deepEqual((await store.liveCalls.ofNode('n1')).map((r) => r.lc_linkedid), ['n1-1.1']);
  });
});
