import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness } from '../../../test/support/api-harness.ts';

test('smoke: INFO config with a tenant key', async () => {
  const h = await createHarness();
  const res = await h.get({ key: h.acme.fullKey, tenant: 'ACME', reqtype: 'INFO', info: 'config', format: 'json' });
  assert.equal(res.headers.get('content-type'), 'application/json; charset=UTF-8');
  assert.deepEqual(Object.keys((await res.json()) as object).slice(0, 3), ['maxchannels', 'maxextensions', 'maxdids']);
  await h.close();
});
