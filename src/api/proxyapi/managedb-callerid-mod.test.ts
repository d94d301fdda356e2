// Caller-id modification rules (object calleridmodification, table cm_calleridmods: Callgrid's, MiRTA's is unpublished)
// through MANAGEDB and openapi.php: CRUD with aliases, refusals that name the field (an RE2-invalid match, a strip out
// of range, numbers and names that could break a header), tenant isolation.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, expectError, HARNESS_ENGINES, type Harness } from '../../../test/support/api-harness.ts';
import { expectOpenApiError, openapi } from '../../../test/support/openapi-harness.ts';

type Row = Record<string, string | null>;

for (const engine of HARNESS_ENGINES) describe(`MANAGEDB calleridmodification on ${engine}`, () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness({}, { engine });
  });
  afterEach(() => h.close());

  const call = (action: string, params: Record<string, string> = {}, key = h.acme.fullKey, tenant = 'ACME') =>
    h.post({ key, tenant, reqtype: 'MANAGEDB', object: 'calleridmodification', action, ...params });
  const ok = async (res: Response): Promise<unknown> => {
    assert.equal(res.headers.get('x-callgrid-error'), null, await res.clone().text());
    return res.json();
  };
  const add = async (fields: Record<string, unknown>, key = h.acme.fullKey, tenant = 'ACME') => (await ok(await call('add', { jsondata: JSON.stringify(fields) }, key, tenant))) as Row;
  const refused = async (fields: Record<string, unknown>, message: string) => expectError(await call('add', { jsondata: JSON.stringify({ cm_name: 'x', ...fields }) }), 'invalid_parameter', message);

  test('add (columns or aliases), list, get, update only the fields sent, delete', async () => {
    const created = await add({ name: 'International', match: '^00(39)?', strip: 2, prefix: '+', nameprefix: 'INTL ' });
    const id = String(created.cm_id);
    assert.deepEqual(created, {
      cm_id: id, cm_te_id: String(h.acme.id), cm_name: 'International', cm_match: '^00(39)?', cm_strip: '2', cm_prefix: '+', cm_number: '', cm_calleridname: '', cm_nameprefix: 'INTL ',
    });
    assert.equal((await add({ cm_name: 'No strip sent' })).cm_strip, '0');
    assert.deepEqual(((await ok(await call('list'))) as Row[]).map((r) => r.cm_name), ['International', 'No strip sent']);
    assert.deepEqual(await ok(await call('get', { objectid: id })), created);
    const updated = (await ok(await call('update', { objectid: id, jsondata: JSON.stringify({ cm_number: '+390612340000', cm_calleridname: 'Reception' }) }))) as Row;
    assert.deepEqual(updated, { ...created, cm_number: '+390612340000', cm_calleridname: 'Reception' });
    // Plural object names work as for every MANAGEDB object.
    assert.equal(((await ok(await h.post({ key: h.acme.fullKey, tenant: 'ACME', reqtype: 'MANAGEDB', object: 'calleridmodifications', action: 'list' }))) as Row[]).length, 2);
    assert.deepEqual(await ok(await call('delete', { objectid: id })), { result: 'OK', deleted: id });
    await expectError(await call('get', { objectid: id }), 'not_found', `Caller id modification ${id} not found`);
  });

  test('a match that is not RE2, a strip out of range, numbers and names a header could break on: refused naming the field', async () => {
    await refused({ cm_match: '^(00' }, 'Invalid cm_match for caller id modification: not a valid regular expression (missing closing ): ^(00)');
    await refused({ match: '^(?=00)' }, 'Invalid cm_match for caller id modification: lookahead and lookbehind assertions such as (?= are not supported (patterns use RE2 syntax)');
    await refused({ cm_strip: 33 }, 'Invalid cm_strip for caller id modification: expected 0 to 32 leading digits');
    await refused({ cm_strip: -1 }, 'Invalid cm_strip for caller id modification: expected 0 to 32 leading digits');
    await refused({ cm_strip: 'two' }, 'Invalid cm_strip for caller id modification: expected a whole number');
    await refused({ cm_prefix: '1@evil>' }, 'Invalid cm_prefix for caller id modification: expected digits with an optional leading + (at most 32)');
    await refused({ number: '+' }, 'Invalid number for caller id modification: expected digits with an optional leading + (at most 32)');
    await refused({ cm_calleridname: 'Eve\r\nVia: x' }, 'Invalid cm_calleridname for caller id modification: expected text without control characters');
    await refused({ cm_nameprefix: 'x'.repeat(256) }, 'Invalid cm_nameprefix for caller id modification: at most 255 characters (got 256)');
    await expectError(await call('add', { jsondata: JSON.stringify({ cm_match: '^00' }) }), 'missing_parameter', "Missing required field 'cm_name' for caller id modification");
    const rule = await add({ cm_name: 'ok', cm_match: '^00' });
    await expectError(await call('update', { objectid: String(rule.cm_id), jsondata: JSON.stringify({ cm_match: '(a' }) }), 'invalid_parameter', 'Invalid cm_match for caller id modification: not a valid regular expression (missing closing ): (a)');
    await expectError(await call('update', { objectid: String(rule.cm_id), jsondata: JSON.stringify({ cm_strip: 40 }) }), 'invalid_parameter', 'Invalid cm_strip for caller id modification: expected 0 to 32 leading digits');
    assert.deepEqual(((await ok(await call('list'))) as Row[]).map((r) => [r.cm_name, r.cm_match, r.cm_strip]), [['ok', '^00', '0']]);
  });

  test("tenants see only their own rules; another tenant's id reads as not found; read-only keys never write", async () => {
    const mine = await add({ cm_name: 'Same name' });
    const theirs = await add({ cm_name: 'Same name' }, h.globex.fullKey, 'GLOBEX');
    const gid = String(theirs.cm_id);
    const what = `Caller id modification ${gid} not found`;
    assert.deepEqual(((await ok(await call('list'))) as Row[]).map((r) => r.cm_id), [mine.cm_id]);
    await expectError(await call('get', { objectid: gid }), 'not_found', what);
    await expectError(await call('update', { objectid: gid, jsondata: '{"cm_prefix":"0"}' }), 'not_found', what);
    await expectError(await call('delete', { objectid: gid }), 'not_found', what);
    assert.deepEqual(await ok(await call('get', { objectid: gid }, h.globex.fullKey, 'GLOBEX')), theirs);
    assert.equal((await call('add', { jsondata: '{"cm_name":"ro"}' }, h.acme.readOnlyKey)).headers.get('x-callgrid-error'), 'read_only_key');
  });

  test("a destination list may name only the tenant's own rule, and a rule a list names cannot be deleted", async () => {
    const mine = String((await add({ cm_name: 'Mine' })).cm_id);
    const theirs = String((await add({ cm_name: 'Theirs' }, h.globex.fullKey, 'GLOBEX')).cm_id);
    const did = (await ok(await h.post({ key: h.acme.fullKey, tenant: 'ACME', reqtype: 'MANAGEDB', object: 'did', action: 'add', jsondata: JSON.stringify({ di_number: '390612345678' }) }))) as Row;
    const replace = (target: string) =>
      h.post({ key: h.acme.fullKey, tenant: 'ACME', reqtype: 'MANAGEDB', object: 'destination', action: 'replace', typesrc: 'DID', typeidsrc: String(did.di_id), jsondata: JSON.stringify([target]) });
    await expectError(await replace(`CALLERIDMOD-${theirs}`), 'invalid_parameter', `Invalid destination 'CALLERIDMOD-${theirs}': caller id modification ${theirs} does not exist in this tenant`);
    await ok(await replace(`CALLERIDMOD-${mine}`));
    assert.equal((await call('delete', { objectid: mine })).headers.get('x-callgrid-error'), 'conflict');
  });

  test('openapi.php serves them at /calleridmodifications: create, read, change, delete, tenant-scoped', async () => {
    const acme = (method: string, path: string, body?: unknown) => openapi(h, method, path, { key: h.acme.fullKey, ...(body === undefined ? {} : { body }) });
    const made = await acme('POST', '/calleridmodifications?tenant=ACME', { name: 'National', match: '^0', strip: 1, prefix: '+39' });
    assert.equal(made.status, 201, made.text);
    const id = String((made.json as Row).cm_id);
    assert.equal(((await acme('GET', `/calleridmodification/${id}?tenant=ACME`)).json as Row).cm_prefix, '+39');
    assert.deepEqual(((await acme('GET', '/callerid_modifications?tenant=ACME')).json as Row[]).map((r) => r.cm_name), ['National']);
    expectOpenApiError(await acme('POST', '/calleridmodifications?tenant=ACME', { name: 'Bad', match: '(?!0)' }), 400, 'invalid_field', /cm_match/);
    const patched = await acme('PATCH', `/calleridmodifications/${id}?tenant=ACME`, { cm_calleridname: 'ACME' });
    assert.equal(patched.status, 200, patched.text);
    assert.equal((patched.json as Row).cm_calleridname, 'ACME');
    const other = await openapi(h, 'GET', `/calleridmodifications/${id}?tenant=GLOBEX`, { key: h.globex.fullKey });
    expectOpenApiError(other, 404, 'object_not_found');
    assert.equal((await acme('DELETE', `/calleridmodifications/${id}?tenant=ACME`)).status, 200);
    assert.deepEqual((await acme('GET', '/calleridmodifications?tenant=ACME')).json, []);
  });
});
