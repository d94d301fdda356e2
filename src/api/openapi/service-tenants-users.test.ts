// openapi.php /tenants and /users (spec §5.3, §3.4.1, §3.4.18): admin key only, MiRTA's aliases, the
// tenant's keys shown once, the code fixed after creation, passwords write-only, tenant_ids links.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, type Harness } from '../../../test/support/api-harness.ts';
import { expectOpenApiError, openapi } from '../../../test/support/openapi-harness.ts';
import { openApiDocument } from './document.ts';

type Row = Record<string, unknown>;

describe('openapi.php tenants and users', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(() => h.close());

  const admin = (method: string, path: string, body?: unknown) => openapi(h, method, path, { key: h.adminKey, body });

  test('tenants: list, create with the two keys shown once, get, patch, delete', async () => {
    const list = await admin('GET', '/tenants');
    assert.equal(list.status, 200, list.text);
    assert.deepEqual((list.json as Row[]).map((t) => [t.id, t.te_code, t.name]), [[1, 'ACME', 'ACME Inc.'], [2, 'GLOBEX', 'GLOBEX Inc.']]);
    assert.equal((list.json as Row[])[0]?.te_maxchannels, '0', 'raw row values are strings');

    const made = await admin('POST', '/tenants', { name: 'Canistracci', code: 'CANISTRACCI', billingcode: 'B-7', timezone: 'Europe/Rome', te_recordingpassword: 'secret' });
    assert.equal(made.status, 201, made.text);
    const row = made.json as Row;
    assert.equal(row.object, 'tenant');
    assert.deepEqual(row.related, []);
    assert.equal(row.te_billingcode, 'B-7');
    assert.equal(row.te_timezone, 'Europe/Rome');
    assert.equal('te_recordingpassword' in row, false, 'write-only');
    assert.match(String(row.apikey), /^\S{20,}$/);
    assert.match(String(row.apikey_readonly), /^\S{20,}$/);
    // The new full key works on the new tenant at once.
    const own = await openapi(h, 'GET', '/extensions?tenant=CANISTRACCI', { key: String(row.apikey) });
    assert.equal(own.status, 200, own.text);

    const got = await admin('GET', `/tenants/${row.id}`);
    assert.equal('apikey' in (got.json as Row), false, 'keys are shown only once');
    assert.deepEqual(Object.keys(got.json as Row).sort(), Object.keys(row).filter((k) => !k.startsWith('apikey')).sort());

    const patched = await admin('PATCH', `/tenants/${row.id}`, { name: 'Canistracci Srl', routing_profile_id: '' });
    assert.equal((patched.json as Row).te_name, 'Canistracci Srl');
    assert.equal((await admin('GET', '/tenants?code=canistracci')).text.includes('Canistracci Srl'), true);
    assert.deepEqual(await (await admin('DELETE', `/tenants/${row.id}`)).json, { deleted: true, id: row.id });
    expectOpenApiError(await admin('GET', `/tenants/${row.id}`), 404, 'object_not_found');
  });

  test('tenant writes are judged by TenantService: required, unknown, bad values, fixed code, duplicates', async () => {
    expectOpenApiError(await admin('POST', '/tenants', { name: 'No code' }), 400, 'missing_required_field', /'te_code' or 'code'/);
    expectOpenApiError(await admin('POST', '/tenants', { code: 'X', name: 'X', colour: 'red' }), 400, 'invalid_field', /colour/);
    expectOpenApiError(await admin('POST', '/tenants', { code: 'TZ', name: 'TZ', timezone: 'Mars/Base' }), 400, 'invalid_field', /IANA/);
    expectOpenApiError(await admin('POST', '/tenants', { code: 'TWO', te_code: 'TWO', name: 'x' }), 400, 'invalid_field', /both set te_code/);
    expectOpenApiError(await admin('POST', '/tenants', { code: 'ACME', name: 'again' }), 409, 'conflict');
    expectOpenApiError(await admin('PATCH', '/tenants/1', { code: 'OTHER' }), 400, 'invalid_field', /cannot be changed/);
    expectOpenApiError(await admin('PATCH', '/tenants/99', { name: 'x' }), 404, 'object_not_found');
  });

  test('tenant keys, full or read-only, are refused with admin_required on tenants and users', async () => {
    for (const key of [h.acme.fullKey, h.acme.readOnlyKey]) {
      for (const [method, path] of [['GET', '/tenants'], ['POST', '/tenants'], ['GET', '/users'], ['DELETE', '/users/1'], ['GET', '/nusers']]) {
        expectOpenApiError(await openapi(h, method as string, `${path}?tenant=ACME`, { key, body: method === 'POST' ? { code: 'X', name: 'X' } : undefined }), 403, 'admin_required');
      }
    }
  });

  test('users: password write-only, tenant_ids linked and replaced, CHECKAUTH sees the password', async () => {
    const made = await admin('POST', '/users', { username: 'api.operator', password: 'change-me', email: 'op@example.com', tenant_ids: [h.acme.id] });
    assert.equal(made.status, 201, made.text);
    const user = made.json as Row;
    assert.equal(user.us_username, 'api.operator');
    assert.equal(user.name, 'api.operator');
    assert.equal(user.object, 'user');
    assert.deepEqual(user.tenant_ids, [h.acme.id]);
    assert.equal('us_password' in user || 'password' in user, false, 'passwords are never shown');
    const auth = await h.runtime.services.users.authenticate('api.operator', 'change-me');
    assert.deepEqual(auth.tenants.map((t) => t.te_code), ['ACME']);

    const patched = await admin('PATCH', `/users/${user.id}`, { tenant_ids: [h.globex.id], description: 'ops' });
    assert.deepEqual((patched.json as Row).tenant_ids, [h.globex.id]);
    assert.equal((patched.json as Row).us_description, 'ops');
    const listed = (await admin('GET', '/users')).json as Row[];
    assert.deepEqual(listed.map((u) => u.us_username), ['api.operator']);
    assert.equal(JSON.stringify(listed).includes('password'), false);
    assert.deepEqual(await (await admin('DELETE', `/users/${user.id}`)).json, { deleted: true, id: user.id });
  });

  test('user writes: required username, unknown tenant, bad values, duplicates', async () => {
    expectOpenApiError(await admin('POST', '/users', { password: 'x' }), 400, 'missing_required_field', /'us_username' or 'username'/);
    expectOpenApiError(await admin('POST', '/users', { username: 'a', tenant_ids: [999] }), 400, 'invalid_field', /tenant 999 does not exist/);
    expectOpenApiError(await admin('POST', '/users', { username: 'a', tenant_ids: 'ACME' }), 400, 'invalid_field');
    expectOpenApiError(await admin('POST', '/users', { username: 'has space' }), 400, 'invalid_field', /spaces/);
    expectOpenApiError(await admin('POST', '/users', { username: 'a', us_password: '' }), 400, 'invalid_field');
    assert.equal((await admin('GET', '/users')).text, '[]', 'nothing was created by the refused writes');
    assert.equal((await admin('POST', '/users', { username: 'a' })).status, 201);
    expectOpenApiError(await admin('POST', '/users', { us_username: 'a' }), 409, 'conflict');
  });

  test('the document describes both from the services field rules, with aliases and required names', () => {
    const schemas = (openApiDocument('/pbx/openapi.php') as { components: { schemas: Record<string, Row> } }).components.schemas;
    const tenantCreate = schemas.TenantCreate as { properties: Record<string, Row>; allOf: unknown; additionalProperties: boolean };
    assert.equal(tenantCreate.additionalProperties, false);
    assert.deepEqual(tenantCreate.allOf, [{ anyOf: [{ required: ['te_name'] }, { required: ['name'] }] }, { anyOf: [{ required: ['te_code'] }, { required: ['code'] }] }]);
    assert.equal(tenantCreate.properties.te_code?.maxLength, 32);
    assert.match(String(tenantCreate.properties.routing_profile_id?.description), /alias of te_rp_id/);
    assert.ok((schemas.TenantCreated as { properties: Row }).properties.apikey);
    assert.equal((schemas.Tenant as { properties: Row }).properties.te_recordingpassword, undefined);
    assert.ok((schemas.UserCreate as { properties: Row }).properties.password);
    assert.equal((schemas.User as { properties: Row }).properties.us_password, undefined);
    assert.ok((schemas.UserCreate as { properties: Row }).properties.tenant_ids);
  });
});
