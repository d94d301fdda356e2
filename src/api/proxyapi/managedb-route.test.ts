// MANAGEDB routing profiles, routes and providers (spec §3.4.7-§3.4.9) and custom types (§3.4.17):
// listroutes, the routingprofileid filter, references between them, realtime fields and seeded types.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, type Harness, expectError } from '../../../test/support/api-harness.ts';

type Row = Record<string, string | null>;

describe('MANAGEDB routingprofile, route, provider, customtype', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(() => h.close());

  const admin = (object: string, action: string, params: Record<string, string> = {}) => h.post({ key: h.adminKey, reqtype: 'MANAGEDB', object, action, ...params });
  const ok = async (res: Response): Promise<unknown> => {
    assert.equal(res.headers.get('x-callgrid-error'), null, await res.clone().text());
    return res.json();
  };
  const add = async (object: string, fields: Record<string, unknown>) => (await ok(await admin(object, 'add', { jsondata: JSON.stringify(fields) }))) as Row;
  const names = (rows: unknown) => (rows as Row[]).map((r) => r.dl_name);

  test('routes list by routing profile and in dialling order; listroutes of a profile and of a provider', async () => {
    const national = await add('routingprofile', { rp_name: 'Only National', rp_type: 'VOICE' });
    const all = await add('routingprofile', { rp_name: 'All' });
    const carrier = await add('provider', { pr_name: 'Carrier' });
    await add('route', { dl_rp_id: national.rp_id, dl_name: 'Mobile', dl_regex: '^3', dl_pr_id: carrier.pr_id, dl_order: 2 });
    await add('route', { dl_rp_id: national.rp_id, dl_name: 'Free Numbers', dl_regex: '^800.*', dl_pr_id: carrier.pr_id, dl_order: 1 });
    await add('route', { dl_rp_id: all.rp_id, dl_name: 'Blacklisted', dl_regex: '^899' });
    assert.deepEqual(names(await ok(await admin('route', 'list'))), ['Blacklisted', 'Free Numbers', 'Mobile']);
    assert.deepEqual(names(await ok(await admin('route', 'list', { routingprofileid: String(national.rp_id) }))), ['Free Numbers', 'Mobile']);
    assert.deepEqual(names(await ok(await admin('routingprofile', 'listroutes', { objectid: String(all.rp_id) }))), ['Blacklisted']);
    assert.deepEqual(names(await ok(await admin('provider', 'listroutes', { objectid: String(carrier.pr_id) }))), ['Free Numbers', 'Mobile']);
    await expectError(await admin('routingprofile', 'listroutes', { objectid: '99' }), 'not_found', 'Routing profile 99 not found');
    await expectError(await admin('route', 'list', { routingprofileid: 'x' }), 'invalid_parameter', "Invalid routingprofileid 'x': expected a positive whole number");
    await expectError(await h.post({ key: h.acme.fullKey, tenant: 'ACME', reqtype: 'MANAGEDB', object: 'routingprofile', action: 'listroutes', objectid: '1' }), 'admin_required', 'MANAGEDB needs the admin API key');
  });

  test('references: a route needs its profile; providers and profiles in use are not deleted; a profile takes its routes', async () => {
    await expectError(await admin('route', 'add', { jsondata: '{"dl_rp_id":99,"dl_regex":"^1"}' }), 'invalid_parameter', 'Invalid dl_rp_id for route: routing profile 99 does not exist');
    const rp = await add('routingprofile', { rp_name: 'Default' });
    const pr = await add('provider', { pr_name: 'Carrier' });
    const route = await add('route', { dl_rp_id: String(rp.rp_id), dl_name: 'Free', dl_regex: '^800', dl_pr_id: String(pr.pr_id) });
    assert.equal(route.dl_weight, '1');
    await expectError(await admin('provider', 'delete', { objectid: String(pr.pr_id) }), 'conflict', 'Provider Carrier is in use by route Free (dl_pr_id); change those first');
    const ext = (await ok(await h.post({ key: h.acme.fullKey, tenant: 'ACME', reqtype: 'MANAGEDB', object: 'extension', action: 'add', jsondata: JSON.stringify({ ex_number: '100', ex_rp_id: rp.rp_id }) }))) as Row;
    await expectError(await admin('routingprofile', 'delete', { objectid: String(rp.rp_id) }), 'conflict', 'Routing profile Default is in use by extension 100 (ex_rp_id); change those first');
    await ok(await h.post({ key: h.acme.fullKey, tenant: 'ACME', reqtype: 'MANAGEDB', object: 'extension', action: 'update', objectid: String(ext.ex_id), jsondata: '{"ex_rp_id":""}' }));
    await ok(await admin('routingprofile', 'delete', { objectid: String(rp.rp_id) }));
    assert.deepEqual(await ok(await admin('route', 'list')), []);
    await ok(await admin('provider', 'delete', { objectid: String(pr.pr_id) }));
  });

  test('dl_regex must run on the linear-time engine (RE2): a backreference is refused naming the field, on add and update', async () => {
    const rp = await add('routingprofile', { rp_name: 'Default' });
    const refused = 'Invalid dl_regex for route: backreferences such as \\1 are not supported (patterns use RE2 syntax)';
    await expectError(await admin('route', 'add', { jsondata: JSON.stringify({ dl_rp_id: rp.rp_id, dl_name: 'Twice', dl_regex: '(a)\\1' }) }), 'invalid_parameter', refused);
    const route = await add('route', { dl_rp_id: rp.rp_id, dl_name: 'Abroad', dl_regex: '^00[1-9]\\d+$' });
    await expectError(await admin('route', 'update', { objectid: String(route.dl_id), jsondata: JSON.stringify({ dl_regex: '(a)\\1' }) }), 'invalid_parameter', refused);
    await expectError(
      await admin('route', 'update', { objectid: String(route.dl_id), jsondata: JSON.stringify({ dl_regex: '(abc|def|ghi|jkl|mno){999}' }) }),
      'invalid_parameter',
      'Invalid dl_regex for route: too complex: its repetitions expand to more than 20000 instructions',
    );
    assert.deepEqual(names(await ok(await admin('route', 'list'))), ['Abroad']);
    assert.equal(((await ok(await admin('route', 'get', { objectid: String(route.dl_id) }))) as Row).dl_regex, '^00[1-9]\\d+$');
  });

  test('provider realtime fields are pr_ columns; passwords are write-only; peer names are unique when set', async () => {
    const row = await add('provider', { pr_peername: 'new_provider', pr_name: 'New Provider', pr_tech: 'SIP', pr_userealtime: 'on', allow: 'alaw:20', host: '172.16.1.100', username: 'trunk1', password: 's3cret', transport: 'udp', qualify: 'yes', qualifyfreq: 60, nat: 'force_rport,comedia', canreinvite: 'no', direct_media: 'no', sendrpid: 'pai', codecs: 'alaw,ulaw' });
    assert.equal(row.pr_allow, 'alaw:20');
    assert.equal(row.pr_host, '172.16.1.100');
    assert.equal(row.pr_qualifyfreq, '60');
    assert.equal(row.pr_codecs, 'alaw,ulaw');
    assert.equal('pr_password' in row, false);
    assert.equal('pr_smspassword' in row, false);
    const stored = await h.runtime.services.objects.get('provider', null, Number(row.pr_id));
    assert.equal(stored.pr_password, 's3cret');
    await expectError(await admin('provider', 'add', { jsondata: '{"pr_name":"Other","pr_peername":"new_provider"}' }), 'conflict', 'Provider peer name new_provider already exists');
    await add('provider', { pr_name: 'No peer 1' });
    await add('provider', { pr_name: 'No peer 2' });
    const renamed = (await ok(await admin('provider', 'update', { objectid: String(row.pr_id), jsondata: '{"pr_peername":"test_extradevel","pr_name":"Test extradevel"}' }))) as Row;
    assert.equal(renamed.pr_allow, 'alaw:20');
    assert.equal(renamed.pr_name, 'Test extradevel');
  });

  test('customtype list answers the built-in types; custom destinations must name one', async () => {
    const types = (await ok(await admin('CUSTOMTYPES', 'list'))) as Row[];
    assert.deepEqual(types.map((t) => [t.ct_id, t.ct_code]), [['1', 'EXTERNALNUMBER'], ['2', 'SIPURI'], ['3', 'HANGUP'], ['4', 'RANDOMDESTINATION'], ['5', 'PRIVACY'], ['6', 'URL']]);
    await expectError(await admin('customtype', 'add', { jsondata: '{}' }), 'unknown_action', 'Unknown action add for MANAGEDB customtype: expected one of list');
    const custom = (id: number) => h.post({ key: h.acme.fullKey, tenant: 'ACME', reqtype: 'MANAGEDB', object: 'custom', action: 'add', jsondata: JSON.stringify({ cu_name: 'X', cu_ct_id: id }) });
    await expectError(await custom(99), 'invalid_parameter', 'Invalid cu_ct_id for custom destination: custom type 99 does not exist');
    await ok(await custom(2));
  });
});
