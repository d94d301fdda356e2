// FLOW-<id> on a real store: the call goes on with the flow's FLOW slot; an empty flow lets the list go on; another
// tenant's flow id is not found (404), though both tenants have a flow and a filled slot.
import assert from 'node:assert/strict';
import { silentLogger } from '../../../shared/index.ts';
import type { Store } from '../../../store/index.ts';
import { onEveryEngine, storeTest, twoTenants } from '../../../../test/support/store-engines.ts';
import { StoreRoutingDirectory } from '../../dialplan/index.ts';
import { fakeCall } from '../special/fake-call.test-support.ts';
import { FlowStep } from './flow-step.ts';
import { StoreFlowDirectory } from './store-flow-directory.ts';

async function seed(store: Store) {
  const [acme, globex] = await twoTenants(store);
  const flow = Number((await store.objects('flow').insert(acme, { fl_name: 'Day/night', fl_number: '*30' })).fl_id);
  const empty = Number((await store.objects('flow').insert(acme, { fl_name: 'Nothing yet' })).fl_id);
  const foreign = Number((await store.objects('flow').insert(globex, { fl_name: 'Theirs' })).fl_id);
  const ext = Number((await store.objects('extension').insert(acme, { ex_number: '100', ex_username: '100-ACME', ex_name: 'Alice' })).ex_id);
  const theirExt = Number((await store.objects('extension').insert(globex, { ex_number: '100', ex_username: '100-GLOBEX', ex_name: 'Bob' })).ex_id);
  await store.objects('destination').insert(acme, { de_type_src: 'FLOW', de_type_id_src: flow, de_type_dst: 'EXT', de_type_id_dst: ext, de_ord: 1 });
  await store.objects('destination').insert(globex, { de_type_src: 'FLOW', de_type_id_src: foreign, de_type_dst: 'EXT', de_type_id_dst: theirExt, de_ord: 1 });
  return { acme, flow, empty, foreign };
}

onEveryEngine('FLOW step', (open) => {
  const t = storeTest(open);
  const step = (store: Store) => new FlowStep({ flows: new StoreFlowDirectory(store), slots: new StoreRoutingDirectory(store), logger: silentLogger });

  t('goes to the FLOW slot of the tenant flow; an empty flow lets the list go on', async (store) => {
    const { acme, flow, empty } = await seed(store);
    assert.deepEqual(await step(store).run(fakeCall({ tenantId: acme }), { tag: 'FLOW', id: flow }), { kind: 'goto', slot: { slot: 'FLOW', ownerId: flow } });
    assert.deepEqual(await step(store).run(fakeCall({ tenantId: acme }), { tag: 'FLOW', id: empty }), { kind: 'continue' });
  });

  t("another tenant's flow, or none: next target with 404", async (store) => {
    const { acme, foreign } = await seed(store);
    assert.deepEqual(await step(store).run(fakeCall({ tenantId: acme }), { tag: 'FLOW', id: foreign }), { kind: 'next', reason: 'unavailable', status: 404, text: `flow ${foreign} not found` });
    assert.deepEqual(await step(store).run(fakeCall({ tenantId: acme }), { tag: 'FLOW', id: 999 }), { kind: 'next', reason: 'unavailable', status: 404, text: 'flow 999 not found' });
  });
});
