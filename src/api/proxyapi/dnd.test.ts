// DND get/set (spec §2.5): the stored ex_dnd flag of an extension, per tenant.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, expectError, type Harness } from '../../../test/support/api-harness.ts';

describe('DND', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
    await h.runtime.services.objects.create('extension', h.acme.id, { ex_number: '100' });
    await h.runtime.services.objects.create('extension', h.globex.id, { ex_number: '100' });
  });
  afterEach(() => h.close());

  const dnd = (params: Record<string, string>, key = h.acme.fullKey, tenant = 'ACME') => h.get({ key, tenant, reqtype: 'DND', ...params });

  test('set on, get on, set empty, get empty; the other tenant\'s 100 is untouched', async () => {
    assert.equal(await (await dnd({ action: 'get', number: '100' })).text(), '');
    assert.equal(await (await dnd({ action: 'set', number: '100', value: 'on' })).text(), 'OK');
    assert.equal(await (await dnd({ action: 'get', number: '100' })).text(), 'on');
    assert.deepEqual(await (await dnd({ action: 'get', number: '100', format: 'json' })).json(), { dnd: 'on' });
    assert.equal(await (await dnd({ action: 'get', number: '100' }, h.globex.fullKey, 'GLOBEX')).text(), '');
    const [row] = await h.runtime.services.objects.list('extension', h.acme.id);
    assert.equal(row?.ex_dnd, 'on', 'the flag is the extension column MANAGEDB shows');
    assert.equal(await (await dnd({ action: 'set', number: '100', value: '' })).text(), 'OK');
    assert.equal(await (await dnd({ action: 'get', number: '100' })).text(), '');
  });

  test('errors name what is wrong; read-only keys only read', async () => {
    await expectError(await dnd({ action: 'get' }), 'missing_parameter', 'No number specified: give the extension number');
    await expectError(await dnd({ action: 'get', number: '555' }), 'not_found', 'Extension 555 not found');
    await expectError(await dnd({ action: 'toggle', number: '100' }), 'invalid_parameter', 'Invalid action toggle for DND: expected get or set');
    await expectError(await dnd({ action: 'set', number: '100', value: 'maybe' }), 'invalid_parameter', "Invalid value 'maybe' for DND: expected on, or empty to disable");
    assert.equal((await dnd({ action: 'set', number: '100', value: 'on' }, h.acme.readOnlyKey)).headers.get('x-callgrid-error'), 'read_only_key');
    assert.equal(await (await dnd({ action: 'get', number: '100' }, h.acme.readOnlyKey)).text(), '');
  });
});
