// BLFS (spec §2.4): every extension and flow hint of the tenant with its live device state, in json and in MiRTA's
// plain form (each value twice and a trailing |). Two tenants own the same numbers: each sees its own only.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, type Harness, type TenantKeys } from '../../../test/support/api-harness.ts';
import { StoreBindingStore, type LiveChannel } from '../../pbx/index.ts';

describe('BLFS', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
    for (const t of [h.acme, h.globex]) for (const n of ['100', '101', '102']) await h.runtime.services.objects.create('extension', t.id, { ex_number: n, ex_name: `${t.code} ${n}`, secret: `pw-${n}` });
    await h.runtime.services.objects.create('flow', h.acme.id, { fl_name: 'Day/Night', fl_number: '*30', fl_value: 'DAY', fl_value_for_inuse: 'NIGHT', fl_value_for_notinuse: 'DAY' });
  });
  afterEach(() => h.close());

  const as = (t: TenantKeys, params: Record<string, string>) => h.get({ key: t.fullKey, tenant: t.code, reqtype: 'BLFS', ...params });
  const register = async (t: TenantKeys, number: string, reachable = true) => {
    const [row] = await h.runtime.services.objects.list('extension', t.id, { ex_number: number });
    const now = h.clock.now().getTime();
    await new StoreBindingStore(h.runtime.store.registrations).put({
      tenantId: t.id, extensionId: Number(row?.ex_id), aor: `sip:${number}-${t.code}@pbx`, username: `${number}-${t.code}`,
      contactUri: `sip:${number}-${t.code}@192.0.2.9:5062`, contact: `<sip:${number}-${t.code}@192.0.2.9:5062>`,
      expiresAt: new Date(now + 600_000), callId: `c-${t.code}-${number}`, cseq: 1, q: null,
      source: { protocol: 'udp', address: '192.0.2.9', port: 5062 }, flowId: null, userAgent: 'baresip', node: 'node-a',
      registeredAt: new Date(now), lastRttMs: null, reachable,
    });
  };
  const leg = (t: TenantKeys, number: string, direction: 'IN' | 'OUT', state: LiveChannel['state'], seq: number): LiveChannel => ({
    name: `PJSIP/${number}-${t.code}-0000000${seq}`, tenantId: t.id, uniqueId: `node-a-1795773535.${seq}`, linkedId: `node-a-1795773535.${seq}`, node: 'node-a',
    direction, extension: number, account: `${number}-${t.code}`, callerIdNum: '', callerIdName: '', connectedNum: '', connectedName: '', exten: number, context: t.code,
    state, createdAt: h.clock.now(), answeredAt: undefined, bridgedTo: undefined, sipCallId: `sip-${seq}`, originateId: '',
  });
  const control = { hangup: () => undefined, blindTransfer: async () => undefined };

  test('json: extensions from registrations and channels, then flows; another tenant\'s calls do not show', async () => {
    await register(h.acme, '100');
    await register(h.acme, '101');
    await register(h.acme, '102', false);
    h.runtime.channels.add(leg(h.acme, '101', 'OUT', 'Ringing', 1), control);
    h.runtime.channels.add(leg(h.globex, '100', 'IN', 'Up', 2), control);
    await h.runtime.services.flows.set(h.acme.id, '*30', { state: 'INUSE' });
    const rows = (await (await as(h.acme, { format: 'json' })).json()) as Array<Record<string, string | null>>;
    assert.deepEqual(rows.map((r) => [r.st_extension, r.st_state]), [['100-ACME', 'NOT_INUSE'], ['101-ACME', 'RINGING'], ['102-ACME', 'UNAVAILABLE'], ['*30-ACME', 'INUSE']]);
    assert.deepEqual(Object.keys(rows[0] ?? {}), ['st_extension', 'st_state', 'st_timestamp']);
    assert.equal(rows[3]?.st_timestamp, '2026-11-27 10:00:00');
    const globex = (await (await as(h.globex, { format: 'json' })).json()) as Array<Record<string, string | null>>;
    assert.deepEqual(globex.map((r) => [r.st_extension, r.st_state]), [['100-GLOBEX', 'INUSE'], ['101-GLOBEX', 'UNAVAILABLE'], ['102-GLOBEX', 'UNAVAILABLE']]);
  });

  test('plain: one line per hint, the three values twice and a trailing |', async () => {
    await register(h.acme, '100');
    const lines = (await (await as(h.acme, {})).text()).split('\n');
    assert.equal(lines.length, 5, 'three extensions, one flow, the final newline');
    assert.equal(lines[0], '100-ACME|NOT_INUSE||100-ACME|NOT_INUSE||');
    assert.equal(lines[0]?.split('|').length, 7);
    assert.equal(lines[3], '*30-ACME|NOT_INUSE||*30-ACME|NOT_INUSE||');
    assert.equal(lines[4], '');
  });

  test('the attached tracker gives the time a state began', async () => {
    await register(h.acme, '100');
    h.runtime.services.blf.attach({ list: (tenantId) => (tenantId === h.acme.id ? [{ hint: '100-ACME', state: 'NOT_INUSE', since: new Date('2026-11-27T09:59:30Z') }, { hint: '101-ACME', state: 'INUSE', since: new Date('2026-11-27T09:59:00Z') }] : []) });
    const rows = (await (await as(h.acme, { format: 'json' })).json()) as Array<Record<string, string | null>>;
    assert.equal(rows[0]?.st_timestamp, '2026-11-27 09:59:30');
    assert.equal(rows[1]?.st_timestamp, null, 'a tracker state that disagrees with the live one gives no time');
    h.runtime.services.blf.attach(undefined);
  });

  test('flowState: the presence port for subscribers of a flow number', async () => {
    assert.deepEqual(await h.runtime.services.blf.flowState(h.acme.id, '*30'), { state: 'NOT_INUSE', since: undefined });
    assert.equal(await h.runtime.services.blf.flowState(h.globex.id, '*30'), undefined);
  });
});
