// SETUNCONDITIONALDID on a real store: the number the caller keys becomes the DID's unconditional forward (one CUSTOM
// external number in DID-UNCONDITIONAL, switched on), which inbound routing then runs; the same number reuses its
// custom; bad input (none, too long, *) and another tenant's DID change nothing.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../../../shared/index.ts';
import type { Store } from '../../../store/index.ts';
import { onEveryEngine, storeTest, twoTenants } from '../../../../test/support/store-engines.ts';
import { routeInbound, StoreRoutingDirectory } from '../../dialplan/index.ts';
import { checkForwardNumber } from './forward-number.ts';
import { HANGUP, keypadCall } from './keypad-call.test-support.ts';
import { SetUnconditionalDid } from './set-unconditional-did.ts';
import { StoreDidForwardDirectory } from './store-did-forward-directory.ts';

async function seed(store: Store) {
  const [acme, globex] = await twoTenants(store);
  const did = Number((await store.objects('did').insert(acme, { di_number: '390612340000' })).di_id);
  const theirs = Number((await store.objects('did').insert(globex, { di_number: '390699990000' })).di_id);
  const ext = Number((await store.objects('extension').insert(acme, { ex_number: '200', ex_username: '200-ACME', ex_name: '200' })).ex_id);
  await store.objects('destination').insert(acme, { de_type_src: 'DID', de_type_id_src: did, de_type_dst: 'EXT', de_type_id_dst: ext, de_ord: 1 });
  await store.objects('destination').insert(acme, { de_type_src: 'DID-UNCONDITIONAL', de_type_id_src: did, de_type_dst: 'EXT', de_type_id_dst: ext, de_ord: 1 });
  return { acme, globex, did, theirs };
}

const keys = (text: string) => [...text];
const target = (id: number) => ({ tag: 'SETUNCONDITIONALDID', id });
const tones = (plays: ReadonlyArray<ReadonlyArray<{ kind: string; tone?: string }>>) => plays.map((items) => items.filter((i) => i.kind === 'tone').map((i) => i.tone).join('+'));

