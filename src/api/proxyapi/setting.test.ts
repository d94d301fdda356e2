// SETTING (spec §2.31): get and set a tenant setting by `name` or `code`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, type Harness, expectError } from '../../../test/support/api-harness.ts';

describe('SETTING', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());
  const acme = (params: Record<string, string>) => h.get({ key: h.acme.fullKey, tenant: 'ACME', reqtype: 'SETTING', ...params });

  test('set then get by name', async () => {
    const set = await acme({ action: 'set', name: 'VMAUTORECOVER', value: 'no' });
    assert.equal(set.headers.get('content-type'), 'text/html; charset=UTF-8');
    assert.equal(await set.text(), 'OK');
    const get = await acme({ action: 'get', name: 'VMAUTORECOVER' });
    assert.equal(get.headers.get('x-callgrid-error'), null);
    assert.equal(await get.text(), 'no');
  });

  test('set and get by code, as in the manual', async () => {
    assert.equal(await (await acme({ action: 'SET', code: 'RECORDINGFORMAT', value: 'wav' })).text(), 'OK');
    assert.equal(await (await acme({ action: 'GET', code: 'RECORDINGFORMAT' })).text(), 'wav');
    assert.equal(await (await acme({ action: 'get', name: 'RECORDINGFORMAT' })).text(), 'wav');
  });

  test('names are case-insensitive', async () => {
    await acme({ action: 'set', name: 'musicclass', value: 'jazz' });
    assert.equal(await (await acme({ action: 'get', name: 'MUSICCLASS' })).text(), 'jazz');
    assert.equal(await (await acme({ action: 'get', code: 'MusicClass' })).text(), 'jazz');
  });

  test('set replaces the value', async () => {
    await acme({ action: 'set', name: 'LANGUAGE', value: 'en' });
    await acme({ action: 'set', name: 'LANGUAGE', value: 'it' });
    assert.equal(await (await acme({ action: 'get', name: 'LANGUAGE' })).text(), 'it');
  });

  test('json answers', async () => {
    const set = await acme({ action: 'set', name: 'jsoncheck', value: 'on', format: 'json' });
    assert.equal(set.headers.get('content-type'), 'application/json; charset=UTF-8');
    assert.deepEqual(await set.json(), { result: 'OK' });
    assert.deepEqual(await (await acme({ action: 'get', name: 'jsoncheck', format: 'json' })).json(), { name: 'JSONCHECK', value: 'on' });
  });

  test('a value is stored literally', async () => {
    const value = `a|b 'c' "d" <e> ; DROP TABLE se_settings; -- 😀 é`;
    await h.post({ key: h.acme.fullKey, tenant: 'ACME', reqtype: 'SETTING', action: 'set', name: 'LITERAL', value });
    assert.deepEqual(await (await acme({ action: 'get', name: 'LITERAL', format: 'json' })).json(), { name: 'LITERAL', value });
  });

  test('an empty value is a value', async () => {
    await acme({ action: 'set', name: 'EMPTY', value: '' });
    assert.deepEqual(await (await acme({ action: 'get', name: 'EMPTY', format: 'json' })).json(), { name: 'EMPTY', value: '' });
  });

  test('a setting never set is not found', async () => {
    await expectError(await acme({ action: 'get', name: 'neverset' }), 'not_found', 'Setting NEVERSET is not set for this tenant');
  });

  test("another tenant's setting is invisible", async () => {
    await acme({ action: 'set', name: 'ACMEONLY', value: 'secret' });
    await expectError(await h.get({ key: h.globex.fullKey, tenant: 'GLOBEX', reqtype: 'SETTING', action: 'get', name: 'ACMEONLY' }), 'not_found', 'Setting ACMEONLY is not set for this tenant');
    await expectError(await h.get({ key: h.adminKey, tenant: 'GLOBEX', reqtype: 'SETTING', action: 'get', name: 'ACMEONLY' }), 'not_found', 'Setting ACMEONLY is not set for this tenant');
    assert.equal(await (await h.get({ key: h.adminKey, tenant: 'ACME', reqtype: 'SETTING', action: 'get', name: 'ACMEONLY' })).text(), 'secret');
  });

  test('missing parameters', async () => {
    await expectError(await acme({ name: 'X' }), 'missing_parameter', 'No action specified');
    await expectError(await acme({ action: 'get' }), 'missing_parameter', 'No name specified');
    await expectError(await acme({ action: 'set', name: 'X' }), 'missing_parameter', 'No value specified');
  });

  test('an unknown action', async () => {
    await expectError(await acme({ action: 'remove', name: 'X' }), 'unknown_action', 'Unknown action remove for SETTING: expected get or set');
  });

  test('an invalid name', async () => {
    await expectError(await acme({ action: 'set', name: 'bad name', value: '1' }), 'invalid_parameter', "Invalid setting name 'bad name': use letters, digits and '_' (at most 64)");
    await expectError(await acme({ action: 'get', name: 'A'.repeat(65) }), 'invalid_parameter', `Invalid setting name '${'A'.repeat(65)}': use letters, digits and '_' (at most 64)`);
  });

  test('a value over 4096 characters is refused', async () => {
    const res = await h.post({ key: h.acme.fullKey, tenant: 'ACME', reqtype: 'SETTING', action: 'set', name: 'BIG', value: 'x'.repeat(4097) });
    await expectError(res, 'invalid_parameter', 'Invalid value for setting BIG: at most 4096 characters');
    await expectError(await acme({ action: 'get', name: 'BIG' }), 'not_found', 'Setting BIG is not set for this tenant');
  });
});
