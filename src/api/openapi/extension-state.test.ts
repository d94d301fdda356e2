// openapi.php /extensions/state and proxyapi.php INFO extstate read the same live state: not registered,
// registered and idle, and on a call (the channel registry the B2BUA fills; here the test fills it).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, type Harness, type TenantKeys } from '../../../test/support/api-harness.ts';
import { openapi, expectOpenApiError } from '../../../test/support/openapi-harness.ts';
import { StoreBindingStore, type LiveChannel } from '../../pbx/index.ts';

describe('openapi.php /extensions/state agrees with INFO extstate', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
    for (const t of [h.acme, h.globex]) for (const n of ['100', '101']) await h.runtime.services.objects.create('extension', t.id, { ex_number: n, secret: `pw-${n}` });
  });
  after(() => h.close());

  const both = async (t: TenantKeys, number: string) => {
    const info = await h.get({ key: t.fullKey, tenant: t.code, reqtype: 'INFO', info: 'extstate', ext: number, format: 'json' });
    assert.equal(info.headers.get('x-callgrid-error'), null);
    const state = await openapi(h, 'GET', `/extensions/state?tenant=${t.code}&number=${number}`, { key: t.fullKey });
    assert.equal(state.status, 200, state.text);
    return { info: JSON.parse(await info.text()) as Record<string, string>, openapi: state.json as Record<string, string> };
  };

  const register = async (t: TenantKeys, number: string) => {
    const [row] = await h.runtime.services.objects.list('extension', t.id, { ex_number: number });
    const now = h.clock.now().getTime();
    await new StoreBindingStore(h.runtime.store.registrations).put({
      tenantId: t.id, extensionId: Number(row?.ex_id), aor: `sip:${number}-${t.code}@pbx`, username: `${number}-${t.code}`,
      contactUri: `sip:${number}-${t.code}@192.0.2.9:5062`, contact: `<sip:${number}-${t.code}@192.0.2.9:5062>`,
      expiresAt: new Date(now + 600_000), callId: `c-${t.code}-${number}`, cseq: 1, q: null,
      source: { protocol: 'udp', address: '192.0.2.9', port: 5062 }, flowId: null, userAgent: 'baresip', node: 'node-a',
      registeredAt: new Date(now), lastRttMs: null, reachable: true,
    });
  };

  const channel = (c: Partial<LiveChannel> & Pick<LiveChannel, 'name' | 'tenantId' | 'uniqueId'>): LiveChannel => ({
    linkedId: c.uniqueId, node: 'node-a', direction: 'IN', extension: '', account: '', callerIdNum: '', callerIdName: '', connectedNum: '', connectedName: '',
    exten: '', context: '', state: 'Up', createdAt: h.clock.now(), answeredAt: h.clock.now(), bridgedTo: undefined, sipCallId: `sip-${c.uniqueId}`, originateId: '', ...c,
  });
  const noControl = { hangup: () => undefined, blindTransfer: async () => 'not in this test' };

  test('not registered, then registered and idle: the same answer on both APIs', async () => {
    let seen = await both(h.acme, '100');
    assert.equal(seen.openapi.UniqueID, 'KO');
    assert.deepEqual(seen.openapi, seen.info);
    await register(h.acme, '100');
    seen = await both(h.acme, '100');
    assert.equal(seen.openapi.LinkedID, '', 'registered and idle: every value empty');
    assert.deepEqual(seen.openapi, seen.info);
  });

  test('during a call: the extension is busy with its call, not idle, on both APIs; the other tenant sees nothing of it', async () => {
    await register(h.acme, '101');
    h.runtime.channels.add(
      channel({ name: 'PJSIP/100-ACME-00000001', tenantId: h.acme.id, uniqueId: 'node-a-1.1', extension: '100', account: '100-ACME', callerIdNum: '100', connectedNum: '101', connectedName: 'Bob', exten: '101', context: 'ACME', bridgedTo: 'PJSIP/101-ACME-00000002' }),
      noControl,
    );
    // The callee's leg still ringing: no connected line yet, so the other party is the number dialled.
    h.runtime.channels.add(
      channel({ name: 'PJSIP/101-ACME-00000002', tenantId: h.acme.id, uniqueId: 'node-a-1.2', linkedId: 'node-a-1.1', direction: 'OUT', extension: '101', account: '101-ACME', callerIdNum: '100', exten: '101', context: 'ACME', state: 'Ringing', answeredAt: undefined }),
      noControl,
    );
    try {
      const caller = await both(h.acme, '100');
      assert.deepEqual(caller.openapi, {
        UniqueID: 'node-a-1.1', LinkedID: 'node-a-1.1', 'Connected Line ID': '101', 'Connected Line ID Name': 'Bob', Context: 'ACME', Extension: '101', Direction: 'IN', OtherParty: '101',
      });
      assert.deepEqual(caller.openapi, caller.info);
      const callee = await both(h.acme, '101');
      assert.equal(callee.openapi.Direction, 'OUT');
      assert.equal(callee.openapi.OtherParty, '101');
      assert.deepEqual(callee.openapi, callee.info);
      const other = await both(h.globex, '100');
      assert.equal(other.openapi.UniqueID, 'KO', "GLOBEX's own 100 is not on ACME's call");
      assert.deepEqual(other.openapi, other.info);
    } finally {
      h.runtime.channels.remove('PJSIP/100-ACME-00000001');
      h.runtime.channels.remove('PJSIP/101-ACME-00000002');
    }
    assert.equal((await both(h.acme, '100')).openapi.UniqueID, '', 'idle again once the call ends');
  });

  test('a number the tenant does not have: 404 extension_not_found', async () => {
    expectOpenApiError(await openapi(h, 'GET', '/extensions/state?tenant=ACME&number=999', { key: h.acme.fullKey }), 404, 'extension_not_found', 'Extension not found.');
  });
});
