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

  it('parts: addParts keeps the provider ids, findPart answers the best candidate of any tenant, setPartStatus answers all parts', async (store) => {
    const [a, b] = await twoTenants(store);
    const row = await store.sms.add(a, sms('2026-12-05 10:00:00', { sm_parts: 2 }));
    const other = await store.sms.add(b, sms('2026-12-05 10:00:00'));
    await store.sms.addParts(a, row.sm_id, 3, ['a1b2c', '10'], '2026-12-05 10:00:01');
    await store.sms.addParts(b, other.sm_id, 3, ['16'], '2026-12-05 10:00:01');
    await store.sms.addParts(b, row.sm_id, 3, ['ffff'], '2026-12-05 10:00:01');
    assert.equal(await store.sms.findPart(3, ['ffff']), undefined, "another tenant's SMS gets no parts");
    assert.equal(await store.sms.findPart(4, ['a1b2c']), undefined, 'another provider');
    assert.equal(await store.sms.findPart(3, ['nope']), undefined);
    const first = await store.sms.findPart(3, ['662316', 'a1b2c']);
    assert.deepEqual(first, { sp_sm_id: row.sm_id, sp_te_id: a, sp_pr_id: 3, sp_part: 1, sp_message_id: 'a1b2c', sp_status: '', sp_stat: '', sp_error: '', sp_updated: '2026-12-05 10:00:01' });
    // A receipt's '16' may also stand for hex '10' (tenant a's part 2): tenant b's exact '16' comes first.
    assert.equal((await store.sms.findPart(3, ['16', '10']))?.sp_sm_id, other.sm_id);
    assert.equal((await store.sms.findPart(3, ['22', '10']))?.sp_part, 2);
    const change = { sp_status: 'delivered', sp_stat: 'DELIVRD', sp_error: '000', sp_updated: '2026-12-05 10:00:05' };
    assert.deepEqual(await store.sms.setPartStatus(b, row.sm_id, 1, change), [], "not the other tenant's");
    const parts = await store.sms.setPartStatus(a, row.sm_id, 1, change);
    assert.deepEqual(parts.map((p) => [p.sp_part, p.sp_status, p.sp_stat]), [[1, 'delivered', 'DELIVRD'], [2, '', '']]);
    assert.equal(await store.tenants.delete(a), true);
    assert.equal(await store.sms.findPart(3, ['a1b2c']), undefined, 'parts go with their SMS and tenant');
  });
});
