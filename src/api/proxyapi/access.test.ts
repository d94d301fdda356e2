// Who may run what: read-only keys read but never write, tenant keys stay out
// of admin-only reqtypes, and tenant-scoped reqtypes need a tenant.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, type Harness, expectError } from '../../../test/support/api-harness.ts';

describe('read-only key', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
    await h.get({ key: h.acme.fullKey, tenant: 'ACME', reqtype: 'SETTING', action: 'set', name: 'VMAUTORECOVER', value: 'yes' });
    await h.get({ key: h.adminKey, tenant: 'ACME', reqtype: 'BALANCE', amount: '5' });
  });
  after(() => h.close());
  const ro = (params: Record<string, string>) => h.get({ key: h.acme.readOnlyKey, tenant: 'ACME', ...params });

  test('reads INFO config, SETTING get, INFO balance, COUNTCALLS and HELP', async () => {
    assert.equal(await (await ro({ reqtype: 'INFO', info: 'config' })).text(), '0|0|0|0|0|0|0|');
    assert.equal(await (await ro({ reqtype: 'SETTING', action: 'get', name: 'VMAUTORECOVER' })).text(), 'yes');
    assert.equal(await (await ro({ reqtype: 'INFO', info: 'balance' })).text(), '5.00');
    assert.equal(await (await ro({ reqtype: 'COUNTCALLS' })).text(), '0');
    assert.match(await (await ro({ reqtype: 'HELP' })).text(), /^<pre>/);
  });

  test('SETTING set is refused and changes nothing', async () => {
    await expectError(await ro({ reqtype: 'SETTING', action: 'set', name: 'VMAUTORECOVER', value: 'no' }), 'read_only_key', 'This API key is read-only: SETTING changes data');
    await expectError(await ro({ reqtype: 'SETTING', action: ' SET ', name: 'VMAUTORECOVER', value: 'no' }), 'read_only_key', 'This API key is read-only: SETTING changes data');
    assert.equal(await (await ro({ reqtype: 'SETTING', action: 'get', name: 'VMAUTORECOVER' })).text(), 'yes');
  });

  test('BALANCE (admin only) is refused and changes nothing', async () => {
    await expectError(await ro({ reqtype: 'BALANCE', amount: '100' }), 'admin_required', 'BALANCE needs the admin API key');
    assert.equal(await (await ro({ reqtype: 'INFO', info: 'balance' })).text(), '5.00');
  });

  test('MANAGEDB add on a tenant object is refused', async () => {
    const res = await h.post({ key: h.acme.readOnlyKey, tenant: 'ACME', reqtype: 'MANAGEDB', object: 'extension', action: 'add', jsondata: '{"ex_number":"100"}' });
    await expectError(res, 'read_only_key', 'This API key is read-only: MANAGEDB changes data');
  });

  test('write reqtypes not implemented yet are refused before anything else', async () => {
    await expectError(await ro({ reqtype: 'DIAL', source: '100', dest: '200' }), 'read_only_key', 'This API key is read-only: DIAL changes data');
    await expectError(await ro({ reqtype: 'DND', action: 'set', number: '100', value: 'on' }), 'read_only_key', 'This API key is read-only: DND changes data');
  });

  // A read-only key is also a tenant key: on admin-only writes the admin check
  // comes first (endpoint.ts), so the refusal says admin_required.
  test('AUTHTOKEN and MANAGEDB tenant add are refused as admin-only', async () => {
    await expectError(await ro({ reqtype: 'AUTHTOKEN', action: 'generate', user: 'alice', validity: 'ONCE' }), 'admin_required', 'AUTHTOKEN needs the admin API key');
    await expectError(await ro({ reqtype: 'MANAGEDB', object: 'tenant', action: 'add', jsondata: '{"te_code":"X","te_name":"X"}' }), 'admin_required', 'MANAGEDB needs the admin API key');
  });
});

describe('tenant key on admin-only reqtypes', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());
  const full = (params: Record<string, string>) => h.get({ key: h.acme.fullKey, tenant: 'ACME', ...params });

  test('LICENSEDAYS', async () => {
    await expectError(await full({ reqtype: 'LICENSEDAYS' }), 'admin_required', 'LICENSEDAYS needs the admin API key');
  });

  test('AUTHTOKEN', async () => {
    await expectError(await full({ reqtype: 'AUTHTOKEN', action: 'reset', user: 'alice' }), 'admin_required', 'AUTHTOKEN needs the admin API key');
  });

  test('MANAGEDB tenant and user, every action', async () => {
    for (const object of ['tenant', 'TENANTS', 'user']) {
      for (const action of ['list', 'get', 'add', 'update', 'delete']) {
        await expectError(await full({ reqtype: 'MANAGEDB', object, action, objectid: '1' }), 'admin_required', 'MANAGEDB needs the admin API key');
      }
    }
    await expectError(await full({ reqtype: 'MANAGEDB', object: 'user', action: 'addtenant', objectid: '1', tenantid: String(h.acme.id) }), 'admin_required', 'MANAGEDB needs the admin API key');
  });

  test('MANAGEDB global objects not implemented yet', async () => {
    for (const object of ['provider', 'routingprofile', 'route', 'customtype']) {
      await expectError(await full({ reqtype: 'MANAGEDB', object, action: 'list' }), 'admin_required', 'MANAGEDB needs the admin API key');
    }
  });

  test('USERGROUP', async () => {
    await expectError(await full({ reqtype: 'USERGROUP', action: 'list' }), 'admin_required', 'USERGROUP needs the admin API key');
  });
});

describe('admin key without tenant', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());
  const admin = (params: Record<string, string>) => h.get({ key: h.adminKey, ...params });

  test('tenant-scoped reqtypes answer No tenant specified', async () => {
    await expectError(await admin({ reqtype: 'SETTING', action: 'get', name: 'VMAUTORECOVER' }), 'missing_parameter', 'No tenant specified');
    await expectError(await admin({ reqtype: 'SETTING', action: 'set', name: 'VMAUTORECOVER', value: 'no' }), 'missing_parameter', 'No tenant specified');
    await expectError(await admin({ reqtype: 'BALANCE', amount: '1' }), 'missing_parameter', 'No tenant specified');
    await expectError(await admin({ reqtype: 'INFO', info: 'config' }), 'missing_parameter', 'No tenant specified');
    await expectError(await admin({ reqtype: 'INFO', info: 'balance' }), 'missing_parameter', 'No tenant specified');
    await expectError(await admin({ reqtype: 'MANAGEDB', object: 'extension', action: 'list' }), 'missing_parameter', 'No tenant specified');
  });

  test('an empty tenant is no tenant', async () => {
    await expectError(await admin({ tenant: '', reqtype: 'INFO', info: 'config' }), 'missing_parameter', 'No tenant specified');
  });

  test('with a tenant the same requests work', async () => {
    assert.equal(await (await admin({ tenant: 'ACME', reqtype: 'INFO', info: 'config' })).text(), '0|0|0|0|0|0|0|');
    assert.equal(await (await admin({ tenant: 'GLOBEX', reqtype: 'BALANCE', amount: '1' })).text(), 'OK|1.00|');
  });

  test('installation-wide reqtypes need no tenant', async () => {
    assert.equal(await (await admin({ reqtype: 'COUNTCALLS' })).text(), '0');
    assert.equal(await (await admin({ reqtype: 'LICENSEDAYS' })).text(), 'unlimited');
    assert.equal((await admin({ reqtype: 'MANAGEDB', object: 'tenant', action: 'list' })).status, 200);
  });
});
