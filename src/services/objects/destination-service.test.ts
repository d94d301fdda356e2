// DestinationService on every store engine: slot replace is all-or-nothing, rows come back in order,
// and an owner's rows are found across its slots. The MANAGEDB behaviour is in managedb-destination.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { onEveryEngine } from '../../../test/support/store-engines.ts';
import { DestinationService } from './destination-service.ts';
import { orderedEntries } from './ordered-entries.ts';

onEveryEngine('DestinationService', (open) => {
  test('replace is one transaction: a failing write leaves the slot as it was', async () => {
    const { store, dispose } = await open();
    try {
      const tenant = await store.tenants.create({ te_code: 'ACME', te_name: 'Acme' }, '2026-01-01 00:00:00');
      const ivr = await store.objects('ivr').insert(tenant.te_id, { iv_name: 'Menu' });
      const service = new DestinationService(store);
      await service.replace(tenant.te_id, 'IVR_1', Number(ivr.iv_id), ['PARK-1', 'PARK-2']);
      await service.replace(tenant.te_id, 'IVR_2', Number(ivr.iv_id), ['PARK-3']);
      // Two rows at the same position violate the slot's unique index after the delete ran.
      const slot = { de_type_src: 'IVR_1', de_type_id_src: Number(ivr.iv_id) };
      const clash = { ...slot, de_type_dst: 'PARK', de_type_id_dst: 9, de_ord: 1 };
      await assert.rejects(store.objects('destination').replaceWhere(tenant.te_id, slot, [clash, clash]), { code: 'conflict' });
      assert.deepEqual((await service.list(tenant.te_id, 'ivr_1', Number(ivr.iv_id))).map((r) => r.de_type_id_dst), [1, 2]);
      assert.deepEqual((await service.ofOwner(tenant.te_id, 'ivr', Number(ivr.iv_id))).map((r) => `${r.de_type_src}/${r.de_ord}`), ['IVR_1/1', 'IVR_1/2', 'IVR_2/1']);
    } finally {
      await dispose();
    }
  });
});

test('orderedEntries reads arrays as given and position-keyed objects by number', () => {
  assert.deepEqual(orderedEntries(['a', 'b'], 'x', 5), ['a', 'b']);
  assert.deepEqual(orderedEntries({ '10': 'c', '2': 'b', '1': 'a' }, 'x', 5), ['a', 'b', 'c']);
  assert.throws(() => orderedEntries([1, 2, 3], 'x', 2), /at most 2 entries \(got 3\)/);
  assert.throws(() => orderedEntries(null, 'x', 2), /expected a JSON array/);
});
