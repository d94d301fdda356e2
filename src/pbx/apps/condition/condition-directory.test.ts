// StoreConditionDirectory on a real store: a condition with its extended infos in the order written, the tenant's
// zone, a flow's effective state, variables and phonebooks, each confined to its tenant (two tenants with the same
// numbers); PHONEBOOK conditions through phonebook-route's real lookup, as the node wires it.
import assert from 'node:assert/strict';
import type { Store } from '../../../store/index.ts';
import { onEveryEngine, storeTest, twoTenants } from '../../../../test/support/store-engines.ts';
import { PHONEBOOK_ITEMS } from '../../../domain/index.ts';
import { FakeClock, silentLogger } from '../../../shared/index.ts';
import type { CallHandle } from '../../calls/index.ts';
import { callerNumberSpellings, StorePhonebookDirectory } from '../phonebook-route/index.ts';
import { StoreConditionDirectory } from './condition-directory.ts';
import { ConditionStep } from './condition-step.ts';

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

/** A phone entry as the repository takes it: [pi_id, value]. */
const phone = (code: string, value: string) => [[PHONEBOOK_ITEMS.findIndex(([c]) => c === code) + 1, value] as const];

/** Just what a CONDITION step reads of a call. */
const callFrom = (tenantId: number, number: string) => ({ tenantId, linkedId: 'l1', callerParty: { number, name: '', account: '' } }) as unknown as CallHandle;

onEveryEngine('PHONEBOOK conditions on the store', (open) => {
  const t = storeTest(open);

  t("the caller in the tenant's phonebooks, in its usual spellings; another tenant's phonebook is never searched", async (store) => {
    const [acme, globex] = await twoTenants(store);
    const acmeBook = (await store.phonebooks.create(acme, 'Customers')).pb_id;
    await store.phonebooks.addEntries(acme, acmeBook, [phone('PHONE2', '00390612345678')]);
    const globexBook = (await store.phonebooks.create(globex, 'Customers')).pb_id;
    await store.phonebooks.addEntries(globex, globexBook, [phone('MOBILE', '+4930123')]);
    const directory = new StoreConditionDirectory(store);
    assert.deepEqual(await directory.phonebookIds(acme), [acmeBook]);
    assert.deepEqual(await directory.phonebookIds(globex), [globexBook]);

    const conditions = store.objects('condition');
    const named = async (tenantId: number, book: number | '') => Number((await conditions.insert(tenantId, { co_name: 'Known', co_type: 'PHONEBOOK', co_param1: String(book) })).co_id);
    const lookup = new StorePhonebookDirectory(store);
    const step = new ConditionStep({
      conditions: directory,
      slots: { slotTargets: async () => [{ tag: 'EXT', id: 1 }] },
      clock: new FakeClock('2026-01-12T08:00:00Z'),
      logger: silentLogger,
      phonebooks: { callerListed: async (tenantId, book, number) => (await lookup.byNumber(tenantId, book, callerNumberSpellings(number))).length > 0 },
    });
    const slot = async (tenantId: number, conditionId: number, number: string) => {
      const outcome = await step.run(callFrom(tenantId, number), { tag: 'CONDITION', id: conditionId });
      return outcome.kind === 'goto' ? outcome.slot.slot : outcome.kind;
    };
    const acmeNamed = await named(acme, acmeBook);
    const acmeAny = await named(acme, '');
    assert.equal(await slot(acme, acmeNamed, '+390612345678'), 'CONDITION');
    assert.equal(await slot(acme, acmeAny, '390612345678'), 'CONDITION');
    assert.equal(await slot(acme, acmeAny, '+4930123'), 'NOTCONDITION');
    // Globex names Acme's phonebook: bad, so NOTCONDITION, though Acme's book lists the caller.
    assert.equal(await slot(globex, await named(globex, acmeBook), '+390612345678'), 'NOTCONDITION');
    assert.equal(await slot(globex, await named(globex, ''), '+390612345678'), 'NOTCONDITION');
    assert.equal(await slot(globex, await named(globex, ''), '+4930123'), 'CONDITION');
  });
});
