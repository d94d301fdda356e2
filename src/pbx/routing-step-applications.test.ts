// The routing steps as a node builds them from the store ports main.ts plugs in (storeRoutingStepPorts): every tag
// they promise is there, and CALLERIDMOD reads the tenant's stored rules.
import assert from 'node:assert/strict';
import { FakeClock, silentLogger } from '../shared/index.ts';
import { onEveryEngine, storeTest, twoTenants } from '../../test/support/store-engines.ts';
import { fakeCall } from './apps/special/fake-call.test-support.ts';
import { routingStepApplications, storeRoutingStepPorts } from './routing-step-applications.ts';

onEveryEngine('routing steps over the store', (open) => {
  const t = storeTest(open);

  t('the store ports build every routing step, CALLERIDMOD and SETUNCONDITIONALDID included', async (store) => {
    const [acme] = await twoTenants(store);
    const rule = Number((await store.objects('calleridmodification').insert(acme, { cm_name: 'national', cm_prefix: '0' })).cm_id);
    const routing = { slotTargets: async () => [], customs: async () => [] };
    const other = { run: async () => ({ kind: 'continue' as const }) };
    const steps = routingStepApplications({ routing, routingSteps: storeRoutingStepPorts(store), clock: new FakeClock('2026-01-01T00:00:00Z'), logger: silentLogger }, other);
    const tags = ['SPECIAL', 'CUSTOM', 'FLOW', 'PHONEBOOK', 'EXACTPHONEBOOK', 'CLIDNAMEBYPHONEBOOK', 'ENABLEUNCONDITIONALDID', 'DISABLEUNCONDITIONALDID', 'TOGGLEUNCONDITIONALDID', 'SETUNCONDITIONALDID', 'CALLERIDMOD'];
    assert.deepEqual(tags.filter((tag) => steps[tag] === undefined), []);
    const call = fakeCall({ tenantId: acme, caller: { number: '612345678', name: 'Mario' } });
    assert.deepEqual(await steps.CALLERIDMOD?.run(call, { tag: 'CALLERIDMOD', id: rule }), { kind: 'continue' });
    assert.equal(call.callerParty.number, '0612345678');
  });
});
