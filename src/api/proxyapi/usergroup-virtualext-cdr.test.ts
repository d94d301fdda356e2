// USERGROUP (spec §2.28), VIRTUALEXT (§2.29) and CDR get/update (§2.35) through the proxyapi.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, type Harness, expectError } from '../../../test/support/api-harness.ts';

type Row = Record<string, string>;

describe('USERGROUP, VIRTUALEXT and CDR', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());

  const json = async (res: Response) => {
    assert.equal(res.headers.get('x-callgrid-error'), null, await res.clone().text());
    return (await res.json()) as unknown;
  };

  test('USERGROUP: create, link tenants and users (inherit), list, unlink, delete', async () => {
    const ug = (params: Record<string, string>) => h.get({ key: h.adminKey, reqtype: 'USERGROUP', format: 'json', ...params });
    const user = await h.runtime.services.users.create({ us_username: 'ann', us_password: 'secret-pass-1' });
    const group = (await json(await ug({ action: 'add', name: 'Resellers' }))) as Row;
    const id = group.ug_id ?? '';
    assert.deepEqual(((await json(await ug({ action: 'list' }))) as Row[]).map((g) => g.ug_name), ['Resellers']);
    assert.deepEqual(await json(await ug({ action: 'addtenant', usergroupid: id, tenantid: String(h.acme.id) })), { result: 'OK', linked: 'added' });
    assert.deepEqual(await json(await ug({ action: 'addtenant', usergroupid: id, tenantid: String(h.acme.id) })), { result: 'OK', linked: 'already linked' });
    assert.deepEqual(((await json(await ug({ action: 'listtenants', usergroupid: id }))) as Row[]).map((t) => t.te_code), ['ACME']);
    await json(await ug({ action: 'adduser', usergroupid: id, userid: String(user.us_id), inerith: 'on' }));
    assert.deepEqual(await json(await ug({ action: 'listusers', usergroupid: id })), [{ us_id: String(user.us_id), us_username: 'ann', gu_inherit: 'on' }]);
    assert.deepEqual(await h.runtime.services.userGroups.inheritedTenantIds(user.us_id), [h.acme.id]);
    // CHECKAUTH: the user now manages ACME through the group, so ACME's key may check it.
    const check = await h.get({ key: h.acme.fullKey, tenant: 'ACME', reqtype: 'CHECKAUTH', username: 'ann', password: 'secret-pass-1', format: 'json' });
    assert.equal(check.headers.get('x-callgrid-error'), null, await check.clone().text());
    assert.deepEqual((await h.runtime.services.users.authenticate('ann', 'secret-pass-1')).tenants.map((t) => t.te_code), ['ACME']);
    await json(await ug({ action: 'adduser', usergroupid: id, userid: String(user.us_id) }));
    await assert.rejects(h.runtime.services.users.authenticate('ann', 'secret-pass-1', h.acme.id), /Authentication failed/, 'without inheritance ACME no longer vouches for ann');
    assert.deepEqual(await h.runtime.services.userGroups.inheritedTenantIds(user.us_id), [], 'adding again without inerith clears it');
    await json(await ug({ action: 'deluser', usergroupid: id, userid: String(user.us_id) }));
    await json(await ug({ action: 'deltenant', usergroupid: id, tenantid: String(h.acme.id) }));
    await expectError(await h.get({ key: h.adminKey, reqtype: 'USERGROUP', action: 'deltenant', usergroupid: id, tenantid: String(h.acme.id) }), 'not_found', `Tenant ${h.acme.id} is not in user group ${id}`);
    await expectError(await h.get({ key: h.adminKey, reqtype: 'USERGROUP', action: 'listusers', usergroupid: '999' }), 'not_found', 'User group 999 not found');
    await expectError(await h.get({ key: h.adminKey, reqtype: 'USERGROUP', action: 'listusers' }), 'missing_parameter', 'No usergroupid specified');
    await expectError(await h.get({ key: h.adminKey, reqtype: 'USERGROUP', action: 'adduser', usergroupid: id, userid: '999' }), 'not_found', 'User 999 not found');
    await expectError(await h.get({ key: h.acme.fullKey, tenant: 'ACME', reqtype: 'USERGROUP', action: 'list' }), 'admin_required', 'USERGROUP needs the admin API key');
    assert.deepEqual(await json(await ug({ action: 'delete', usergroupid: id })), { result: 'OK', deleted: id });
  });

  test('VIRTUALEXT: add by number, username or NUMBER-TENANT; list, del, clean; isolation', async () => {
    const ext = (t: 'acme' | 'globex', fields: Record<string, string>) =>
      h.post({ key: h[t].fullKey, tenant: t.toUpperCase(), reqtype: 'MANAGEDB', object: 'extension', action: 'add', jsondata: JSON.stringify(fields) });
    await json(await ext('acme', { ex_number: '500', ex_tech: 'VIRTUAL' }));
    await json(await ext('acme', { ex_number: '100', ex_name: 'Ann' }));
    await json(await ext('acme', { ex_number: '101' }));
    await json(await ext('globex', { ex_number: '500', ex_tech: 'VIRTUAL' }));
    await json(await ext('globex', { ex_number: '100' }));
    const ve = (params: Record<string, string>, t: 'acme' | 'globex' = 'acme') => h.get({ key: h[t].fullKey, tenant: t.toUpperCase(), reqtype: 'VIRTUALEXT', number: '500', ...params });
    assert.equal(await (await ve({ action: 'add', extension: '100' })).text(), 'OK');
    assert.deepEqual(await json(await ve({ action: 'add', extension: '100-ACME', format: 'json' })), { result: 'OK', member: 'already a member' });
    await expectError(await ve({ action: 'add', extension: '100-GLOBEX' }), 'not_found', 'Extension 100-GLOBEX not found');
    assert.equal(await (await ve({ action: 'add', extension: '101-ACME' })).text(), 'OK');
    const members = (await json(await ve({ action: 'list', format: 'json' }))) as Row[];
    assert.deepEqual(members.map((m) => [m.ex_number, m.ex_name, m.ex_username]), [['100', 'Ann', '100-ACME'], ['101', '', '101-ACME']]);
    assert.equal(await (await ve({ action: 'list' }, 'globex')).text(), 'ex_id|ex_number|ex_name|ex_username|\n', 'GLOBEX 500 has no members');
    assert.equal(await (await ve({ action: 'del', extension: '101' })).text(), 'OK');
    await expectError(await ve({ action: 'del', extension: '101' }), 'not_found', 'Extension 101 is not a member of virtual extension 500');
    assert.equal(await (await ve({ action: 'clean' })).text(), 'OK|1|');
    await expectError(await ve({ action: 'list', number: '' }), 'missing_parameter', 'No number specified');
    await expectError(await ve({ action: 'list', number: '100' }), 'invalid_parameter', "Invalid number '100': extension 100 is not a virtual extension");
    await expectError(await ve({ action: 'add', extension: '500' }), 'invalid_parameter', "Invalid extension '500': a virtual extension cannot be a member of another");
    await expectError(await ve({ action: 'list', number: '999' }), 'not_found', 'Extension 999 not found');
    await expectError(await h.get({ key: h.acme.readOnlyKey, tenant: 'ACME', reqtype: 'VIRTUALEXT', number: '500', action: 'clean' }), 'read_only_key', 'This API key is read-only: VIRTUALEXT changes data');
  });

  test('CDR: get a field, append to the userfield, stay inside the tenant', async () => {
    const acme = await h.runtime.services.tenants.get(h.acme.id);
    await h.runtime.services.cdrs.record(acme, { start: '2026-11-27 09:00:00', uniqueid: 'srv02-1701011773.4670', src: '100', userfield: '[inbound]' });
    const cdr = (params: Record<string, string>, key = h.acme.fullKey, tenant = 'ACME') => h.get({ key, tenant, reqtype: 'CDR', uniqueid: 'srv02-1701011773.4670', ...params });
    assert.equal(await (await cdr({ action: 'GET', field: 'userfield' })).text(), '[inbound]');
    assert.equal(await (await cdr({ action: 'get', field: 'SRC' })).text(), '100');
    assert.equal(await (await cdr({ action: 'get', format: 'json' })).text(), '"[inbound]"');
    assert.equal(await (await cdr({ action: 'UPDATE', field: 'userfield', value: '[crm:42]' })).text(), 'OK');
    assert.equal(await (await cdr({ action: 'update', value: '' })).text(), 'OK', 'an empty value appends nothing');
    assert.equal(await (await cdr({ action: 'get' })).text(), '[inbound][crm:42]');
    await expectError(await cdr({ action: 'get' }, h.globex.fullKey, 'GLOBEX'), 'not_found', 'CDR srv02-1701011773.4670 not found');
    await expectError(await cdr({ action: 'update', field: 'src', value: 'x' }), 'invalid_parameter', "Invalid field 'src': only userfield can be updated");
    await expectError(await cdr({ action: 'get', field: 'password' }), 'invalid_parameter', "Invalid field 'password': expected a CDR column such as userfield");
    await expectError(await cdr({ action: 'update', value: 'x'.repeat(5000) }), 'invalid_parameter', 'Invalid value: the userfield would exceed 4096 characters');
    await expectError(await cdr({ action: 'update', value: 'x' }, h.acme.readOnlyKey), 'read_only_key', 'This API key is read-only: CDR changes data');
    await expectError(await h.get({ key: h.acme.fullKey, tenant: 'ACME', reqtype: 'CDR', action: 'get' }), 'missing_parameter', 'No uniqueid specified');
    await expectError(await cdr({}), 'missing_parameter', 'No action specified');
  });
});
