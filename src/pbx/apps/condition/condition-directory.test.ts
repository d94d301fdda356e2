// StoreConditionDirectory on a real store: a condition with its extended infos in the order written, the tenant's
// zone, a flow's effective state and variables, each confined to its tenant (two tenants with the same numbers).
import assert from 'node:assert/strict';
import type { Store } from '../../../store/index.ts';
import { onEveryEngine, storeTest, twoTenants } from '../../../../test/support/store-engines.ts';
import { StoreConditionDirectory } from './condition-directory.ts';

async function seed(store: Store): Promise<{ acme: number; globex: number; conditionId: number }> {
  const [acme, globex] = await twoTenants(store);
  await store.tenants.update(acme, { te_timezone: 'Europe/Rome' });
  const conditions = store.objects('condition');
  const conditionId = Number((await conditions.insert(acme, { co_name: 'Office', co_type: 'weektime', co_timezone: '', co_param1: ' x ' })).co_id);
  const infos = store.objects('conditionextendedinfo');
  await infos.insert(acme, { ce_co_id: conditionId, ce_param1: 'mon-fri', ce_param2: '9:00', ce_param3: '13:00' });
  await infos.insert(acme, { ce_co_id: conditionId, ce_param1: 'mon-fri', ce_param2: '14:00', ce_param3: '18:00' });
  const flow = { fl_name: 'Day/night', fl_number: '*30', fl_value: 'night', fl_value_for_inuse: 'night', fl_value_for_notinuse: 'day', fl_variable_name: 'DAYNIGHT' };
  await store.objects('flow').insert(acme, flow);
  await store.objects('flow').insert(globex, { ...flow, fl_value: 'day' });
  await store.objects('tenantvariable').insert(acme, { tv_al_id: 7, tv_value: 'holiday' });
  await store.objects('tenantvariable').insert(globex, { tv_al_id: 7, tv_value: 'open' });
  return { acme, globex, conditionId };
}

onEveryEngine('StoreConditionDirectory', (open) => {
  const t = storeTest(open);

  t('a condition with its extended infos in the order written; another tenant reads it as missing', async (store) => {
    const { acme, globex, conditionId } = await seed(store);
    const directory = new StoreConditionDirectory(store);
    const condition = await directory.condition(acme, conditionId);
    assert.equal(condition?.type, 'WEEKTIME');
    assert.equal(condition?.params[0], 'x');
    assert.equal(condition?.params.length, 22);
    assert.deepEqual(condition?.infos, [
      ['mon-fri', '9:00', '13:00', ''],
      ['mon-fri', '14:00', '18:00', ''],
    ]);
    assert.equal(await directory.condition(globex, conditionId), undefined);
    assert.equal(await directory.timeZone(acme), 'Europe/Rome');
    assert.equal(await directory.timeZone(globex), '');
  });

  t("flows' states as SETFLOW shows them and variables, per tenant", async (store) => {
    const { acme, globex } = await seed(store);
    const directory = new StoreConditionDirectory(store);
    // No stored lamp: the state fl_value maps to.
    assert.deepEqual(await directory.flow(acme, '*30'), { state: 'INUSE', value: 'night' });
    assert.deepEqual(await directory.flow(globex, '*30'), { state: 'NOT_INUSE', value: 'day' });
    assert.equal(await directory.flow(acme, '*31'), undefined);
    assert.equal(await directory.variable(acme, '7'), 'holiday');
    assert.equal(await directory.variable(globex, '7'), 'open');
    assert.equal(await directory.variable(acme, '8'), '');
    assert.equal(await directory.variable(acme, 'DAYNIGHT'), 'night');
    assert.equal(await directory.variable(globex, 'DAYNIGHT'), 'day');
    assert.equal(await directory.variable(acme, 'OTHER'), '');
  });
});
