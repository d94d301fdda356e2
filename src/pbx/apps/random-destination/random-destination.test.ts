// CUSTOM-<id> of type RANDOMDESTINATION on a real store: a draw among the filled RANDOMDESTINATION<n> slots only, the
// unnumbered slot as the fallback, other custom types handed to the CUSTOM step, another tenant's custom not drawn.
import assert from 'node:assert/strict';
import { silentLogger } from '../../../shared/index.ts';
import type { Store } from '../../../store/index.ts';
import { onEveryEngine, storeTest, twoTenants } from '../../../../test/support/store-engines.ts';
import { StoreRoutingDirectory } from '../../dialplan/index.ts';
import type { Application } from '../../calls/index.ts';
import { fakeCall } from '../special/fake-call.test-support.ts';
import { RandomDestination } from './random-destination.ts';

const typeId = async (store: Store, code: string) => Number((await store.objects('customtype').list(null, { ct_code: code }))[0]?.ct_id);

async function seed(store: Store) {
  const [acme, globex] = await twoTenants(store);
  const random = await typeId(store, 'RANDOMDESTINATION');
  const custom = async (tenant: number, name: string, type = random) => Number((await store.objects('custom').insert(tenant, { cu_name: name, cu_ct_id: type })).cu_id);
  const ext = async (tenant: number, number: string) => Number((await store.objects('extension').insert(tenant, { ex_number: number, ex_username: `${number}-${tenant}`, ex_name: number })).ex_id);
  const slot = (tenant: number, type: string, owner: number, extId: number) => store.objects('destination').insert(tenant, { de_type_src: type, de_type_id_src: owner, de_type_dst: 'EXT', de_type_id_dst: extId, de_ord: 1 });
  const draw = await custom(acme, 'Draw');
  const fallback = await custom(acme, 'Fallback only');
  const empty = await custom(acme, 'Empty');
  const external = await custom(acme, 'Mobile', await typeId(store, 'EXTERNALNUMBER'));
  const theirs = await custom(globex, 'Theirs');
  await slot(acme, 'RANDOMDESTINATION2', draw, await ext(acme, '101'));
  await slot(acme, 'RANDOMDESTINATION7', draw, await ext(acme, '102'));
  await slot(acme, 'RANDOMDESTINATION', fallback, await ext(acme, '103'));
  await slot(globex, 'RANDOMDESTINATION1', theirs, await ext(globex, '101'));
  return { acme, draw, fallback, empty, external, theirs };
}

onEveryEngine('RANDOMDESTINATION', (open) => {
  const t = storeTest(open);
  const handedOver: number[] = [];
  const otherTypes: Application = { run: async (_call, target) => (handedOver.push(target.id), { kind: 'next', reason: 'not-built' }) };
  const step = (store: Store, pick?: (n: number) => number) =>
    new RandomDestination({ customs: new StoreRoutingDirectory(store), slots: new StoreRoutingDirectory(store), otherTypes, logger: silentLogger, ...(pick ? { pick } : {}) });

  t('draws among the filled numbered slots only, with the draw deciding which', async (store) => {
    const { acme, draw } = await seed(store);
    const sizes: number[] = [];
    const first = step(store, (n) => (sizes.push(n), 0));
    assert.deepEqual(await first.run(fakeCall({ tenantId: acme }), { tag: 'CUSTOM', id: draw }), { kind: 'goto', slot: { slot: 'RANDOMDESTINATION2', ownerId: draw } });
    assert.deepEqual(sizes, [2], 'two slots are filled');
    const second = step(store, (n) => n - 1);
    assert.deepEqual(await second.run(fakeCall({ tenantId: acme }), { tag: 'CUSTOM', id: draw }), { kind: 'goto', slot: { slot: 'RANDOMDESTINATION7', ownerId: draw } });
    // The real draw lands on a filled slot every time.
    const seen = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const outcome = await step(store).run(fakeCall({ tenantId: acme }), { tag: 'CUSTOM', id: draw });
      assert.equal(outcome.kind, 'goto');
      if (outcome.kind === 'goto') seen.add(outcome.slot.slot);
    }
    assert.deepEqual([...seen].sort(), ['RANDOMDESTINATION2', 'RANDOMDESTINATION7']);
  });

  t('no numbered slot filled: the unnumbered slot, else the next target with 404', async (store) => {
    const { acme, fallback, empty } = await seed(store);
    assert.deepEqual(await step(store).run(fakeCall({ tenantId: acme }), { tag: 'CUSTOM', id: fallback }), { kind: 'goto', slot: { slot: 'RANDOMDESTINATION', ownerId: fallback } });
    assert.deepEqual(await step(store).run(fakeCall({ tenantId: acme }), { tag: 'CUSTOM', id: empty }), { kind: 'next', reason: 'unavailable', status: 404, text: `random destination ${empty} has no destinations` });
  });

  t("other custom types and another tenant's custom go to the CUSTOM step unchanged", async (store) => {
    const { acme, external, theirs } = await seed(store);
    handedOver.length = 0;
    assert.deepEqual(await step(store).run(fakeCall({ tenantId: acme }), { tag: 'CUSTOM', id: external }), { kind: 'next', reason: 'not-built' });
    assert.deepEqual(await step(store).run(fakeCall({ tenantId: acme }), { tag: 'CUSTOM', id: theirs }), { kind: 'next', reason: 'not-built' });
    assert.deepEqual(handedOver, [external, theirs]);
  });
});
