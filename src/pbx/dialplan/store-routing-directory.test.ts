// StoreRoutingDirectory on SQLite and PostgreSQL: routes and providers of global profiles, the caller's profile
// (own or the tenant's), DIDs, blacklists, slots and customs, with two tenants owning the same extension numbers
// (a DID number is one tenant's: the store refuses it to any other).
import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { onEveryEngine, twoTenants, type OpenStore } from '../../../test/support/store-engines.ts';
import type { Store } from '../../store/index.ts';
import { forwardingDecision } from './extension-slots.ts';
import { routeInbound } from './inbound-did.ts';
import { routeOutboundCall } from './outbound-routes.ts';
import { StoreRoutingDirectory } from './store-routing-directory.ts';

onEveryEngine('StoreRoutingDirectory', (open: OpenStore) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let directory: StoreRoutingDirectory;
  let ids: Record<'acme' | 'globex' | 'p1' | 'p2' | 'route' | 'acme100' | 'globex100' | 'acme101' | 'acmeDid' | 'globexDid' | 'custom', number>;

  beforeEach(async () => {
    ({ store, dispose } = await open());
    directory = new StoreRoutingDirectory(store);
    const [acme, globex] = await twoTenants(store);
    const id = (row: Record<string, unknown>, column: string) => Number(row[column]);
    const o = (name: string) => store.objects(name);
    const p1 = id(await o('provider').insert(null, { pr_name: 'Carrier One', pr_host: 'gw1.example:5070', pr_transport: 'tcp', pr_username: 'acct', pr_password: 's3cret', pr_callerid: '3900' }), 'pr_id');
    const p2 = id(await o('provider').insert(null, { pr_name: 'Carrier Two', pr_host: 'gw2.example', pr_disabled: 'on' }), 'pr_id');
    const office = id(await o('routingprofile').insert(null, { rp_name: 'Office' }), 'rp_id');
    const budget = id(await o('routingprofile').insert(null, { rp_name: 'Budget' }), 'rp_id');
    await o('route').insert(null, { dl_rp_id: office, dl_regex: '^0[1-9]', dl_pr_id: p2, dl_order: 0 });
    const route = id(await o('route').insert(null, { dl_rp_id: office, dl_regex: '^0[1-9]', dl_pr_id: p1, dl_order: 1, dl_deletedigits: 1, dl_adddigits: '+39', dl_usepin: 'on' }), 'dl_id');
    await o('route').insert(null, { dl_rp_id: office, dl_regex: '^899', dl_pr_id: null });
    await o('route').insert(null, { dl_rp_id: budget, dl_regex: '.*', dl_pr_id: p1 });
    await store.tenants.update(globex, { te_rp_id: budget });
    const ext = async (tenantId: number, number: string, values: Record<string, string | number | null> = {}) => id(await o('extension').insert(tenantId, { ex_number: number, ex_username: `${number}-${tenantId}`, ...values }), 'ex_id');
    const acme100 = await ext(acme, '100', { ex_rp_id: office, ex_cidnum: '390211', ex_callallowed: 'national', ex_onbusystatus: 'on', ex_onnoanswerstatus: '' });
    const globex100 = await ext(globex, '100');
    const acme101 = await ext(acme, '101');
    const did = async (tenantId: number, number: string, values: Record<string, string | number | null> = {}) => id(await o('did').insert(tenantId, { di_number: number, ...values }), 'di_id');
    const acmeDid = await did(acme, '+39021234');
    const globexDid = await did(globex, '+39027777', { di_unconditionalstatus: 'on' });
    await did(acme, '39025555');
    const custom = id(await o('custom').insert(globex, { cu_name: 'Mobile', cu_ct_id: 1, cu_param1: '3335551234', cu_param2: 'CALLERID', cu_param3: '20' }), 'cu_id');
    const slot = (tenantId: number, src: string, owner: number, targets: Array<[string, number]>) =>
      o('destination').insertMany(tenantId, targets.map(([tag, target], i) => ({ de_type_src: src, de_type_id_src: owner, de_type_dst: tag, de_type_id_dst: target, de_ord: targets.length - i })));
    await slot(acme, 'DID', acmeDid, [['EXT', acme101], ['EXT', acme100]]);
    await slot(globex, 'DID', globexDid, [['EXT', globex100]]);
    await slot(globex, 'DID-UNCONDITIONAL', globexDid, [['CUSTOM', custom]]);
    await slot(acme, 'EXT-BUSY', acme100, [['EXT', acme101]]);
    await slot(acme, 'EXT-NOANSWER', acme100, [['EXT', acme101]]);
    await o('calleridblacklist').insert(acme, { bl_callerid: '+4420' });
    ids = { acme, globex, p1, p2, route, acme100, globex100, acme101, acmeDid, globexDid, custom };
  });
  afterEach(() => dispose());

  test("outbound: the extension's own profile, failover past a disabled provider, its permission", async () => {
    assert.deepEqual(await routeOutboundCall(directory, ids.acme, ids.acme100, '0212345'), {
      ok: true,
      attempts: [{ routeId: ids.route, providerId: ids.p1, number: '+39212345', callerId: { number: '390211', name: '' }, emergency: false }],
      pinRequired: true,
    });
    assert.equal((await routeOutboundCall(directory, ids.acme, ids.acme100, '899123')).ok || 'refused', 'refused');
    const international = await routeOutboundCall(directory, ids.acme, ids.acme100, '00441234');
    assert.equal(!international.ok && international.reason, 'not-allowed');
  });

  test("outbound: without its own profile an extension dials by its tenant's; another tenant's extension is unknown", async () => {
    const globex = await routeOutboundCall(directory, ids.globex, ids.globex100, '00441234');
    assert.deepEqual(globex.ok && globex.attempts.map((a) => [a.providerId, a.number, a.callerId]), [[ids.p1, '00441234', { number: '3900', name: '' }]]);
    const acme101 = await routeOutboundCall(directory, ids.acme, ids.acme101, '0212345');
    assert.equal(!acme101.ok && acme101.reason, 'no-routing-profile');
    const crossed = await routeOutboundCall(directory, ids.globex, ids.acme100, '0212345');
    assert.equal(!crossed.ok && crossed.reason, 'unknown-caller');
  });

  test('provider targets: credentials from the whole row; unknown id', async () => {
    const target = await directory.providerTarget(ids.p1);
    assert.deepEqual(target?.ok && [target.target.uri, target.target.auth, target.target.registers], ['sip:gw1.example:5070;transport=tcp', { username: 'acct', secret: 's3cret' }, true]);
    assert.equal((await directory.providerTarget(ids.p2))?.ok, false);
    assert.equal(await directory.providerTarget(9999), undefined);
  });

  test("inbound: a DID number is one tenant's under every spelling; a call naming another tenant does not reach it", async () => {
    for (const called of ['+39021234', '39021234', '0039021234']) {
      const acme = await routeInbound(directory, { called, caller: '+4411' });
      assert.deepEqual(acme.ok && [acme.tenantId, acme.did.didId, acme.slot, acme.destinations], [ids.acme, ids.acmeDid, 'DID', [{ kind: 'extension', extensionId: ids.acme100 }, { kind: 'extension', extensionId: ids.acme101 }]], called);
    }
    const named = await routeInbound(directory, { called: '+39021234', caller: '+4411', tenantId: ids.globex });
    assert.equal(!named.ok && named.reason, 'unknown-did');
    await assert.rejects(store.objects('did').insert(ids.globex, { di_number: '0039021234' }), (e: Error) => (e as { code?: string }).code === 'conflict');
    const globex = await routeInbound(directory, { called: '0039027777', caller: '+4420', tenantId: ids.globex });
    assert.deepEqual(globex.ok && [globex.did.didId, globex.slot, globex.first], [ids.globexDid, 'DID-UNCONDITIONAL', { kind: 'external', number: '3335551234', presentedCallerId: 'caller', ringSeconds: 20 }]);
  });

  test("inbound: a number only one tenant holds finds it; the blacklist is that tenant's", async () => {
    const blocked = await routeInbound(directory, { called: '+39021234', caller: '004420', tenantId: ids.acme });
    assert.deepEqual(!blocked.ok && [blocked.reason, blocked.tenantId], ['blacklisted', ids.acme]);
    const only = await routeInbound(directory, { called: '+39025555', caller: '+4411' });
    assert.deepEqual(!only.ok && [only.reason, only.tenantId], ['no-destination', ids.acme]);
    assert.equal((await routeInbound(directory, { called: '+39025555', caller: '+4411', tenantId: ids.globex })).ok || 'refused', 'refused');
    await store.tenants.update(ids.acme, { te_disabled: 'on' });
    const disabled = await routeInbound(directory, { called: '+39025555', caller: '+4411' });
    assert.equal(!disabled.ok && disabled.reason, 'tenant-disabled');
  });

  test('forwarding: switched-on slots of the tenant\'s extension only', async () => {
    assert.deepEqual(await forwardingDecision(directory, ids.acme, ids.acme100, 'busy'), { slot: 'EXT-BUSY', destinations: [{ kind: 'extension', extensionId: ids.acme101 }] });
    assert.equal(await forwardingDecision(directory, ids.acme, ids.acme100, 'noanswer'), undefined, 'EXT-NOANSWER is filled but switched off');
    assert.equal(await forwardingDecision(directory, ids.globex, ids.acme100, 'busy'), undefined);
    assert.deepEqual(await directory.customs(ids.acme, [ids.custom]), [], "GLOBEX's custom destination is not ACME's");
  });
});
