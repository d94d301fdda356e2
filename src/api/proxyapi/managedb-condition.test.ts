// MANAGEDB condition extended infos (spec §3.4.11): replaceextendedinfos stores param1..4 as ce_ rows,
// getextendedinfos answers them, bad entries are refused naming the entry, and they go with the condition.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, type Harness, type TenantKeys, expectError } from '../../../test/support/api-harness.ts';

type Row = Record<string, string | null>;

const WEEK = [
  { param1: '1', param2: '8:00', param3: '13:00' },
  { param1: '1', param2: '15:00', param3: '19:00' },
  { param1: '2', param2: '8:00', param3: '13:00' },
];

describe('MANAGEDB condition extended infos', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(() => h.close());

  const call = (t: TenantKeys, action: string, params: Record<string, string> = {}, key = t.fullKey) =>
    h.post({ key, tenant: t.code, reqtype: 'MANAGEDB', object: 'condition', action, ...params });
  const ok = async (res: Response): Promise<unknown> => {
    assert.equal(res.headers.get('x-callgrid-error'), null, await res.clone().text());
    return res.json();
  };
  const condition = async (t: TenantKeys) => String(((await ok(await call(t, 'add', { jsondata: '{"co_name":"Office","type":"WEEKTIME"}' }))) as Row).co_id);
  const infos = async (t: TenantKeys, id: string) => (await ok(await call(t, 'getextendedinfos', { objectid: id }))) as Row[];

  test('replaceextendedinfos stores the entries in order; getextendedinfos answers them', async () => {
    const id = await condition(h.acme);
    const rows = (await ok(await call(h.acme, 'replaceextendedinfos', { objectid: id, jsondata: JSON.stringify(WEEK) }))) as Row[];
    assert.equal(rows.length, 3);
    assert.deepEqual(Object.keys(rows[0] ?? {}), ['ce_id', 'ce_te_id', 'ce_co_id', 'ce_param1', 'ce_param2', 'ce_param3', 'ce_param4']);
    assert.deepEqual(rows.map((r) => [r.ce_co_id, r.ce_param1, r.ce_param2, r.ce_param3, r.ce_param4]), WEEK.map((w) => [id, w.param1, w.param2, w.param3, '']));
    assert.deepEqual(await infos(h.acme, id), rows);
    await ok(await call(h.acme, 'replaceextendedinfos', { objectid: id, jsondata: '[{"ce_param1":"5","param2":"9:00","param3":"17:00"}]' }));
    assert.deepEqual((await infos(h.acme, id)).map((r) => r.ce_param1), ['5']);
    await ok(await call(h.acme, 'replaceextendedinfos', { objectid: id, jsondata: '[]' }));
    assert.deepEqual(await infos(h.acme, id), []);
  });

  test('bad entries are refused naming the field and the entry; the infos stay as they were', async () => {
    const id = await condition(h.acme);
    await ok(await call(h.acme, 'replaceextendedinfos', { objectid: id, jsondata: JSON.stringify(WEEK) }));
    const bad = (json: string) => call(h.acme, 'replaceextendedinfos', { objectid: id, jsondata: json });
    await expectError(await bad('[{"param1":"1"},{"param9":"x"}]'), 'invalid_parameter', "Unknown field 'param9' for condition extended info (entry 2)");
    await expectError(await bad(`[{"param1":"${'x'.repeat(256)}"}]`), 'invalid_parameter', 'Invalid param1 for condition extended info: at most 255 characters (got 256) (entry 1)');
    await expectError(await bad('[{"ce_co_id":999}]'), 'invalid_parameter', `Invalid ce_co_id for condition extended info: it cannot be changed (it is ${id}) (entry 1)`);
    await expectError(await bad('"weekdays"'), 'invalid_parameter', 'Invalid jsondata for extended infos: expected a JSON array (or an object keyed by position)');
    await expectError(await bad('[["1","8:00"]]'), 'invalid_parameter', 'Invalid jsondata for condition extended info: expected a JSON object of field names to values (entry 1)');
    assert.equal((await infos(h.acme, id)).length, 3);
  });

  test("another tenant's condition is not found; read-only keys read but never replace", async () => {
    const mine = await condition(h.acme);
    const theirs = await condition(h.globex);
    await ok(await call(h.globex, 'replaceextendedinfos', { objectid: theirs, jsondata: JSON.stringify(WEEK) }));
    await expectError(await call(h.acme, 'getextendedinfos', { objectid: theirs }), 'not_found', `Condition ${theirs} not found`);
    await expectError(await call(h.acme, 'replaceextendedinfos', { objectid: theirs, jsondata: '[]' }), 'not_found', `Condition ${theirs} not found`);
    assert.equal((await infos(h.globex, theirs)).length, 3);
    assert.deepEqual(await ok(await call(h.acme, 'getextendedinfos', { objectid: mine }, h.acme.readOnlyKey)), []);
    const refused = await call(h.acme, 'replaceextendedinfos', { objectid: mine, jsondata: '[]' }, h.acme.readOnlyKey);
    assert.equal(refused.headers.get('x-callgrid-error'), 'read_only_key');
  });

  test('the infos go with their condition', async () => {
    const id = await condition(h.acme);
    await ok(await call(h.acme, 'replaceextendedinfos', { objectid: id, jsondata: JSON.stringify(WEEK) }));
    await ok(await call(h.acme, 'delete', { objectid: id }));
    assert.deepEqual(await h.runtime.services.objects.list('conditionextendedinfo', h.acme.id), []);
  });
});
