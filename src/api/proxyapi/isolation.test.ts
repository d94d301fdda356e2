// Tenant isolation: two tenants with the same setting name and balances each
// see only their own data, whether through their keys or the admin key.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, type Harness } from '../../../test/support/api-harness.ts';

describe('tenant isolation', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
    await h.get({ key: h.acme.fullKey, tenant: 'ACME', reqtype: 'SETTING', action: 'set', name: 'VMAUTORECOVER', value: 'acme-value' });
    await h.get({ key: h.globex.fullKey, tenant: 'GLOBEX', reqtype: 'SETTING', action: 'set', name: 'VMAUTORECOVER', value: 'globex-value' });
    await h.get({ key: h.adminKey, tenant: 'ACME', reqtype: 'BALANCE', amount: '10' });
    await h.get({ key: h.adminKey, tenant: 'GLOBEX', reqtype: 'BALANCE', amount: '99.5' });
    await h.get({ key: h.adminKey, tenant: 'GLOBEX', reqtype: 'BALANCE', amount: '-0.5' });
  });
  after(() => h.close());

  const read = async (key: string, tenant: string, params: Record<string, string>) => (await h.get({ key, tenant, ...params })).text();
  const setting = { reqtype: 'SETTING', action: 'get', name: 'VMAUTORECOVER' };
  const balance = { reqtype: 'INFO', info: 'balance' };

  test('each tenant key reads its own setting of the same name', async () => {
    assert.equal(await read(h.acme.fullKey, 'ACME', setting), 'acme-value');
    assert.equal(await read(h.acme.readOnlyKey, 'ACME', setting), 'acme-value');
    assert.equal(await read(h.globex.fullKey, 'GLOBEX', setting), 'globex-value');
    assert.equal(await read(h.globex.readOnlyKey, 'GLOBEX', setting), 'globex-value');
  });

  test('each tenant key reads its own balance', async () => {
    assert.equal(await read(h.acme.fullKey, 'ACME', balance), '10.00');
    assert.equal(await read(h.globex.readOnlyKey, 'GLOBEX', balance), '99.00');
  });

  test('the admin key reads the tenant it names', async () => {
    assert.equal(await read(h.adminKey, 'ACME', setting), 'acme-value');
    assert.equal(await read(h.adminKey, 'GLOBEX', setting), 'globex-value');
    assert.equal(await read(h.adminKey, 'ACME', balance), '10.00');
    assert.equal(await read(h.adminKey, 'GLOBEX', balance), '99.00');
  });

  test("a tenant key cannot reach the other tenant's data", async () => {
    for (const params of [setting, balance]) {
      const res = await h.get({ key: h.acme.fullKey, tenant: 'GLOBEX', ...params });
      assert.equal(res.headers.get('x-callgrid-error'), 'bad_key');
    }
  });

  test("writing one tenant's setting leaves the other's alone", async () => {
    await h.get({ key: h.adminKey, tenant: 'GLOBEX', reqtype: 'SETTING', action: 'set', name: 'VMAUTORECOVER', value: 'changed' });
    assert.equal(await read(h.acme.fullKey, 'ACME', setting), 'acme-value');
    assert.equal(await read(h.globex.fullKey, 'GLOBEX', setting), 'changed');
  });
});
