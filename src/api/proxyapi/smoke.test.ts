// The HTTP edge as a whole: the proxyapi paths MiRTA clients use, the health
// check, the 404 answer, and the headers every proxyapi answer carries.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, type Harness } from '../../../test/support/api-harness.ts';

describe('HTTP edge', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());

  const query = () => new URLSearchParams({ key: h.acme.fullKey, tenant: 'ACME', reqtype: 'INFO', info: 'config' }).toString();

  for (const path of ['/pbx/proxyapi.php', '/mirtapbx/proxyapi.php', '/proxyapi']) {
    test(`proxyapi answers at ${path}`, async () => {
      const res = await h.runtime.app.request(`${path}?${query()}`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'text/html; charset=UTF-8');
      assert.equal(await res.text(), '0|0|0|0|0|0|0|');
    });
  }

  test('a successful answer carries nosniff and no-store, and no error code', async () => {
    const res = await h.get({ key: h.acme.fullKey, tenant: 'ACME', reqtype: 'INFO', info: 'config' });
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.equal(res.headers.get('x-callgrid-error'), null);
  });

  test('an unknown path is a 404 naming the API path', async () => {
    const res = await h.runtime.app.request('/pbx/nothing.php');
    assert.equal(res.status, 404);
    assert.equal(res.headers.get('x-callgrid-error'), 'not_found');
    assert.equal(await res.text(), 'No such endpoint /pbx/nothing.php; the API is at /pbx/proxyapi.php\n');
  });

  test('another method on the API path is 405 with Allow, not "no such endpoint"', async () => {
    for (const method of ['PUT', 'DELETE']) {
      const res = await h.runtime.app.request('/pbx/proxyapi.php', { method });
      assert.equal(res.status, 405, method);
      assert.match(res.headers.get('allow') ?? '', /GET.*POST|POST.*GET/);
    }
  });

  test('/healthz answers ok with the node name', async () => {
    const res = await h.runtime.app.request('/healthz');
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok', node: h.runtime.config.nodeName });
  });

  test('/healthz while the node drains: 503 with status draining, so a load balancer stops sending', async () => {
    h.runtime.health.draining = true;
    try {
      const res = await h.runtime.app.request('/healthz');
      assert.equal(res.status, 503);
      assert.deepEqual(await res.json(), { status: 'draining', node: h.runtime.config.nodeName });
    } finally {
      h.runtime.health.draining = false;
    }
  });
});
