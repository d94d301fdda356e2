// The OpenAPI document (spec §5.1: bare openapi.php, ?spec=1, /openapi.json, /swagger.json, and
// /openapi.json at the root) and the HTML reference page: public, generated, self-contained.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, type Harness } from '../../../test/support/api-harness.ts';
import { expectOpenApiError, openapi } from '../../../test/support/openapi-harness.ts';
import { RESOURCES, primaryPath, schemaFor } from './resource-table.ts';

type Json = Record<string, unknown>;

/** Every `$ref` in the document, wherever it is. */
function refs(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refs);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => (k === '$ref' && typeof v === 'string' ? [v] : refs(v)));
}

describe('openapi.php document and reference page', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());

  test('served without a key at every §5.1 location and at /openapi.json', async () => {
    const first = await openapi(h, 'GET', '');
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('content-type'), 'application/json; charset=UTF-8');
    for (const path of ['/', '?spec=1', '/openapi.json', '/swagger.json']) {
      assert.equal((await openapi(h, 'GET', path)).text, first.text, path);
    }
    const root = await h.runtime.app.request('/openapi.json');
    assert.deepEqual(await root.json(), first.json);
    const other = await openapi(h, 'GET', '/openapi.json', {}, '/mirtapbx/openapi.php');
    assert.deepEqual((other.json as { servers: unknown }).servers, [{ url: '/mirtapbx/openapi.php' }]);
    expectOpenApiError(await openapi(h, 'POST', '/openapi.json', { body: {} }), 405, 'method_not_allowed');
  });

  test('an OpenAPI 3.1 document: every served resource with its verbs, every $ref resolves', async () => {
    const doc = (await openapi(h, 'GET', '/openapi.json')).json as Json & { paths: Record<string, Json>; components: { schemas: Json } };
    assert.equal(doc.openapi, '3.1.0');
    for (const resource of RESOURCES) {
      const item = doc.paths[primaryPath(resource)];
      assert.ok(item, primaryPath(resource));
      if (!schemaFor(resource)) continue;
      assert.deepEqual(Object.keys(item).filter((k) => ['get', 'post', 'patch', 'delete'].includes(k)), ['get', 'post']);
      assert.deepEqual(item['x-aliases'] ?? [], resource.paths.slice(1).map((p) => `/${p}`));
      const member = doc.paths[`${primaryPath(resource)}/{id}`];
      assert.deepEqual(Object.keys(member ?? {}).filter((k) => ['get', 'post', 'patch', 'delete'].includes(k)), ['get', 'patch', 'delete']);
    }
    for (const ref of refs(doc)) {
      const [, kind, name] = /^#\/components\/(\w+)\/(\w+)$/.exec(ref) ?? [];
      assert.ok(kind && name && (doc.components as Record<string, Json>)[kind]?.[name], `${ref} resolves`);
    }
    assert.equal(JSON.stringify(doc).includes('"$schema"'), false, 'components carry no $schema of their own');
  });

  test('the extension schemas follow the catalogue: required number, aliases, no secrets shown, no server-set writes', async () => {
    const schemas = ((await openapi(h, 'GET', '/openapi.json')).json as { components: { schemas: Record<string, Json> } }).components.schemas;
    const create = schemas.ExtensionCreate as { properties: Record<string, Json>; allOf: unknown; additionalProperties: boolean };
    assert.equal(create.additionalProperties, false);
    assert.deepEqual(create.allOf, [{ anyOf: [{ required: ['ex_number'] }, { required: ['number'] }] }]);
    assert.match(String(create.properties.number?.description), /alias of ex_number/);
    assert.ok(create.properties.password, 'write-only credentials can be written');
    assert.equal(create.properties.ex_datecreation, undefined, 'server-set columns are not writable');
    const shown = (schemas.Extension as { properties: Record<string, unknown> }).properties;
    assert.equal(shown.ex_secret, undefined);
    assert.ok(shown.tenant_code && shown.related && shown.object);
    assert.deepEqual(Object.keys((schemas.ExtensionListItem as { properties: Json }).properties), ['id', 'number', 'name', 'tech']);
  });

  test('the HTML page lists resources, methods and fields, with no script or outside asset and a strict CSP', async () => {
    for (const path of ['/docs', '/docs.html']) {
      const page = await openapi(h, 'GET', path);
      assert.equal(page.status, 200);
      assert.equal(page.headers.get('content-type'), 'text/html; charset=UTF-8');
      const csp = String(page.headers.get('content-security-policy'));
      assert.match(csp, /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+=*'/);
      assert.doesNotMatch(csp, /unsafe/);
      assert.match(page.text, /<code>\/pbx\/openapi.php\/extensions<\/code>/);
      assert.match(page.text, /<span class="m">PATCH<\/span>/);
      assert.match(page.text, /<code>ex_number<\/code>/);
      assert.match(page.text, /501 not_implemented/);
      assert.doesNotMatch(page.text, /<script|<link|<img|src=|https?:\/\//i);
    }
  });
});
