// ENABLE/DISABLE/TOGGLEUNCONDITIONALDID on a real store: di_unconditionalstatus is switched as inbound routing reads
// it (the next carrier call runs DID-UNCONDITIONAL), the caller is never answered, another tenant's DID is not found.
import assert from 'node:assert/strict';
import { silentLogger } from '../../../shared/index.ts';
import type { Store } from '../../../store/index.ts';
import { onEveryEngine, storeTest, twoTenants } from '../../../../test/support/store-engines.ts';
import { routeInbound, StoreRoutingDirectory } from '../../dialplan/index.ts';
import { fakeCall } from '../special/fake-call.test-support.ts';
import { DidForward, type DidForwardChange } from './did-forward.ts';
import { StoreDidForwardDirectory } from './store-did-forward-directory.ts';

async function seed(store: Store) {
  const [acme, globex] = await twoTenants(store);
  const did = Number((await store.objects('did').insert(acme, { di_number: '390612340000' })).di_id);
  const theirs = Number((await store.objects('did').insert(globex, { di_number: '390699990000', di_unconditionalstatus: 'on' })).di_id);
  const ext = async (number: string) => Number((await store.objects('extension').insert(acme, { ex_number: number, ex_username: `${number}-ACME`, ex_name: number })).ex_id);
  await store.objects('destination').insert(acme, { de_type_src: 'DID', de_type_id_src: did, de_type_dst: 'EXT', de_type_id_dst: await ext('100'), de_ord: 1 });
  await store.objects('destination').insert(acme, { de_type_src: 'DID-UNCONDITIONAL', de_type_id_src: did, de_type_dst: 'EXT', de_type_id_dst: await ext('200'), de_ord: 1 });
  return { acme, globex, did, theirs };
}

onEveryEngine('DID unconditional forward steps', (open) => {
  const t = storeTest(open);
  const step = (store: Store, change: DidForwardChange) => new DidForward({ dids: new StoreDidForwardDirectory(store), logger: silentLogger }, change);
  const slotOf = async (store: Store) => {
    const decision = await routeInbound(new StoreRoutingDirectory(store), { called: '390612340000', caller: '3335550000' });
    return decision.ok ? decision.slot : decision.reason;
  };

  t('enable, toggle and disable switch the slot inbound calls run, without answering the caller', async (store) => {
    const { acme, did } = await seed(store);
    assert.equal(await slotOf(store), 'DID');
    const call = fakeCall({ tenantId: acme });
    assert.deepEqual(await step(store, 'enable').run(call, { tag: 'ENABLEUNCONDITIONALDID', id: did }), { kind: 'continue' });
    assert.equal((await store.objects('did').get(acme, did))?.di_unconditionalstatus, 'on');
    assert.equal(await slotOf(store), 'DID-UNCONDITIONAL');
    await step(store, 'enable').run(call, { tag: 'ENABLEUNCONDITIONALDID', id: did });
    assert.equal(await slotOf(store), 'DID-UNCONDITIONAL', 'enabling twice keeps it on');
    await step(store, 'toggle').run(call, { tag: 'TOGGLEUNCONDITIONALDID', id: did });
    assert.equal(await slotOf(store), 'DID');
    await step(store, 'toggle').run(call, { tag: 'TOGGLEUNCONDITIONALDID', id: did });
    assert.equal(await slotOf(store), 'DID-UNCONDITIONAL');
    await step(store, 'disable').run(call, { tag: 'DISABLEUNCONDITIONALDID', id: did });
    assert.equal(String((await store.objects('did').get(acme, did))?.di_unconditionalstatus), '');
    assert.equal(await slotOf(store), 'DID');
    assert.deepEqual(call.log, [], 'the caller is neither answered nor hung up');
    assert.deepEqual(call.attempts, []);
  });

  t("another tenant's DID: next target with 404, and it is left as it was", async (store) => {
    const { acme, globex, theirs } = await seed(store);
    assert.deepEqual(await step(store, 'disable').run(fakeCall({ tenantId: acme }), { tag: 'DISABLEUNCONDITIONALDID', id: theirs }), { kind: 'next', reason: 'unavailable', status: 404, text: `DID ${theirs} not found` });
    assert.equal((await store.objects('did').get(globex, theirs))?.di_unconditionalstatus, 'on');
  });
});
