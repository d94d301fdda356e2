// openapi.php keys and scope (spec §5.2, §5.6, checklist 16, 20, 21): key transports, the error codes
// and statuses, read-only keys, admin-only objects, and tenants that never see each other's rows.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, type Harness } from '../../../test/support/api-harness.ts';
import { expectOpenApiError, openapi } from '../../../test/support/openapi-harness.ts';

describe('openapi.php access', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(() => h.close());

  test('the key is read from key=, X-API-Key and Authorization: Bearer', async () => {
    const viaQuery = await openapi(h, 'GET', `/extensions?tenant=ACME&key=${h.acme.fullKey}`);
    const viaHeader = await openapi(h, 'GET', '/extensions?tenant=ACME', { key: h.acme.fullKey });
    const viaBearer = await openapi(h, 'GET', '/extensions?tenant=ACME', { headers: { authorization: `Bearer ${h.acme.fullKey}` } });
    for (const reply of [viaQuery, viaHeader, viaBearer]) {
      assert.equal(reply.status, 200, reply.text);
      assert.deepEqual(reply.json, []);
    }
  });

  test('no key is missing_api_key (401); a wrong one is the exact observed invalid_api_key body', async () => {
    expectOpenApiError(await openapi(h, 'GET', '/extensions?tenant=ACME'), 401, 'missing_api_key');
    const wrong = await openapi(h, 'GET', '/extensions?tenant=ACME', { key: 'f'.repeat(64) });
    expectOpenApiError(wrong, 401, 'invalid_api_key', 'Invalid API key.');
    assert.equal(wrong.text, '{"error":{"code":"invalid_api_key","message":"Invalid API key."}}');
    assert.equal(Buffer.byteLength(wrong.text), 65);
  });

  test('a tenant key without tenant is tenant_required; an unknown or foreign tenant is tenant_not_found', async () => {
    expectOpenApiError(await openapi(h, 'GET', '/extensions', { key: h.acme.fullKey }), 400, 'tenant_required');
    expectOpenApiError(await openapi(h, 'GET', '/extensions?tenant=NOPE', { key: h.acme.fullKey }), 404, 'tenant_not_found', 'Tenant NOPE not found.');
    expectOpenApiError(await openapi(h, 'GET', '/extensions?tenant=GLOBEX', { key: h.acme.fullKey }), 404, 'tenant_not_found', 'Tenant GLOBEX not found.');
    expectOpenApiError(await openapi(h, 'GET', '/extensions?tenant=NOPE', { key: h.adminKey }), 404, 'tenant_not_found');
  });

  test('bad keys are throttled like on proxyapi.php', async () => {
    for (let i = 0; i < 20; i += 1) await openapi(h, 'GET', '/extensions?tenant=ACME', { key: `bad${i}`, address: '198.51.100.7' });
    const banned = await openapi(h, 'GET', '/extensions?tenant=ACME', { key: h.acme.fullKey, address: '198.51.100.7' });
    expectOpenApiError(banned, 429, 'too_many_auth_failures');
    assert.ok(Number(banned.headers.get('retry-after')) > 0);
  });

  test('read-only keys read but every write is read_only_api_key (403)', async () => {
    const ro = h.acme.readOnlyKey;
    assert.equal((await openapi(h, 'GET', '/extensions?tenant=ACME', { key: ro })).status, 200);
    expectOpenApiError(await openapi(h, 'POST', '/extensions?tenant=ACME', { key: ro, body: { number: '100' } }), 403, 'read_only_api_key');
    const made = await openapi(h, 'POST', '/extensions?tenant=ACME', { key: h.acme.fullKey, body: { number: '100' } });
    assert.equal(made.status, 201, made.text);
    expectOpenApiError(await openapi(h, 'PATCH', '/extensions/1?tenant=ACME', { key: ro, body: { name: 'x' } }), 403, 'read_only_api_key');
    expectOpenApiError(await openapi(h, 'DELETE', '/extensions/1?tenant=ACME', { key: ro }), 403, 'read_only_api_key');
    assert.equal((await openapi(h, 'GET', '/extensions/1?tenant=ACME', { key: ro })).status, 200);
  });

  test('global objects need the admin key (403 admin_required), even before they are served', async () => {
    for (const path of ['/tenants', '/providers', '/routing_profiles', '/nusers', '/auth/token']) {
      const method = path === '/auth/token' ? 'POST' : 'GET';
      expectOpenApiError(await openapi(h, method, `${path}?tenant=ACME`, { key: h.acme.fullKey }), 403, 'admin_required');
    }
  });

  test('another tenant sees nothing: list, get, patch and delete of its id are object_not_found', async () => {
    const a = await openapi(h, 'POST', '/extensions?tenant=ACME', { key: h.acme.fullKey, body: { number: '100', name: 'Alice' } });
    const g = await openapi(h, 'POST', '/extensions?tenant=GLOBEX', { key: h.globex.fullKey, body: { number: '100', name: 'Gina' } });
    assert.equal(a.status, 201, a.text);
    assert.equal(g.status, 201, g.text);
    const gid = (g.json as { id: number }).id;
    const acme = h.acme.fullKey;
    assert.deepEqual(((await openapi(h, 'GET', '/extensions?tenant=ACME', { key: acme })).json as Array<{ name: string }>).map((e) => e.name), ['Alice']);
    expectOpenApiError(await openapi(h, 'GET', `/extensions/${gid}?tenant=ACME`, { key: acme }), 404, 'object_not_found', `Extension ${gid} not found`);
    expectOpenApiError(await openapi(h, 'PATCH', `/extensions/${gid}?tenant=ACME`, { key: acme, body: { name: 'x' } }), 404, 'object_not_found');
    expectOpenApiError(await openapi(h, 'DELETE', `/extensions/${gid}?tenant=ACME`, { key: acme }), 404, 'object_not_found');
    expectOpenApiError(await openapi(h, 'GET', '/extensions/number/100?tenant=GLOBEX', { key: acme }), 404, 'tenant_not_found');
    assert.equal(((await openapi(h, 'GET', `/extensions/${gid}?tenant=GLOBEX`, { key: h.globex.fullKey })).json as { name: string }).name, 'Gina');
  });

  test('the admin key reads every tenant without tenant=, but writes to tenant objects need it', async () => {
    await openapi(h, 'POST', '/extensions?tenant=ACME', { key: h.adminKey, body: { number: '100' } });
    await openapi(h, 'POST', '/extensions?tenant=GLOBEX', { key: h.adminKey, body: { number: '100' } });
    assert.equal(((await openapi(h, 'GET', '/extensions', { key: h.adminKey })).json as unknown[]).length, 2);
    assert.equal(((await openapi(h, 'GET', '/extensions?tenant=globex', { key: h.adminKey })).json as unknown[]).length, 1);
    const one = await openapi(h, 'GET', '/extensions/2', { key: h.adminKey });
    assert.equal((one.json as { tenant_code: string }).tenant_code, 'GLOBEX');
    expectOpenApiError(await openapi(h, 'POST', '/extensions', { key: h.adminKey, body: { number: '101' } }), 400, 'tenant_required');
    expectOpenApiError(await openapi(h, 'PATCH', '/extensions/1', { key: h.adminKey, body: { name: 'x' } }), 400, 'tenant_required');
    expectOpenApiError(await openapi(h, 'DELETE', '/extensions/1', { key: h.adminKey }), 400, 'tenant_required');
  });

  test('global=1 is admin-only and not implemented yet', async () => {
    expectOpenApiError(await openapi(h, 'GET', '/settings?tenant=ACME&global=1', { key: h.acme.fullKey }), 403, 'admin_required');
    expectOpenApiError(await openapi(h, 'GET', '/settings?global=1', { key: h.adminKey }), 501, 'not_implemented', /global=1/);
  });
});