onEveryEngine('SETUNCONDITIONALDID', (open) => {
  const t = storeTest(open);
  const step = (store: Store) => new SetUnconditionalDid({ dids: new StoreDidForwardDirectory(store), logger: silentLogger });
  const inbound = async (store: Store, called = '390612340000') => {
    const decision = await routeInbound(new StoreRoutingDirectory(store), { called, caller: '3335550000' });
    assert.ok(decision.ok, JSON.stringify(decision));
    return decision;
  };
  const slot = async (store: Store, tenantId: number, did: number) =>
    (await store.objects('destination').list(tenantId, { de_type_src: 'DID-UNCONDITIONAL', de_type_id_src: did })).map((r) => `${r.de_type_dst}-${r.de_type_id_dst}`);

  t('the keyed number becomes the forward that inbound calls run; # ends it, a confirmation follows', async (store) => {
    const { acme, did } = await seed(store);
    assert.equal((await inbound(store)).slot, 'DID', 'the forward starts switched off');
    const call = keypadCall({ tenantId: acme, keys: keys('00393331234567#') });
    assert.deepEqual(await step(store).run(call, target(did)), { kind: 'continue' });
    assert.deepEqual(call.log, ['answer']);
    assert.deepEqual(tones(call.plays), ['confirm-off', 'confirm-on']);
    assert.deepEqual(call.attempts.map((a) => [a.landed.label, a.app]), [[`SETUNCONDITIONALDID-${did}`, 'Read']]);

    const [custom] = await store.objects('custom').list(acme);
    assert.ok(custom);
    const [type] = await store.objects('customtype').list(null, { ct_code: 'EXTERNALNUMBER' });
    assert.deepEqual([custom.cu_ct_id, custom.cu_param1, custom.cu_param2], [type?.ct_id, '00393331234567', 'CALLERID']);
    assert.deepEqual(await slot(store, acme, did), [`CUSTOM-${custom.cu_id}`], 'the slot holds that one target, the old EXT is gone');
    assert.equal((await store.objects('did').get(acme, did))?.di_unconditionalstatus, 'on');
    const decision = await inbound(store);
    assert.equal(decision.slot, 'DID-UNCONDITIONAL');
    assert.deepEqual(decision.destinations, [{ kind: 'external', number: '00393331234567', presentedCallerId: 'caller', ringSeconds: undefined }]);
  });

  t('the digit timeout ends a number too; the same number again reuses its custom, another one gets its own', async (store) => {
    const { acme, did } = await seed(store);
    await step(store).run(keypadCall({ tenantId: acme, keys: keys('0612345') }), target(did));
    await step(store).run(keypadCall({ tenantId: acme, keys: keys('0612345#') }), target(did));
    const customs = await store.objects('custom').list(acme);
    assert.deepEqual(customs.map((c) => c.cu_param1), ['0612345']);
    assert.deepEqual(await slot(store, acme, did), [`CUSTOM-${customs[0]?.cu_id}`]);
    await step(store).run(keypadCall({ tenantId: acme, keys: keys('0698765#') }), target(did));
    const after = await store.objects('custom').list(acme);
    assert.deepEqual(after.map((c) => c.cu_param1), ['0612345', '0698765']);
    assert.deepEqual(await slot(store, acme, did), [`CUSTOM-${after[1]?.cu_id}`]);
  });

  t("a custom of the administrator's with other settings, or another tenant's, is not reused", async (store) => {
    const { acme, globex, did } = await seed(store);
    const [type] = await store.objects('customtype').list(null, { ct_code: 'EXTERNALNUMBER' });
    await store.objects('custom').insert(acme, { cu_name: 'Boss', cu_ct_id: Number(type?.ct_id), cu_param1: '0612345', cu_param2: 'INCOMINGDID' });
    await store.objects('custom').insert(globex, { cu_name: 'Theirs', cu_ct_id: Number(type?.ct_id), cu_param1: '0612345', cu_param2: 'CALLERID' });
    await step(store).run(keypadCall({ tenantId: acme, keys: keys('0612345#') }), target(did));
    const mine = await store.objects('custom').list(acme);
    assert.deepEqual(mine.map((c) => [c.cu_param1, c.cu_param2]), [['0612345', 'INCOMINGDID'], ['0612345', 'CALLERID']]);
    assert.deepEqual(await slot(store, acme, did), [`CUSTOM-${mine[1]?.cu_id}`]);
  });

  for (const [what, script] of [
    ['nothing keyed (# at once)', ['#']],
    ['nothing keyed (the tone ran out)', []],
    ['33 digits', keys('1'.repeat(40))],
    ['a * in it', keys('06*123#')],
  ] as const) {
    t(`${what}: the failure tone, the PBX hangs up, the forward is unchanged`, async (store) => {
      const { acme, did } = await seed(store);
      const call = keypadCall({ tenantId: acme, keys: script });
      assert.deepEqual(await step(store).run(call, target(did)), { kind: 'done' });
      assert.deepEqual(call.log, ['answer', 'hangup:set-unconditional-did-refused']);
      assert.deepEqual(tones(call.plays), ['confirm-off', 'confirm-failed']);
      assert.deepEqual(await store.objects('custom').list(acme), []);
      assert.equal((await slot(store, acme, did))[0]?.startsWith('EXT-'), true);
      assert.equal(String((await store.objects('did').get(acme, did))?.di_unconditionalstatus), '');
    });
  }

  t('a caller who hangs up while keying changes nothing', async (store) => {
    const { acme, did } = await seed(store);
    const call = keypadCall({ tenantId: acme, keys: [...keys('0612'), HANGUP] });
    assert.deepEqual(await step(store).run(call, target(did)), { kind: 'caller-gone' });
    assert.deepEqual(await store.objects('custom').list(acme), []);
    assert.equal(String((await store.objects('did').get(acme, did))?.di_unconditionalstatus), '');
  });

  t("another tenant's DID: next target with 404, the caller is not answered, nothing is written", async (store) => {
    const { acme, globex, theirs } = await seed(store);
    const call = keypadCall({ tenantId: acme, keys: keys('0612345#') });
    assert.deepEqual(await step(store).run(call, target(theirs)), { kind: 'next', reason: 'unavailable', status: 404, text: `DID ${theirs} not found` });
    assert.deepEqual(call.log, []);
    assert.deepEqual(await store.objects('custom').list(null), []);
    assert.deepEqual(await slot(store, globex, theirs), []);
    assert.equal(String((await store.objects('did').get(globex, theirs))?.di_unconditionalstatus), '');
  });

  t('a caller the PBX cannot answer (no G.711) fails the step with 488', async (store) => {
    const { acme, did } = await seed(store);
    assert.deepEqual(await step(store).run(keypadCall({ tenantId: acme, keys: [], answerable: false }), target(did)), { kind: 'failed', status: 488, text: 'Not Acceptable Here' });
  });
});

describe('forward numbers keyed in', () => {
  test('digits, 1 to 32 of them', () => {
    assert.deepEqual(checkForwardNumber('0612345678'), { ok: true, number: '0612345678' });
    assert.deepEqual(checkForwardNumber('9'.repeat(32)), { ok: true, number: '9'.repeat(32) });
    assert.equal(checkForwardNumber('').ok, false);
    assert.equal(checkForwardNumber('9'.repeat(33)).ok, false);
    assert.equal(checkForwardNumber('06*1').ok, false);
    assert.equal(checkForwardNumber('06A1').ok, false);
  });
});
