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
});
