// Contract of the recording repository (re_recordings), run on SQLite always and on PostgreSQL when
// CALLGRID_TEST_PG_URL is set.
import assert from 'node:assert/strict';
import { onEveryEngine, storeTest, twoTenants } from '../../test/support/store-engines.ts';
import type { NewRecording } from './index.ts';

const call = (uniqueid: string, fields: Partial<NewRecording> = {}): NewRecording => ({
  re_uniqueid: uniqueid,
  re_linkedid: uniqueid,
  re_originateid: '',
  re_start: '2026-11-27 10:00:00',
  re_end: '2026-11-27 10:01:00',
  re_durationms: 59_500,
  re_filename: `recordings/2026-11-27/${uniqueid}.wav`,
  re_format: 'wav',
  re_size: 952_044,
  re_node: 'n1',
  ...fields,
});

onEveryEngine('Recording repository', (open) => {
  const it = storeTest(open);

  it('put stores a row and answers it whole, numbers as numbers; find reads it back by uniqueid', async (store) => {
    const [a] = await twoTenants(store);
    const row = await store.recordings.put(a, call('n1-1795773600.1', { re_originateid: '15a4cfe6429054' }));
    assert.ok(row.re_id > 0);
    assert.deepEqual({ ...row, re_id: 0 }, { re_id: 0, re_te_id: a, ...call('n1-1795773600.1', { re_originateid: '15a4cfe6429054' }) });
    assert.deepEqual(await store.recordings.find(a, 'n1-1795773600.1'), row);
  });

  it('sizes beyond 32 bits come back exact', async (store) => {
    const [a] = await twoTenants(store);
    await store.recordings.put(a, call('n1-1795773600.9', { re_size: 5_000_000_000, re_durationms: 86_400_000 * 3 }));
    const found = await store.recordings.find(a, 'n1-1795773600.9');
    assert.equal(found?.re_size, 5_000_000_000);
    assert.equal(found?.re_durationms, 259_200_000);
  });

  it('find by DIAL originate id; the latest when two share one; an empty id finds nothing', async (store) => {
    const [a] = await twoTenants(store);
    await store.recordings.put(a, call('n1-1795773600.2', { re_originateid: 'abc123' }));
    const later = await store.recordings.put(a, call('n1-1795773700.3', { re_originateid: 'abc123' }));
    assert.equal((await store.recordings.find(a, 'abc123'))?.re_id, later.re_id);
    await store.recordings.put(a, call('n1-1795773600.4'));
    assert.equal(await store.recordings.find(a, ''), undefined, 'recordings without an originate id are not found by an empty one');
    assert.equal(await store.recordings.find(a, 'nope'), undefined);
  });

  it('a second report of the same call replaces its row in place', async (store) => {
    const [a] = await twoTenants(store);
    const first = await store.recordings.put(a, call('n1-1795773600.5'));
    const second = await store.recordings.put(a, call('n1-1795773600.5', { re_end: '2026-11-27 10:02:00', re_size: 44, re_originateid: 'x1' }));
    assert.equal(second.re_id, first.re_id);
    assert.equal(second.re_size, 44);
    assert.deepEqual((await store.recordings.list(a, {})).map((r) => [r.re_uniqueid, r.re_end, r.re_originateid]), [['n1-1795773600.5', '2026-11-27 10:02:00', 'x1']]);
  });

  it('list: the tenant\'s rows in [from, to] by start then id', async (store) => {
    const [a] = await twoTenants(store);
    await store.recordings.put(a, call('c', { re_start: '2026-11-27 12:00:00' }));
    await store.recordings.put(a, call('a', { re_start: '2026-11-26 23:59:59' }));
    await store.recordings.put(a, call('b', { re_start: '2026-11-27 00:00:00' }));
    await store.recordings.put(a, call('d', { re_start: '2026-11-27 12:00:00' }));
    const ids = async (range: { from?: string; to?: string }) => (await store.recordings.list(a, range)).map((r) => r.re_uniqueid);
    assert.deepEqual(await ids({}), ['a', 'b', 'c', 'd']);
    assert.deepEqual(await ids({ from: '2026-11-27 00:00:00', to: '2026-11-27 23:59:59' }), ['b', 'c', 'd']);
    assert.deepEqual(await ids({ to: '2026-11-27 00:00:00' }), ['a', 'b']);
    assert.deepEqual(await ids({ from: '2026-11-28 00:00:00' }), []);
  });

  it("another tenant's recording reads as not found; two tenants may hold the same uniqueid; null finds any tenant's", async (store) => {
    const [a, b] = await twoTenants(store);
    const mine = await store.recordings.put(a, call('n1-1795773600.6', { re_originateid: 'o-6' }));
    assert.equal(await store.recordings.find(b, 'n1-1795773600.6'), undefined);
    assert.equal(await store.recordings.find(b, 'o-6'), undefined);
    assert.deepEqual(await store.recordings.list(b, {}), []);
    const theirs = await store.recordings.put(b, call('n1-1795773600.6', { re_size: 1 }));
    assert.equal((await store.recordings.find(a, 'n1-1795773600.6'))?.re_id, mine.re_id);
    assert.equal((await store.recordings.find(b, 'n1-1795773600.6'))?.re_id, theirs.re_id);
    assert.equal((await store.recordings.find(null, 'o-6'))?.re_te_id, a);
  });

  it("a tenant's recordings go with it; one for a tenant that does not exist is refused", async (store) => {
    const [a, b] = await twoTenants(store);
    await store.recordings.put(a, call('x'));
    await store.recordings.put(b, call('y'));
    assert.equal(await store.tenants.delete(a), true);
    assert.equal(await store.recordings.find(null, 'x'), undefined);
    assert.equal((await store.recordings.list(b, {})).length, 1);
    await assert.rejects(store.recordings.put(999, call('z')), (e: Error) => (e as { code?: string }).code === 'invalid_parameter');
  });
});
