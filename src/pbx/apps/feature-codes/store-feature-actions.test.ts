// StoreFeatureActions on a real store: DND on the extension row, flow toggles coupled to fl_value like SETFLOW,
// the tenant's featurecode rows, and tenant isolation (two tenants with the same numbers).
import assert from 'node:assert/strict';
import type { FlowState } from '../../../domain/index.ts';
import { FakeClock } from '../../../shared/index.ts';
import type { Store } from '../../../store/index.ts';
import { StoreExtensionRows } from '../../dialplan/index.ts';
import { onEveryEngine, storeTest, twoTenants } from '../../../../test/support/store-engines.ts';
import { matchFeatureCode } from './feature-code.ts';
import { StoreFeatureActions } from './store-feature-actions.ts';

const DAY_NIGHT = { fl_name: 'Day/night', fl_number: '*30', fl_value: 'day', fl_value_for_inuse: 'night', fl_value_for_notinuse: 'day' };

async function seed(store: Store): Promise<{ acme: number; globex: number; ext: number; otherExt: number; flowId: number }> {
  const [acme, globex] = await twoTenants(store);
  const ext = Number((await store.objects('extension').insert(acme, { ex_number: '100', ex_username: '100-ACME', ex_name: 'Alice' })).ex_id);
  const otherExt = Number((await store.objects('extension').insert(globex, { ex_number: '100', ex_username: '100-GLOBEX', ex_name: 'Bob' })).ex_id);
  const flowId = Number((await store.objects('flow').insert(acme, DAY_NIGHT)).fl_id);
  await store.objects('flow').insert(globex, DAY_NIGHT);
  return { acme, globex, ext, otherExt, flowId };
}

