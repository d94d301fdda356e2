// INFO config (tenant limits), LICENSEDAYS (service end date) and COUNTCALLS
// (calls in the live channel registry).
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, type Harness } from '../../../test/support/api-harness.ts';
import type { LiveChannel } from '../../pbx/index.ts';

const JSON_TYPE = 'application/json; charset=UTF-8';

describe('INFO config', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(() => h.close());
  const config = (format = 'plain') => h.get({ key: h.acme.readOnlyKey, tenant: 'ACME', reqtype: 'INFO', info: 'config', format });

  test('plain: 7 pipe-terminated values; json: the 7 named limits', async () => {
    assert.equal(await (await config()).text(), '0|0|0|0|0|0|0|');
    const res = await config('json');
    assert.equal(res.headers.get('content-type'), JSON_TYPE);
    assert.equal(await res.text(), '{"maxchannels":0,"maxextensions":0,"maxdids":0,"maxqueues":0,"maxconferences":0,"maxivrs":0,"maxvoicemails":0}');
  });

  test('reflects the limits set by MANAGEDB tenant update, for that tenant only', async () => {
    const update = await h.post({
      key: h.adminKey,
      reqtype: 'MANAGEDB',
      object: 'tenant',
      action: 'update',
      objectid: String(h.acme.id),
      jsondata: JSON.stringify({ te_maxchannels: 10, te_maxextensions: '25', te_maxdids: 3, te_maxqueues: 4, te_maxconferences: 5, te_maxivrs: 6, te_maxvoicemails: 7 }),
    });
    assert.equal(update.headers.get('x-callgrid-error'), null);
    assert.equal(await (await config()).text(), '10|25|3|4|5|6|7|');
    assert.deepEqual(await (await config('json')).json(), { maxchannels: 10, maxextensions: 25, maxdids: 3, maxqueues: 4, maxconferences: 5, maxivrs: 6, maxvoicemails: 7 });
    assert.equal(await (await h.get({ key: h.globex.fullKey, tenant: 'GLOBEX', reqtype: 'INFO', info: 'config' })).text(), '0|0|0|0|0|0|0|');
  });
});

describe('LICENSEDAYS', () => {
  test('counts whole days to the service end date', async () => {
    const h = await createHarness({ CALLGRID_SERVICE_END_DATE: '2026-12-27' });
    try {
      const res = await h.get({ key: h.adminKey, reqtype: 'LICENSEDAYS' });
      assert.equal(res.headers.get('content-type'), 'text/html; charset=UTF-8');
      assert.equal(await res.text(), '30');
      const json = await h.get({ key: h.adminKey, reqtype: 'LICENSEDAYS', format: 'json' });
      assert.equal(json.headers.get('content-type'), JSON_TYPE);
      assert.equal(await json.text(), '30');
      h.clock.set('2026-12-26T23:59:59Z');
      assert.equal(await (await h.get({ key: h.adminKey, reqtype: 'LICENSEDAYS' })).text(), '1');
      h.clock.set('2026-12-27T00:00:00Z');
      assert.equal(await (await h.get({ key: h.adminKey, reqtype: 'LICENSEDAYS' })).text(), '0');
      h.clock.set('2026-12-29T08:00:00Z');
      assert.equal(await (await h.get({ key: h.adminKey, reqtype: 'LICENSEDAYS' })).text(), '-2');
    } finally {
      await h.close();
    }
  });

  test('without an end date: unlimited, json null', async () => {
    const h = await createHarness();
    try {
      assert.equal(await (await h.get({ key: h.adminKey, reqtype: 'LICENSEDAYS' })).text(), 'unlimited');
      const json = await h.get({ key: h.adminKey, reqtype: 'LICENSEDAYS', format: 'json' });
      assert.equal(json.headers.get('content-type'), JSON_TYPE);
      assert.equal(await json.text(), 'null');
    } finally {
      await h.close();
    }
  });
});

describe('COUNTCALLS', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(() => h.close());
  const leg = (name: string, tenantId: number, uniqueId: string, linkedId: string): LiveChannel => ({
    name, tenantId, uniqueId, linkedId, node: 'node-a', direction: 'IN', extension: '', account: '', callerIdNum: '', callerIdName: '',
    connectedNum: '', connectedName: '', exten: '', context: '', state: 'Up', createdAt: h.clock.now(), answeredAt: undefined,
    bridgedTo: undefined, sipCallId: `call-${uniqueId}`, originateId: '',
  });
  const noControl = { hangup: () => undefined, blindTransfer: async () => undefined };
  const count = async (key: string, tenant?: string, format = 'plain') => (await h.get({ key, reqtype: 'COUNTCALLS', format, ...(tenant ? { tenant } : {}) })).text();

  test('no calls: 0', async () => {
    assert.equal(await count(h.adminKey), '0');
    assert.equal(await count(h.acme.fullKey, 'ACME'), '0');
    assert.equal(await count(h.acme.fullKey, 'ACME', 'json'), '0');
  });

  test('counts distinct linked ids, per tenant with a tenant key, all with the admin key', async () => {
    const acme = h.acme.id;
    const globex = h.globex.id;
    // One ACME call with two legs, one ACME call with one leg, one GLOBEX call.
    h.runtime.channels.add(leg('PJSIP/100-ACME-00000001', acme, 'n1-1700000000.1', 'n1-1700000000.1'), noControl);
    h.runtime.channels.add(leg('PJSIP/101-ACME-00000002', acme, 'n1-1700000000.2', 'n1-1700000000.1'), noControl);
    h.runtime.channels.add(leg('PJSIP/102-ACME-00000003', acme, 'n1-1700000000.3', 'n1-1700000000.3'), noControl);
    h.runtime.channels.add(leg('PJSIP/100-GLOBEX-00000004', globex, 'n1-1700000000.4', 'n1-1700000000.4'), noControl);

    assert.equal(await count(h.acme.fullKey, 'ACME'), '2');
    assert.equal(await count(h.acme.readOnlyKey, 'ACME', 'json'), '2');
    assert.equal(await count(h.globex.fullKey, 'GLOBEX'), '1');
    assert.equal(await count(h.adminKey), '3');
    assert.equal(await count(h.adminKey, 'ACME'), '2');
    assert.equal(await count(h.adminKey, 'GLOBEX'), '1');

    h.runtime.channels.remove('PJSIP/102-ACME-00000003');
    assert.equal(await count(h.acme.fullKey, 'ACME'), '1');
    assert.equal(await count(h.adminKey), '2');
  });
});
