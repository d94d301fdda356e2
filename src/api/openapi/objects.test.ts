// openapi.php on catalogue objects (spec §5.1, §5.3, §5.5, checklist 17-19): CRUD and its shapes,
// every path and alias of §5.3, verbs, unknown paths, not-implemented resources and the query form.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, type Harness, HARNESS_ENGINES } from '../../../test/support/api-harness.ts';
import { expectOpenApiError, openapi } from '../../../test/support/openapi-harness.ts';
import { RESOURCES, schemaFor } from './resource-table.ts';
import { servedBy } from './service-resources.ts';

type Row = Record<string, unknown>;

for (const engine of HARNESS_ENGINES) describe(`openapi.php objects on ${engine}`, () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness({}, { engine });
  });
  afterEach(() => h.close());

  const acme = (method: string, path: string, body?: unknown) => openapi(h, method, `${path}${path.includes('?') ? '&' : '?'}tenant=ACME`, { key: h.acme.fullKey, body });

  test('create answers 201 with the GET shape: raw string row, id, name, object, related, tenant', async () => {
    const made = await acme('POST', '/extensions', { number: '100', name: 'Ada Rivera', tech: 'PJSIP', password: 'change-this-secret', email: 'ada@example.com' });
    assert.equal(made.status, 201, made.text);
    const row = made.json as Row;
    assert.equal(row.id, 1);
    assert.equal(row.ex_id, '1');
    assert.equal(row.ex_te_id, String(h.acme.id));
    assert.equal(row.ex_number, '100');
    assert.equal(row.number, '100');
    assert.equal(row.name, 'Ada Rivera');
    assert.equal(row.tech, 'PJSIP');
    assert.equal(row.username, '100-ACME');
    assert.equal(row.tenant_code, 'ACME');
    assert.equal(row.tenant_name, 'ACME Inc.');
    assert.equal(row.object, 'extension');
    assert.deepEqual(row.related, []);
    assert.equal('ex_secret' in row, false, 'secrets are never shown');
    assert.equal(row.ex_rp_id, null);
    assert.deepEqual(await (await acme('GET', '/extensions/1')).json, row);
  });

  test('GET /extensions lists only id, number, name and tech (§5.5)', async () => {
    await acme('POST', '/extensions', { number: '100', name: 'Ada' });
    await acme('POST', '/extensions', { ex_number: '101', ex_name: 'Bruno', ex_tech: 'SIP' });
    const list = await acme('GET', '/extensions');
    assert.equal(list.status, 200);
    assert.deepEqual(list.json, [
      { id: 1, number: '100', name: 'Ada', tech: 'PJSIP' },
      { id: 2, number: '101', name: 'Bruno', tech: 'SIP' },
    ]);
    const byNumber = await acme('GET', '/extensions/number/101');
    assert.equal((byNumber.json as Row).id, 2);
    expectOpenApiError(await acme('GET', '/extensions/number/999'), 404, 'object_not_found');
  });

  test('PATCH changes only the fields sent, takes arrays for call groups, DELETE answers deleted', async () => {
    await acme('POST', '/extensions', { number: '100', name: 'Ada', email: 'a@example.com' });
    const patched = await acme('PATCH', '/extensions/1', { name: 'Ada - Desk', callgroups: [1, 2], pickupgroups: [1] });
    assert.equal(patched.status, 200, patched.text);
    const row = patched.json as Row;
    assert.equal(row.name, 'Ada - Desk');
    assert.equal(row.ex_callgroup, '1,2');
    assert.equal(row.ex_pickupgroup, '1');
    assert.equal(row.ex_email, 'a@example.com');
    const deleted = await acme('DELETE', '/extensions/1');
    assert.equal(deleted.status, 200);
    assert.deepEqual(deleted.json, { deleted: true, id: 1 });
    expectOpenApiError(await acme('GET', '/extensions/1'), 404, 'object_not_found', 'Extension 1 not found');
  });

  test('validation errors come from the service with §5.6 codes', async () => {
    expectOpenApiError(await acme('POST', '/extensions', { name: 'No number' }), 400, 'missing_required_field', "Missing required field 'ex_number' for extension");
    expectOpenApiError(await acme('POST', '/extensions', { number: '100', foo: 1 }), 400, 'invalid_field', "Unknown field 'foo' for extension");
    expectOpenApiError(await acme('POST', '/extensions', { number: 'abc' }), 400, 'invalid_field', /expected digits/);
    await acme('POST', '/extensions', { number: '100' });
    expectOpenApiError(await acme('POST', '/extensions', { number: '100' }), 409, 'conflict');
    const raw = (rawBody: string) => openapi(h, 'POST', '/extensions?tenant=ACME', { key: h.acme.fullKey, rawBody, headers: { 'content-type': 'application/json' } });
    expectOpenApiError(await raw('{"number":'), 400, 'invalid_json');
    expectOpenApiError(await raw(''), 400, 'invalid_json', /empty/);
    expectOpenApiError(await raw('[1]'), 400, 'invalid_json', /expected an object/);
  });

  test('lists filter on columns or aliases and page with limit/offset and X-Total-Count', async () => {
    for (const n of ['100', '101', '102']) await acme('POST', '/extensions', { number: n, tech: n === '101' ? 'SIP' : 'PJSIP' });
    assert.deepEqual(((await acme('GET', '/extensions?tech=SIP')).json as Row[]).map((r) => r.number), ['101']);
    assert.deepEqual(((await acme('GET', '/extensions?ex_number=102')).json as Row[]).map((r) => r.id), [3]);
    const page = await acme('GET', '/extensions?limit=1&offset=1');
    assert.deepEqual((page.json as Row[]).map((r) => r.number), ['101']);
    assert.equal(page.headers.get('x-total-count'), '3');
    expectOpenApiError(await acme('GET', '/extensions?limit=x'), 400, 'invalid_field');
    // A secret is not a filter: it would let a caller test guesses.
    assert.equal(((await acme('GET', '/extensions?ex_secret=nope')).json as Row[]).length, 3);
  });

  test('every path and alias of §5.3 routes: served objects list, the others answer not_implemented naming them', async () => {
    // Resources served through a service (service-resources.ts) have their own tests; here they only must not be 501.
    for (const resource of RESOURCES) {
      const method = resource.kind === 'object' ? 'GET' : (resource.methods?.[0] ?? 'GET');
      for (const path of resource.paths) {
        const reply = await openapi(h, method, `/${path}${resource.scope === 'global' ? '' : '?tenant=ACME'}`, { key: h.adminKey, body: method === 'GET' ? undefined : {} });
        if (servedBy(resource)) {
          assert.notEqual(reply.status, 501, `${path}: ${reply.text}`);
        } else if (schemaFor(resource)) {
          assert.equal(reply.status, 200, `${path}: ${reply.text}`);
          assert.ok(Array.isArray(reply.json), path);
        } else {
          expectOpenApiError(reply, 501, 'not_implemented', new RegExp(`/${resource.paths[0]} \\(${resource.object}\\)`));
        }
      }
    }
  });

  test('verbs: PUT and collection PATCH are 405 with Allow; reports are GET only; unknown paths are not_found', async () => {
    const put = await acme('PUT', '/extensions/1', {});
    expectOpenApiError(put, 405, 'method_not_allowed');
    assert.equal(put.headers.get('allow'), 'GET, PATCH, DELETE');
    assert.equal((await acme('PATCH', '/extensions', {})).headers.get('allow'), 'GET, POST');
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) expectOpenApiError(await acme(method, '/ailogs', {}), 405, 'method_not_allowed');
    expectOpenApiError(await acme('GET', '/nothing'), 404, 'not_found');
    expectOpenApiError(await acme('GET', '/extensions/1/more'), 404, 'not_found');
    expectOpenApiError(await acme('GET', '/extensions/abc'), 404, 'object_not_found');
    // The verb is checked before the key: it is wrong whoever sends it.
    expectOpenApiError(await openapi(h, 'PUT', '/extensions/1'), 405, 'method_not_allowed');
  });

  test('the three bases, HEAD, and the query form object=&action= serve the same resources', async () => {
    await acme('POST', '/extensions', { number: '100' });
    for (const base of ['/pbx/openapi.php', '/mirtapbx/openapi.php', '/api/v1']) {
      const reply = await openapi(h, 'GET', '/extensions/1?tenant=ACME', { key: h.acme.fullKey }, base);
      assert.equal((reply.json as Row).number, '100', base);
    }
    const head = await openapi(h, 'HEAD', '/extensions?tenant=ACME', { key: h.acme.fullKey });
    assert.equal(head.status, 200);
    assert.equal(head.text, '');
    const q = (method: string, query: string, body?: unknown) => openapi(h, method, `?tenant=ACME&${query}`, { key: h.acme.fullKey, body });
    assert.deepEqual((await q('GET', 'object=extension&action=list')).json, [{ id: 1, number: '100', name: '', tech: 'PJSIP' }]);
    assert.equal(((await q('GET', 'object=extensions&action=get&id=1')).json as Row).ex_number, '100');
    assert.equal((await q('POST', 'object=extension&action=add', { number: '101' })).status, 201);
    assert.equal(((await q('POST', 'object=extension&action=update&id=2', { name: 'B' })).json as Row).name, 'B');
    expectOpenApiError(await q('GET', 'object=extension&action=delete&id=2'), 405, 'method_not_allowed');
    assert.deepEqual((await q('POST', 'object=extension&action=delete&id=2')).json, { deleted: true, id: 2 });
    expectOpenApiError(await q('GET', 'object=extension&action=get'), 400, 'missing_required_field');
    expectOpenApiError(await q('GET', 'object=nothing'), 404, 'not_found');
  });
});