onEveryEngine('StoreFeatureActions', (open) => {
  const t = storeTest(open);
  const clock = new FakeClock('2026-05-01T12:00:00Z');

  t('DND on, off and toggle write ex_dnd as the dialplan reads it', async (store) => {
    const { acme, globex, ext, otherExt } = await seed(store);
    const actions = new StoreFeatureActions(store, clock);
    assert.equal(await actions.setDnd(acme, ext, true), true);
    assert.equal((await store.objects('extension').get(acme, ext))?.ex_dnd, 'on');
    assert.equal(await actions.setDnd(acme, ext, 'toggle'), false);
    assert.equal((await store.objects('extension').get(acme, ext))?.ex_dnd, '');
    assert.equal(await actions.setDnd(acme, ext, 'toggle'), true);
    assert.equal(await actions.setDnd(acme, ext, false), false);
    // The other tenant's extension 100 never moved, and cannot be reached with the wrong tenant.
    assert.equal(String((await store.objects('extension').get(globex, otherExt))?.ex_dnd ?? ''), '');
    await assert.rejects(actions.setDnd(acme, otherExt, true));
  });

  t("DND set by a feature code reaches the call path's kept extension rows at once", async (store) => {
    const { acme, globex, ext, otherExt } = await seed(store);
    const extensions = new StoreExtensionRows(store, clock, 60_000);
    const actions = new StoreFeatureActions(store, clock, { extensions });
    assert.equal((await extensions.byNumber(acme, '100'))?.ex_dnd, '');
    assert.equal((await extensions.byNumber(globex, '100'))?.ex_dnd, '');
    await actions.setDnd(acme, ext, true);
    assert.equal((await extensions.byNumber(acme, '100'))?.ex_dnd, 'on', 'read again after the change');
    await actions.setDnd(acme, ext, 'toggle');
    assert.equal((await extensions.byId(acme, ext))?.ex_dnd, '');
    assert.equal((await extensions.byId(globex, otherExt))?.ex_dnd, '');
  });

  t('a flow toggles INUSE <-> NOT_INUSE, coupling fl_value, storing the state and telling the listener', async (store) => {
    const { acme, globex, flowId } = await seed(store);
    const told: Array<[number, string, string, FlowState]> = [];
    const actions = new StoreFeatureActions(store, clock, { flowChanged: { flowChanged: (...args) => void told.push(args) } });
    // Never set: fl_value 'day' maps to NOT_INUSE, so the first toggle lights it.
    assert.equal(await actions.toggleFlow(acme, '*30'), 'INUSE');
    assert.equal((await store.objects('flow').get(acme, flowId))?.fl_value, 'night');
    assert.equal((await store.states.get(acme, '*30-ACME'))?.st_state, 'INUSE');
    assert.equal((await store.states.get(acme, '*30-ACME'))?.st_timestamp, '2026-05-01 12:00:00');
    assert.equal(await actions.toggleFlow(acme, '*30'), 'NOT_INUSE');
    assert.equal((await store.objects('flow').get(acme, flowId))?.fl_value, 'day');
    assert.equal(await actions.toggleFlow(acme, '*30', 'UNAVAILABLE'), 'UNAVAILABLE');
    assert.deepEqual(told, [
      [acme, '*30', '*30-ACME', 'INUSE'],
      [acme, '*30', '*30-ACME', 'NOT_INUSE'],
      [acme, '*30', '*30-ACME', 'UNAVAILABLE'],
    ]);
    assert.equal(await store.states.get(globex, '*30-GLOBEX'), undefined, "the other tenant's flow *30 is untouched");
    assert.equal(await actions.toggleFlow(acme, '*31'), undefined);
  });

  t('flows sharing a number are refused (ambiguous hint), as SETFLOW refuses them', async (store) => {
    const { acme } = await seed(store);
    await store.objects('flow').insert(acme, { ...DAY_NIGHT, fl_name: 'Copy' });
    assert.equal(await new StoreFeatureActions(store, clock).toggleFlow(acme, '*30'), undefined);
  });

  t('with a FlowSwitch (SETFLOW\'s service) the toggle goes through it', async (store) => {
    const { acme } = await seed(store);
    const calls: string[] = [];
    const actions = new StoreFeatureActions(store, clock, {
      flows: {
        list: async () => [{ flow: { fl_id: 1, fl_number: '*30' }, state: 'INUSE' as const }],
        set: async (_tenant, number, change) => {
          calls.push(`${number}=${change.state}`);
          return { state: 'NOT_INUSE' as const };
        },
      },
    });
    assert.equal(await actions.toggleFlow(acme, '*30'), 'NOT_INUSE');
    assert.equal(await actions.toggleFlow(acme, '*99'), undefined);
    assert.deepEqual(calls, ['*30=NOT_INUSE']);
  });

  t("the tenant's featurecode rows: FLOW targets become flow toggles, other targets keep the code the tenant's", async (store) => {
    const { acme, globex, flowId } = await seed(store);
    const fe = store.objects('featurecode');
    const flowCode = Number((await fe.insert(acme, { fe_code: '*880' })).fe_id);
    const otherCode = Number((await fe.insert(acme, { fe_code: '*78' })).fe_id);
    await fe.insert(acme, { fe_code: '*881' });
    await fe.insert(globex, { fe_code: '*76' });
    await store.objects('destination').insert(acme, { de_type_src: 'FEATURE', de_type_id_src: flowCode, de_type_dst: 'FLOW', de_type_id_dst: flowId, de_ord: 0 });
    await store.objects('destination').insert(acme, { de_type_src: 'FEATURE', de_type_id_src: otherCode, de_type_dst: 'PARK', de_type_id_dst: 1, de_ord: 0 });
    const codes = await new StoreFeatureActions(store, clock).featureCodes(acme);
    assert.deepEqual(matchFeatureCode('*880', codes), { kind: 'flow', number: '*30', value: 'toggle' });
    assert.equal(matchFeatureCode('*78', codes), undefined, 'the tenant uses *78 for something else');
    assert.equal(matchFeatureCode('*881', codes), undefined, 'a code with an empty slot does nothing here');
    assert.deepEqual(matchFeatureCode('*76', codes), { kind: 'dnd', value: 'toggle' }, "GLOBEX's *76 row does not shadow ACME's default");
    assert.deepEqual(matchFeatureCode('*79', codes), { kind: 'dnd', value: 'off' });
  });
});
