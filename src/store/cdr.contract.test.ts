// Contract of the CDR, XML template, phonebook, user group and virtual extension repositories,
// run on SQLite always and on PostgreSQL when CALLGRID_TEST_PG_URL is set.
import assert from 'node:assert/strict';
import { onEveryEngine, storeTest, twoTenants } from '../../test/support/store-engines.ts';
import type { Store } from './index.ts';

const CREATED = '2026-01-02 03:04:05';

onEveryEngine('CDR and phonebook repositories', (open) => {
  const it = storeTest(open);

  it('CDRs: insert fills defaults; filters by tenant, time, lists, phone and direction', async (store) => {
    const [a, b] = await twoTenants(store);
    const first = await store.cdrs.insert(a, { accountcode: 'ACME', start: '2026-03-01 10:00:00', uniqueid: 'n1-1.1', src: '100', dst: '200', userfield: '[inbound]' });
    assert.equal(first.duration, 0);
    assert.equal(first.answer, null);
    assert.equal(first.cc_cost, '');
    await store.cdrs.insert(a, { accountcode: 'ACME', start: '2026-03-02 10:00:00', uniqueid: 'n1-1.2', src: '101', wherelanded: '300', userfield: '[outbound]' });
    await store.cdrs.insert(a, { accountcode: 'ACME', start: '2026-03-03 10:00:00', uniqueid: 'n1-1.3', src: '102', linkedid: 'L1' });
    await store.cdrs.insert(b, { accountcode: 'GLOBEX', start: '2026-03-01 11:00:00', uniqueid: 'n1-1.1', src: '100' });
    const ids = async (query: Parameters<Store['cdrs']['list']>[0]) => (await store.cdrs.list(query)).map((r) => r.uniqueid);
    assert.deepEqual(await ids({ tenantIds: [a] }), ['n1-1.1', 'n1-1.2', 'n1-1.3']);
    assert.deepEqual(await ids({ tenantIds: [b] }), ['n1-1.1']);
    assert.equal((await store.cdrs.list({})).length, 4, 'no tenant list = every tenant');
    assert.deepEqual(await ids({ tenantIds: [] }), [], 'an empty tenant list matches nothing');
    assert.deepEqual(await ids({ tenantIds: [a], from: '2026-03-02 00:00:00', to: '2026-03-02 23:59:59' }), ['n1-1.2']);
    assert.deepEqual(await ids({ tenantIds: [a], srcs: ['100', '102'] }), ['n1-1.1', 'n1-1.3']);
    assert.deepEqual(await ids({ tenantIds: [a], phones: ['300'] }), ['n1-1.2'], 'phone matches wherelanded');
    assert.deepEqual(await ids({ tenantIds: [a], phones: ['200'] }), ['n1-1.1'], 'phone matches dst');
    assert.deepEqual(await ids({ tenantIds: [a], linkedids: ['L1'] }), ['n1-1.3']);
    assert.deepEqual(await ids({ tenantIds: [a], directions: ['IN'] }), ['n1-1.1']);
    assert.deepEqual(await ids({ tenantIds: [a], directions: ['OUT', 'LOCAL'] }), ['n1-1.2', 'n1-1.3']);
    assert.deepEqual(await ids({ tenantIds: [a], ids: [first.ID] }), ['n1-1.1']);
  });

  it('CDRs: getField and appendUserfield stay inside the tenant', async (store) => {
    const [a, b] = await twoTenants(store);
    await store.cdrs.insert(a, { accountcode: 'ACME', start: '2026-03-01 10:00:00', uniqueid: 'u1', userfield: '[inbound]' });
    await store.cdrs.insert(b, { accountcode: 'GLOBEX', start: '2026-03-01 10:00:00', uniqueid: 'u1', userfield: 'b' });
    assert.equal(await store.cdrs.appendUserfield(a, 'u1', `O'Brien;--`), 1);
    assert.equal(await store.cdrs.getField(a, 'u1', 'userfield'), `[inbound]O'Brien;--`);
    assert.equal(await store.cdrs.getField(b, 'u1', 'userfield'), 'b');
    assert.equal(await store.cdrs.getField(a, 'missing', 'userfield'), undefined);
    assert.equal(await store.cdrs.appendUserfield(b, 'missing', 'x'), 0);
  });

  it('simple CDRs carry the tenant code and filter like CDRs', async (store) => {
    const [a, b] = await twoTenants(store);
    await store.cdrs.insertSimple(a, { sc_start: '2026-03-01 10:00:00', sc_uniqueid: 's1', sc_direction: 'IN', sc_calleridnum: '555', sc_whoanswered: '100' });
    const row = await store.cdrs.insertSimple(b, { sc_start: '2026-03-01 10:00:00', sc_uniqueid: 's2', sc_direction: 'OUT', sc_dialednum: '555' });
    assert.equal(row.tenantcode, 'GLOBEX');
    // What insertSimple answers is the row as listSimple reads it.
    assert.deepEqual(row, (await store.cdrs.listSimple({ ids: [row.sc_id] }))[0]);
    assert.deepEqual((await store.cdrs.listSimple({ phones: ['555'] })).map((r) => r.sc_uniqueid), ['s1', 's2']);
    assert.deepEqual((await store.cdrs.listSimple({ tenantIds: [a], phones: ['555'] })).map((r) => r.sc_uniqueid), ['s1']);
    assert.deepEqual((await store.cdrs.listSimple({ directions: ['OUT'] })).map((r) => r.tenantcode), ['GLOBEX']);
  });

  it('XML templates are per tenant and replaced by name', async (store) => {
    const [a, b] = await twoTenants(store);
    await store.xmlTemplates.put(a, 'T', 'one');
    await store.xmlTemplates.put(a, 'T', 'two');
    assert.equal(await store.xmlTemplates.get(a, 'T'), 'two');
    assert.equal(await store.xmlTemplates.get(b, 'T'), undefined);
    assert.deepEqual(await store.xmlTemplates.list(a), ['T']);
    assert.equal(await store.xmlTemplates.delete(b, 'T'), false);
    assert.equal(await store.xmlTemplates.delete(a, 'T'), true);
  });

  it('phonebooks: 18 items, case-insensitive names, entries with values, LIKE queries, delete and clear', async (store) => {
    const [a, b] = await twoTenants(store);
    const items = await store.phonebooks.items();
    assert.equal(items.length, 18);
    assert.deepEqual(items.slice(0, 2).map((i) => i.pi_code), ['NAME', 'PHONE1']);
    const book = await store.phonebooks.create(a, 'Default');
    assert.equal((await store.phonebooks.find(a, 'default'))?.pb_id, book.pb_id);
    assert.equal(await store.phonebooks.find(b, 'Default'), undefined);
    const ids = await store.phonebooks.addEntries(a, book.pb_id, [[[1, 'Ross Geller'], [2, '3564732920']], [[1, 'ben_1%']], [[1, 'Ünïcödé']]]);
    assert.equal(ids.length, 3);
    assert.ok(ids[0]! < ids[1]! && ids[1]! < ids[2]!);
    assert.deepEqual(await store.phonebooks.entries(a, book.pb_id), [
      { pe_id: ids[0], pe_pb_id: book.pb_id, values: { NAME: 'Ross Geller', PHONE1: '3564732920' } },
      { pe_id: ids[1], pe_pb_id: book.pb_id, values: { NAME: 'ben_1%' } },
      { pe_id: ids[2], pe_pb_id: book.pb_id, values: { NAME: 'Ünïcödé' } },
    ]);
    const names = async (itemId: number | undefined, pattern: string) => (await store.phonebooks.query(a, book.pb_id, itemId, pattern)).map((e) => e.values.NAME);
    assert.deepEqual(await names(1, 'ross%'), ['Ross Geller']);
    assert.deepEqual(await names(1, 'ROSS GELLER'), ['Ross Geller']);
    assert.deepEqual(await names(1, 'ross'), [], 'no wildcard = the whole value');
    assert.deepEqual(await names(undefined, '%4732%'), ['Ross Geller'], 'any item');
    assert.deepEqual(await names(1, 'ben\\_1%'), ['ben_1%'], 'escaped underscore');
    assert.deepEqual(await names(1, 'ben\\_'), [], 'escaped underscore is literal');
    assert.deepEqual(await names(1, 'Ünïcödé'), ['Ünïcödé']);
    assert.equal(await store.phonebooks.deleteEntry(b, book.pb_id, ids[0]!), false, 'another tenant cannot delete');
    assert.equal(await store.phonebooks.deleteEntry(a, book.pb_id, ids[0]!), true);
    assert.deepEqual((await store.phonebooks.list(a)).map((p) => [p.pb_name, p.entries]), [['Default', 2]]);
    assert.equal(await store.phonebooks.clear(a, book.pb_id), 2);
    assert.deepEqual(await store.phonebooks.entries(a, book.pb_id), []);
  });

  it('user groups: tenants, users with inherit, inherited tenants', async (store) => {
    const [a, b] = await twoTenants(store);
    const user = await store.users.create({ us_username: 'ann' }, CREATED);
    const group = await store.userGroups.create({ ug_name: 'Resellers', ug_description: '' });
    assert.equal(await store.userGroups.addTenant(group.ug_id, a), true);
    assert.equal(await store.userGroups.addTenant(group.ug_id, a), false);
    await store.userGroups.addTenant(group.ug_id, b);
    await store.userGroups.putUser(group.ug_id, user.us_id, false);
    assert.deepEqual(await store.userGroups.inheritedTenantIds(user.us_id), []);
    await store.userGroups.putUser(group.ug_id, user.us_id, true);
    assert.deepEqual(await store.userGroups.users(group.ug_id), [{ us_id: user.us_id, us_username: 'ann', gu_inherit: 'on' }]);
    assert.deepEqual(await store.userGroups.inheritedTenantIds(user.us_id), [a, b]);
    assert.equal(await store.userGroups.removeTenant(group.ug_id, b), true);
    assert.deepEqual((await store.userGroups.tenants(group.ug_id)).map((t) => t.te_code), ['ACME']);
    assert.equal(await store.userGroups.delete(group.ug_id), true);
    assert.deepEqual(await store.userGroups.inheritedTenantIds(user.us_id), []);
  });

  it('virtual extension members', async (store) => {
    const [a] = await twoTenants(store);
    const ext = store.objects('extension');
    const virtual = await ext.insert(a, { ex_number: '500', ex_tech: 'VIRTUAL' });
    const real = await ext.insert(a, { ex_number: '100', ex_username: '100-ACME' });
    assert.equal(await store.virtualExtensions.add(a, Number(virtual.ex_id), Number(real.ex_id)), true);
    assert.equal(await store.virtualExtensions.add(a, Number(virtual.ex_id), Number(real.ex_id)), false);
    assert.deepEqual(await store.virtualExtensions.members(a, Number(virtual.ex_id)), [{ ex_id: Number(real.ex_id), ex_number: '100', ex_name: '', ex_username: '100-ACME' }]);
    assert.equal(await store.virtualExtensions.clear(a, Number(virtual.ex_id)), 1);
    assert.equal(await store.virtualExtensions.remove(a, Number(virtual.ex_id), Number(real.ex_id)), false);
  });
});
