// Contract of the SMS log repository (sm_sms), run on SQLite always and on PostgreSQL when CALLGRID_TEST_PG_URL is set.
import assert from 'node:assert/strict';
import { onEveryEngine, storeTest, twoTenants } from '../../test/support/store-engines.ts';
import type { NewSms } from './index.ts';

const sms = (created: string, fields: Partial<NewSms> = {}): NewSms => ({
  sm_direction: 'out',
  sm_from: '100',
  sm_to: '+41791234567',
  sm_text: 'Grüße, 你好',
  sm_status: 'queued',
  sm_pr_id: 3,
  sm_provider_ids: '',
  sm_parts: 1,
  sm_error: '',
  sm_created: created,
  sm_updated: created,
  ...fields,
});

onEveryEngine('SMS repository', (open) => {
  const it = storeTest(open);

  it('add stores a row and answers it whole (unicode text, null provider), integers as numbers', async (store) => {
    const [a] = await twoTenants(store);
    const row = await store.sms.add(a, sms('2026-12-05 10:00:00', { sm_pr_id: null, sm_parts: 2 }));
    assert.ok(row.sm_id > 0);
    assert.deepEqual({ ...row, sm_id: 0 }, { sm_id: 0, sm_te_id: a, ...sms('2026-12-05 10:00:00', { sm_pr_id: null, sm_parts: 2 }) });
    assert.deepEqual(await store.sms.get(a, row.sm_id), row);
  });

  it('update changes status, ids, parts and error of the tenant’s row only', async (store) => {
    const [a, b] = await twoTenants(store);
    const row = await store.sms.add(a, sms('2026-12-05 10:00:00'));
    assert.equal(await store.sms.update(b, row.sm_id, { sm_status: 'failed', sm_updated: '2026-12-05 10:00:05' }), undefined);
    const changed = await store.sms.update(a, row.sm_id, { sm_status: 'sent', sm_provider_ids: 'ab12,ab13', sm_parts: 2, sm_updated: '2026-12-05 10:00:01' });
    assert.deepEqual(changed, { ...row, sm_status: 'sent', sm_provider_ids: 'ab12,ab13', sm_parts: 2, sm_updated: '2026-12-05 10:00:01' });
    assert.equal(await store.sms.update(a, row.sm_id + 100, { sm_status: 'failed', sm_updated: '2026-12-05 10:00:05' }), undefined);
  });

  it("list: the tenant's rows in [from, to] by creation then id; never another tenant's; rows go with their tenant", async (store) => {
    const [a, b] = await twoTenants(store);
    await store.sms.add(a, sms('2026-12-05 12:00:00', { sm_text: 'c' }));
    await store.sms.add(a, sms('2026-12-04 23:59:59', { sm_text: 'a' }));
    await store.sms.add(a, sms('2026-12-05 00:00:00', { sm_text: 'b', sm_direction: 'in', sm_status: 'received' }));
    await store.sms.add(b, sms('2026-12-05 01:00:00', { sm_text: 'other' }));
    const texts = async (range: { from?: string; to?: string }) => (await store.sms.list(a, range)).map((r) => r.sm_text);
    assert.deepEqual(await texts({}), ['a', 'b', 'c']);
    assert.deepEqual(await texts({ from: '2026-12-05 00:00:00', to: '2026-12-05 23:59:59' }), ['b', 'c']);
    assert.deepEqual(await texts({ to: '2026-12-05 00:00:00' }), ['a', 'b']);
    const other = (await store.sms.list(b, {}))[0];
    assert.equal(other?.sm_text, 'other');
    assert.equal(await store.sms.get(a, other.sm_id), undefined);
    assert.equal(await store.tenants.delete(a), true);
    assert.deepEqual(await store.sms.list(a, {}), []);
    assert.equal((await store.sms.list(b, {})).length, 1);
    await assert.rejects(store.sms.add(999, sms('2026-12-05 10:00:00')), (e: Error) => (e as { code?: string }).code === 'invalid_parameter');
  });
});
