// COUNTPEERS, CHANSIPPEERS/PEERS, UNREGISTER, REBOOT, INFO extensions/regstate and MANAGEDB sipregs over stored
// bindings (the registrar writes them; here the test does, through the same store), per tenant.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, expectError, type Harness, type TenantKeys } from '../../../test/support/api-harness.ts';
import { StoreBindingStore } from '../../pbx/index.ts';

describe('peers through the API', () => {
  let h: Harness;
  let bindings: StoreBindingStore;
  beforeEach(async () => {
    h = await createHarness({ CALLGRID_NODE_NAME: 'node-a' });
    bindings = new StoreBindingStore(h.runtime.store.registrations);
  });
  afterEach(() => h.close());

  const as = (t: TenantKeys, params: Record<string, string>) => h.get({ key: t.fullKey, tenant: t.code, ...params });
  const json = async (res: Response) => {
    assert.equal(res.headers.get('x-callgrid-error'), null, await res.clone().text());
    return res.json() as Promise<unknown>;
  };
  const extension = async (t: TenantKeys, number: string, name = '') =>
    h.runtime.services.objects.create('extension', t.id, { ex_number: number, ex_name: name, secret: `pw-${number}` });
  const register = async (t: TenantKeys, number: string, address: string, options: { node?: string; expiresInMs?: number; rtt?: number | null; reachable?: boolean } = {}) => {
    const [row] = await h.runtime.services.objects.list('extension', t.id, { ex_number: number });
    const now = h.clock.now().getTime();
    await bindings.put({
      tenantId: t.id, extensionId: Number(row?.ex_id), aor: `sip:${number}-${t.code}@pbx`, username: `${number}-${t.code}`,
      contactUri: `sip:${number}-${t.code}@${address}:5062`, contact: `<sip:${number}-${t.code}@${address}:5062>`,
      expiresAt: new Date(now + (options.expiresInMs ?? 600_000)), callId: `c-${address}`, cseq: 1, q: null,
      source: { protocol: 'udp', address, port: 5062 }, flowId: null, userAgent: 'baresip', node: options.node ?? 'node-a',
      registeredAt: new Date(now), lastRttMs: options.rtt ?? null, reachable: options.reachable ?? true,
    });
  };

  test('CHANSIPPEERS lists one row per contact with the chan_sip columns, only of the tenant', async () => {
    await extension(h.acme, '100', 'Alice');
    await extension(h.globex, '100', 'Gina');
    await register(h.acme, '100', '192.0.2.10', { rtt: 12 });
    await register(h.globex, '100', '192.0.2.20', { reachable: false });
    assert.deepEqual(await json(await as(h.acme, { reqtype: 'CHANSIPPEERS', format: 'json' })), [
      { node: 'node-a', Name: '100-ACME', Host: '192.0.2.10', Dyn: 'D', Forcerport: 'Yes', Comedia: 'Yes', ACL: '', Port: '5062', Status: 'OK (12 ms)', Description: 'Alice', Realtime: 'Cached RT' },
    ]);
    const plain = await (await as(h.globex, { reqtype: 'PEERS' })).text();
    assert.equal(plain, 'node|Name|Host|Dyn|Forcerport|Comedia|ACL|Port|Status|Description|Realtime|\nnode-a|100-GLOBEX|192.0.2.20|D|Yes|Yes||5062|UNREACHABLE|Gina|Cached RT|\n');
    const all = (await json(await h.get({ key: h.adminKey, reqtype: 'CHANSIPPEERS', format: 'json' }))) as Array<{ Name: string }>;
    assert.deepEqual(all.map((p) => p.Name).sort(), ['100-ACME', '100-GLOBEX']);
  });

  test('an expired binding is no peer, even before the sweep removes it', async () => {
    await extension(h.acme, '100');
    await register(h.acme, '100', '192.0.2.10', { expiresInMs: 1_000 });
    h.clock.advance(2_000);
    assert.deepEqual(await json(await as(h.acme, { reqtype: 'CHANSIPPEERS', format: 'json' })), []);
    assert.equal(await (await as(h.acme, { reqtype: 'INFO', info: 'regstate', ext: '100' })).text(), 'UNREGISTERED');
  });

  test('COUNTPEERS counts registered extensions per node, this node always listed', async () => {
    await extension(h.acme, '100');
    await extension(h.acme, '101');
    await register(h.acme, '100', '192.0.2.10');
    await register(h.acme, '100', '192.0.2.11');
    await register(h.acme, '101', '192.0.2.12', { node: 'node-b' });
    assert.deepEqual(await json(await as(h.acme, { reqtype: 'COUNTPEERS', format: 'json' })), { 'node-a': 1, 'node-b': 1 });
    assert.equal(await (await as(h.globex, { reqtype: 'COUNTPEERS' })).text(), 'node-a:0|');
  });

  test('UNREGISTER drops one peer or ALL of the tenant, never another tenant\'s', async () => {
    await extension(h.acme, '100');
    await extension(h.acme, '101');
    await extension(h.globex, '100');
    await register(h.acme, '100', '192.0.2.10');
    await register(h.acme, '101', '192.0.2.11');
    await register(h.globex, '100', '192.0.2.20');
    await expectError(await as(h.acme, { reqtype: 'UNREGISTER' }), 'missing_parameter', 'No peer specified: give a peer name (100-ACME), an extension number with tenant, or ALL');
    await expectError(await as(h.acme, { reqtype: 'UNREGISTER', peer: '100-GLOBEX' }), 'not_found', 'Peer 100-GLOBEX is not registered');
    assert.equal(await (await as(h.acme, { reqtype: 'UNREGISTER', peer: '100-ACME' })).text(), 'OK|1 registrations removed');
    assert.deepEqual(await json(await as(h.acme, { reqtype: 'UNREGISTER', peer: 'all', format: 'json' })), { result: 'OK', removed: 1 });
    assert.equal((await bindings.list(h.globex.id)).length, 1);
    assert.equal((await h.get({ key: h.acme.readOnlyKey, tenant: 'ACME', reqtype: 'UNREGISTER', peer: 'ALL' })).headers.get('x-callgrid-error'), 'read_only_key');
  });

  test('REBOOT needs the SIP service, which API-only runtimes do not run', async () => {
    await extension(h.acme, '100');
    await register(h.acme, '100', '192.0.2.10');
    await expectError(await as(h.acme, { reqtype: 'REBOOT', peer: 'ALL' }), 'not_implemented', 'Not implemented: REBOOT needs the SIP service, which is not running on this node');
  });

  test('INFO extensions: the plain table with state and password; json rows with st_state; read-only keys see no password', async () => {
    await extension(h.acme, '100', 'Alice');
    await extension(h.acme, '101', 'Bob');
    await register(h.acme, '100', '192.0.2.10');
    assert.equal(await (await as(h.acme, { reqtype: 'INFO', info: 'extensions' })).text(), 'Number|Name|Tech|State|Username|Password\n100|Alice|PJSIP|NOT_INUSE|100-ACME|pw-100\n101|Bob|PJSIP|UNAVAILABLE|101-ACME|pw-101\n');
    assert.equal(await (await as(h.acme, { reqtype: 'INFO', info: 'extensions', number: '101' })).text(), 'Number|Name|Tech|State|Username|Password\n101|Bob|PJSIP|UNAVAILABLE|101-ACME|pw-101\n');
    const ro = await (await h.get({ key: h.acme.readOnlyKey, tenant: 'ACME', reqtype: 'INFO', info: 'extensions', id: '1' })).text();
    assert.equal(ro, 'Number|Name|Tech|State|Username|Password\n100|Alice|PJSIP|NOT_INUSE|100-ACME|\n');
    const rows = (await json(await as(h.acme, { reqtype: 'INFO', info: 'extensions', format: 'json' }))) as Array<Record<string, string>>;
    assert.deepEqual(rows.map((r) => [r.ex_number, r.st_state]), [['100', 'NOT_INUSE'], ['101', 'UNAVAILABLE']]);
    assert.equal('ex_secret' in (rows[0] ?? {}), false);
    assert.equal(await (await as(h.globex, { reqtype: 'INFO', info: 'extensions' })).text(), 'Number|Name|Tech|State|Username|Password\n');
  });

  test('INFO regstate and MANAGEDB sipregs describe the registrations', async () => {
    await extension(h.acme, '100');
    await register(h.acme, '100', '192.0.2.10', { rtt: 7 });
    assert.equal(await (await as(h.acme, { reqtype: 'INFO', info: 'regstate', ext: '100' })).text(), 'REGISTERED|sip:100-ACME@192.0.2.10:5062|600');
    await expectError(await as(h.acme, { reqtype: 'INFO', info: 'regstate', ext: '999' }), 'not_found', 'Extension 999 not found');
    await expectError(await as(h.acme, { reqtype: 'INFO', info: 'regstate' }), 'missing_parameter', 'No ext specified');
    const regs = (await json(await as(h.acme, { reqtype: 'MANAGEDB', object: 'sipregs', action: 'list' }))) as Array<Record<string, string>>;
    assert.deepEqual(regs, [
      { name: '100-ACME', fullcontact: 'sip:100-ACME@192.0.2.10:5062', ipaddr: '192.0.2.10', port: '5062', regseconds: String(Math.floor(h.clock.now().getTime() / 1000) + 600), defaultuser: '100-ACME', useragent: 'baresip', lastms: '7', regserver: 'node-a' },
    ]);
    assert.deepEqual(await json(await as(h.globex, { reqtype: 'MANAGEDB', object: 'sipregs', action: 'list' })), []);
  });
});
