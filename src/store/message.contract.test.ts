// Contract of the message repository (ms_messages: SIP MESSAGEs kept for offline phones), run on SQLite always and
// on PostgreSQL when CALLGRID_TEST_PG_URL is set.
import assert from 'node:assert/strict';
import { onEveryEngine, storeTest, twoTenants } from '../../test/support/store-engines.ts';
import type { NewStoredMessage } from './index.ts';

const NOW = '2026-12-05 12:00:00';
const CAP = { cap: 100, now: NOW };

const text = (body: string, fields: Partial<NewStoredMessage> = {}): NewStoredMessage => ({
  ms_from_ext: '100',
  ms_from_name: 'Reception',
  ms_to_ext: '101',
  ms_to_ex_id: 12,
  ms_content_type: 'text/plain;charset=UTF-8',
  ms_body: Buffer.from(body).toString('base64'),
  ms_created: NOW,
  ms_expires: '2026-12-12 12:00:00',
  ...fields,
});

onEveryEngine('Message repository', (open) => {
  const it = storeTest(open);

  it('add stores a row and answers it whole, waiting; pending reads it back', async (store) => {
    const [a] = await twoTenants(store);
    const row = await store.messages.add(a, text('héllo'), CAP);
    assert.ok(row !== undefined && row.ms_id > 0);
    assert.deepEqual({ ...row, ms_id: 0 }, { ms_id: 0, ms_te_id: a, ms_delivered: null, ...text('héllo') });
    assert.deepEqual(await store.messages.pending(a, 12, NOW, 10), [row]);
    assert.equal(Buffer.from(row.ms_body, 'base64').toString(), 'héllo');
  });

  it('pending: the extension\'s unexpired undelivered ones, oldest first, at most limit', async (store) => {
    const [a] = await twoTenants(store);
    const first = await store.messages.add(a, text('1'), CAP);
    await store.messages.add(a, text('other', { ms_to_ex_id: 13, ms_to_ext: '102' }), CAP);
    await store.messages.add(a, text('old', { ms_expires: NOW }), CAP);
    const second = await store.messages.add(a, text('2'), CAP);
    const third = await store.messages.add(a, text('3'), CAP);
    assert.deepEqual((await store.messages.pending(a, 12, NOW, 10)).map((m) => m.ms_id), [first?.ms_id, second?.ms_id, third?.ms_id]);
    assert.deepEqual((await store.messages.pending(a, 12, NOW, 2)).map((m) => m.ms_id), [first?.ms_id, second?.ms_id]);
    assert.ok(await store.messages.markDelivered(a, second?.ms_id ?? 0, NOW));
    assert.equal(await store.messages.markDelivered(a, second?.ms_id ?? 0, NOW), false, 'delivered once only');
    assert.deepEqual((await store.messages.pending(a, 12, NOW, 10)).map((m) => m.ms_id), [first?.ms_id, third?.ms_id]);
  });

  it('add refuses beyond the tenant\'s cap of waiting messages; delivered and expired ones do not count', async (store) => {
    const [a, b] = await twoTenants(store);
    const limits = { cap: 2, now: NOW };
    const one = await store.messages.add(a, text('1'), limits);
    assert.ok(await store.messages.add(a, text('2'), limits));
    assert.equal(await store.messages.add(a, text('3'), limits), undefined);
    assert.ok(await store.messages.add(b, text('b'), limits), 'the other tenant has its own cap');
    assert.equal(await store.messages.countPending(a, NOW), 2);
    await store.messages.markDelivered(a, one?.ms_id ?? 0, NOW);
    assert.ok(await store.messages.add(a, text('3'), limits));
    assert.equal(await store.messages.add(a, text('4'), limits), undefined);
    assert.ok(await store.messages.add(a, text('4'), { cap: 2, now: '2026-12-12 12:00:00' }), 'the first ones expired by then');
  });

  it("another tenant's messages are neither read nor marked", async (store) => {
    const [a, b] = await twoTenants(store);
    const mine = await store.messages.add(a, text('secret'), CAP);
    assert.deepEqual(await store.messages.pending(b, 12, NOW, 10), []);
    assert.equal(await store.messages.markDelivered(b, mine?.ms_id ?? 0, NOW), false);
    assert.equal(await store.messages.countPending(b, NOW), 0);
    assert.equal((await store.messages.pending(a, 12, NOW, 10)).length, 1);
  });

  it('purge drops delivered and expired rows of every tenant and keeps the waiting ones', async (store) => {
    const [a, b] = await twoTenants(store);
    const delivered = await store.messages.add(a, text('d'), CAP);
    await store.messages.markDelivered(a, delivered?.ms_id ?? 0, NOW);
    await store.messages.add(b, text('expired', { ms_expires: '2026-12-05 11:59:59' }), { cap: 100, now: '2026-12-01 00:00:00' });
    const waiting = await store.messages.add(a, text('w'), CAP);
    assert.equal(await store.messages.purge(NOW), 2);
    assert.deepEqual((await store.messages.pending(a, 12, NOW, 10)).map((m) => m.ms_id), [waiting?.ms_id]);
    assert.equal(await store.messages.purge(NOW), 0);
  });
});
