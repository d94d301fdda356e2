// openapi.php /settings, /phonebooks and /phonebookentries (spec §5.3, §3.4.24, §5.5): rows by id,
// tenants that never see each other's rows, read-only keys refused on writes, the §5.6 error codes.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, type Harness, HARNESS_ENGINES, type TenantKeys } from '../../../test/support/api-harness.ts';
import { expectOpenApiError, openapi } from '../../../test/support/openapi-harness.ts';

type Row = Record<string, unknown>;

for (const engine of HARNESS_ENGINES) describe(`openapi.php settings and phonebooks on ${engine}`, () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness({}, { engine });
  });
  afterEach(() => h.close());

  const as = (t: TenantKeys, method: string, path: string, body?: unknown, key = t.fullKey) =>
    openapi(h, method, `${path}${path.includes('?') ? '&' : '?'}tenant=${t.code}`, { key, body });

  test('settings: create by code or name, list, get, change the value, delete; SETTING sees the same rows', async () => {
    const made = await as(h.acme, 'POST', '/settings', { code: 'vmautorecover', value: 'no' });
    assert.equal(made.status, 201, made.text);
    const row = made.json as Row;
    assert.deepEqual(row, { se_id: String(row.id), se_te_id: String(h.acme.id), se_code: 'VMAUTORECOVER', se_value: 'no', id: row.id, name: 'VMAUTORECOVER', object: 'setting', related: [] });
    assert.equal(await h.runtime.services.settings.get(h.acme.id, 'VMAUTORECOVER'), 'no');
    assert.equal((await as(h.acme, 'POST', '/settings', { name: 'LANG' })).status, 201);
    assert.deepEqual(((await as(h.acme, 'GET', '/settings')).json as Row[]).map((r) => r.se_code), ['LANG', 'VMAUTORECOVER']);
    assert.deepEqual(((await as(h.acme, 'GET', '/settings?code=lang')).json as Row[]).map((r) => r.se_value), ['']);
    const patched = await as(h.acme, 'PATCH', `/settings/${row.id}`, { value: 'yes' });
    assert.equal((patched.json as Row).se_value, 'yes');
    assert.deepEqual((await as(h.acme, 'DELETE', `/settings/${row.id}`)).json, { deleted: true, id: row.id });
    expectOpenApiError(await as(h.acme, 'GET', `/settings/${row.id}`), 404, 'object_not_found');
  });

  test('setting errors: missing code, bad code, code fixed, duplicate, value too long', async () => {
    expectOpenApiError(await as(h.acme, 'POST', '/settings', { value: 'x' }), 400, 'missing_required_field', /'se_code' or 'code' or 'name'/);
    expectOpenApiError(await as(h.acme, 'POST', '/settings', { code: '1bad' }), 400, 'invalid_field');
    expectOpenApiError(await as(h.acme, 'POST', '/settings', { code: 'A', value: 'x'.repeat(4097) }), 400, 'invalid_field');
    const id = ((await as(h.acme, 'POST', '/settings', { code: 'A' })).json as Row).id;
    expectOpenApiError(await as(h.acme, 'POST', '/settings', { se_code: 'a' }), 409, 'conflict');
    expectOpenApiError(await as(h.acme, 'PATCH', `/settings/${id}`, { code: 'B' }), 400, 'invalid_field', /cannot be changed/);
  });

  test('settings, phonebooks and entries of another tenant read as not found; lists show only the own', async () => {
    const setting = ((await as(h.globex, 'POST', '/settings', { code: 'LANG', value: 'it' })).json as Row).id;
    const book = ((await as(h.globex, 'POST', '/phonebooks', { name: 'Default' })).json as Row).id;
    const entry = ((await as(h.globex, 'POST', '/phonebookentries', { phonebook_id: book, values: { NAME: 'Gina' } })).json as Row).id;
    await as(h.acme, 'POST', '/settings', { code: 'LANG', value: 'en' });
    await as(h.acme, 'POST', '/phonebooks', { name: 'Default' });
    for (const path of [`/settings/${setting}`, `/phonebooks/${book}`, `/phonebookentries/${entry}`]) {
      expectOpenApiError(await as(h.acme, 'GET', path), 404, 'object_not_found');
      expectOpenApiError(await as(h.acme, 'PATCH', path, {}), 404, 'object_not_found');
      expectOpenApiError(await as(h.acme, 'DELETE', path), 404, 'object_not_found');
    }
    assert.deepEqual(((await as(h.acme, 'GET', '/settings')).json as Row[]).map((r) => r.se_value), ['en']);
    assert.deepEqual(((await as(h.acme, 'GET', '/phonebookentries')).json as Row[]), []);
    expectOpenApiError(await as(h.acme, 'POST', '/phonebookentries', { phonebook_id: book, values: { NAME: 'x' } }), 404, 'object_not_found');
    expectOpenApiError(await as(h.acme, 'GET', `/phonebookentries?phonebook_id=${book}`), 404, 'object_not_found');
    // The admin key reads every tenant's rows without tenant=, and must name one to write.
    assert.equal(((await openapi(h, 'GET', '/settings', { key: h.adminKey })).json as Row[]).length, 2);
    assert.equal(((await openapi(h, 'GET', '/phonebooks', { key: h.adminKey })).json as Row[]).length, 2);
    expectOpenApiError(await openapi(h, 'POST', '/settings', { key: h.adminKey, body: { code: 'X' } }), 400, 'tenant_required');
    expectOpenApiError(await openapi(h, 'DELETE', `/phonebooks/${book}`, { key: h.adminKey }), 400, 'tenant_required');
  });

  test('read-only keys read but every write is read_only_api_key', async () => {
    const ro = h.acme.readOnlyKey;
    const book = ((await as(h.acme, 'POST', '/phonebooks', { name: 'Default' })).json as Row).id;
    assert.equal((await as(h.acme, 'GET', '/phonebooks', undefined, ro)).status, 200);
    for (const [method, path] of [['POST', '/settings'], ['PATCH', '/settings/1'], ['POST', '/phonebooks'], ['DELETE', `/phonebooks/${book}`], ['POST', '/phonebookentries'], ['PATCH', '/phonebookentries/1']]) {
      expectOpenApiError(await as(h.acme, method as string, path as string, { name: 'x' }, ro), 403, 'read_only_api_key');
    }
  });

  test('phonebooks: create, rename, flags, duplicate name, delete takes the entries with it', async () => {
    const made = await as(h.acme, 'POST', '/phonebooks', { name: 'Default', includeext: 'yes' });
    assert.equal(made.status, 201, made.text);
    const book = made.json as Row;
    assert.deepEqual(book, { pb_id: String(book.id), pb_te_id: String(h.acme.id), pb_name: 'Default', pb_includeext: 'on', pb_includeshortnum: '', id: book.id, name: 'Default', object: 'phonebook', related: [] });
    expectOpenApiError(await as(h.acme, 'POST', '/phonebooks', { pb_name: 'Default' }), 409, 'conflict');
    expectOpenApiError(await as(h.acme, 'POST', '/phonebooks', { includeext: 'on' }), 400, 'missing_required_field');
    expectOpenApiError(await as(h.acme, 'POST', '/phonebooks', { name: 'B', includeext: 'maybe' }), 400, 'invalid_field');
    const renamed = await as(h.acme, 'PATCH', `/phonebooks/${book.id}`, { name: 'Office' });
    assert.equal((renamed.json as Row).pb_name, 'Office');
    // The legacy PHONEBOOK request finds it under its new name.
    await h.runtime.services.phonebooks.add(h.acme.id, 'office', { NAME: 'Ross' });
    assert.equal(((await as(h.acme, 'GET', '/phonebookentries')).json as Row[]).length, 1);
    assert.deepEqual((await as(h.acme, 'DELETE', `/phonebooks/${book.id}`)).json, { deleted: true, id: book.id });
    assert.deepEqual((await as(h.acme, 'GET', '/phonebookentries')).json, []);
  });

  test('entries: the §5.5 shape, values by item code in any case, PATCH changes only what is sent, null removes', async () => {
    const book = ((await as(h.acme, 'POST', '/phonebooks', { name: 'Default' })).json as Row).id as number;
    const made = await as(h.acme, 'POST', '/phonebookentries', { phonebook_id: book, values: { name: 'Ross', PHONE1: 3564732920, EMAIL: '' } });
    assert.equal(made.status, 201, made.text);
    const entry = made.json as Row;
    assert.deepEqual(entry, {
      pe_id: String(entry.id), pe_te_id: String(h.acme.id), pe_pb_id: String(book), id: entry.id, phonebook_id: book,
      values: { NAME: 'Ross', PHONE1: '3564732920' }, object: 'phonebookentry',
      related: { phonebook: { pb_id: String(book), pb_te_id: String(h.acme.id), pb_name: 'Default', pb_includeext: '', pb_includeshortnum: '', id: book, name: 'Default' } },
    });
    const patched = await as(h.acme, 'PATCH', `/phonebookentries/${entry.id}`, { values: { PHONE1: null, EMAIL: 'ross@example.com' } });
    assert.deepEqual((patched.json as Row).values, { NAME: 'Ross', EMAIL: 'ross@example.com' });
    assert.deepEqual(((await as(h.acme, 'GET', `/phonebookentries?phonebook_id=${book}`)).json as Row[]).map((e) => e.values), [{ NAME: 'Ross', EMAIL: 'ross@example.com' }]);
    assert.deepEqual((await as(h.acme, 'DELETE', `/phonebookentries/${entry.id}`)).json, { deleted: true, id: entry.id });
    expectOpenApiError(await as(h.acme, 'GET', `/phonebookentries/${entry.id}`), 404, 'object_not_found');
  });

  test('entry errors: phonebook and values required, unknown item, empty record, fixed phonebook, bad filter', async () => {
    const book = ((await as(h.acme, 'POST', '/phonebooks', { name: 'Default' })).json as Row).id as number;
    expectOpenApiError(await as(h.acme, 'POST', '/phonebookentries', { values: { NAME: 'x' } }), 400, 'missing_required_field', /phonebook_id/);
    expectOpenApiError(await as(h.acme, 'POST', '/phonebookentries', { phonebook_id: book }), 400, 'missing_required_field', /values/);
    expectOpenApiError(await as(h.acme, 'POST', '/phonebookentries', { phonebook_id: book, values: { SHOE: 'x' } }), 400, 'invalid_field', /unknown phonebook field 'SHOE'/);
    expectOpenApiError(await as(h.acme, 'POST', '/phonebookentries', { phonebook_id: book, values: { NAME: '' } }), 400, 'invalid_field', /no value/);
    expectOpenApiError(await as(h.acme, 'POST', '/phonebookentries', { phonebook_id: book, values: ['x'] }), 400, 'invalid_field');
    expectOpenApiError(await as(h.acme, 'POST', '/phonebookentries', { phonebook_id: 999, values: { NAME: 'x' } }), 404, 'object_not_found', /Phonebook 999/);
    const id = ((await as(h.acme, 'POST', '/phonebookentries', { phonebook_id: book, values: { NAME: 'x' } })).json as Row).id;
    expectOpenApiError(await as(h.acme, 'PATCH', `/phonebookentries/${id}`, { phonebook_id: book }), 400, 'invalid_field', /cannot be changed/);
    expectOpenApiError(await as(h.acme, 'GET', '/phonebookentries?phonebook_id=abc'), 400, 'invalid_field');
    const raw = await openapi(h, 'POST', '/phonebookentries?tenant=ACME', { key: h.acme.fullKey, rawBody: '{"values":', headers: { 'content-type': 'application/json' } });
    expectOpenApiError(raw, 400, 'invalid_json');
  });
});
