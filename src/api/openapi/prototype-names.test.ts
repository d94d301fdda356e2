// Names every JavaScript object answers to (constructor, toString, __proto__, ...) are looked up as the
// request's own names: as a list filter they are unknown names (ignored, as any unknown parameter),
// as a write field they are unknown fields (400), and never an internal error.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, type Harness } from '../../../test/support/api-harness.ts';
import { expectOpenApiError, openapi } from '../../../test/support/openapi-harness.ts';

const NAMES = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__', '__defineGetter__'];

describe('openapi.php and the names of Object.prototype', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
    const made = await openapi(h, 'POST', '/extensions?tenant=ACME', { key: h.acme.fullKey, body: { number: '100', name: 'Ada' } });
    assert.equal(made.status, 201, made.text);
  });
  after(() => h.close());

  test('as a list filter on a catalogue object they filter nothing and answer the list', async () => {
    const plain = await openapi(h, 'GET', '/extensions?tenant=ACME', { key: h.acme.fullKey });
    for (const name of NAMES) {
      for (const path of ['/extensions', '/dids']) {
        const reply = await openapi(h, 'GET', `${path}?tenant=ACME&${name}=1`, { key: h.acme.fullKey });
        assert.equal(reply.status, 200, `${path}?${name}=1: ${reply.text}`);
        if (path === '/extensions') assert.deepEqual(reply.json, plain.json, name);
      }
    }
  });

  test('as a tenant list filter they filter nothing and answer the list', async () => {
    const plain = await openapi(h, 'GET', '/tenants', { key: h.adminKey });
    for (const name of NAMES) {
      const reply = await openapi(h, 'GET', `/tenants?${name}=x`, { key: h.adminKey });
      assert.equal(reply.status, 200, `${name}: ${reply.text}`);
      assert.deepEqual(reply.json, plain.json, name);
    }
  });

  test('as a field of a service-kept object they are unknown fields, 400 invalid_field', async () => {
    for (const name of ['constructor', 'toString', 'hasOwnProperty']) {
      const tenant = await openapi(h, 'POST', '/tenants', { key: h.adminKey, body: { te_code: 'PROTO', te_name: 'p', [name]: 'x' } });
      expectOpenApiError(tenant, 400, 'invalid_field', `Unknown field '${name}' for tenant`);
      const setting = await openapi(h, 'POST', '/settings?tenant=ACME', { key: h.acme.fullKey, body: { code: 'PROTO', [name]: 'x' } });
      expectOpenApiError(setting, 400, 'invalid_field', `Unknown field '${name}' for setting`);
    }
  });
});
