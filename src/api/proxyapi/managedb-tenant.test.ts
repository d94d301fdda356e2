// MANAGEDB tenant (spec §3.1, §3.4.1): CRUD with the admin key, MiRTA-style
// string rows, allow-listed fields, and text stored exactly as sent.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, type Harness, expectError } from '../../../test/support/api-harness.ts';

type Row = Record<string, string | null>;
const JSON_TYPE = 'application/json; charset=UTF-8';
const BAD_KEY = 'Too bad... you mistaken the security api key.\n';

describe('MANAGEDB tenant', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(() => h.close());

  const db = (action: string, params: Record<string, string> = {}) => h.post({ key: h.adminKey, reqtype: 'MANAGEDB', object: 'tenant', action, ...params });
  const rowOf = async (res: Response): Promise<Row> => {
    assert.equal(res.headers.get('content-type'), JSON_TYPE);
    assert.equal(res.headers.get('x-callgrid-error'), null);
    return (await res.json()) as Row;
  };
  const add = async (fields: Record<string, unknown>) => rowOf(await db('add', { jsondata: JSON.stringify(fields) }));
  const get = async (id: string | number) => rowOf(await db('get', { objectid: String(id) }));
  const list = async (filter?: string) => (await rowOf(await db('list', filter === undefined ? {} : { filter }))) as unknown as Row[];
  const update = (id: string | number, fields: Record<string, unknown>) => db('update', { objectid: String(id), jsondata: JSON.stringify(fields) });

  test('a tenant SIP domain is a DNS name, stored lower case, owned by one tenant', async () => {
    const row = await add({ te_code: 'initech', te_name: 'Initech', te_sipdomain: 'PBX.Initech.example' });
    assert.equal(row.te_sipdomain, 'pbx.initech.example');
    await expectError(await db('add', { jsondata: '{"te_code":"other","te_name":"x","te_sipdomain":"pbx.initech.example"}' }), 'conflict', 'SIP domain pbx.initech.example already belongs to tenant INITECH');
    await expectError(await db('add', { jsondata: '{"te_code":"other","te_name":"x","te_sipdomain":"not a domain"}' }), 'invalid_parameter', 'Invalid te_sipdomain for tenant: expected a DNS name such as pbx.acme.example');
    assert.equal((await rowOf(await update(String(row.te_id), { te_sipdomain: 'pbx.initech.example' }))).te_sipdomain, 'pbx.initech.example', 'its own domain is no conflict');
  });

  test('add answers the row, all values strings, with two working keys', async () => {
    const row = await add({ te_code: 'initech', te_name: 'Initech', te_maxchannels: 4, te_timezone: 'Europe/Rome', te_recordingpassword: 'hunter2' });
    const { apikey, apikey_readonly, ...rest } = row;
    assert.deepEqual(rest, {
      te_id: '3',
      te_code: 'INITECH',
      te_name: 'Initech',
      te_disabled: '',
      te_billingcode: '',
      te_timezone: 'Europe/Rome',
      te_rp_id: null,
      te_campaign_rp_id: null,
      te_fax_rp_id: null,
      te_payment_type: '',
      te_recordinghost: '',
      te_recordinguser: '',
      pk_start: null,
      pk_end: null,
      te_maxchannels: '4',
      te_maxextensions: '0',
      te_maxdids: '0',
      te_maxqueues: '0',
      te_maxconferences: '0',
      te_maxivrs: '0',
      te_maxvoicemails: '0',
      te_sipdomain: '',
      te_created: '2026-11-27 10:00:00',
    });
    assert.match(apikey ?? '', /^[0-9a-f]{64}$/);
    assert.match(apikey_readonly ?? '', /^[0-9a-f]{64}$/);
    assert.notEqual(apikey, apikey_readonly);

    const config = await h.get({ key: apikey ?? '', tenant: 'INITECH', reqtype: 'INFO', info: 'config' });
    assert.equal(await config.text(), '4|0|0|0|0|0|0|');
    const write = await h.get({ key: apikey_readonly ?? '', tenant: 'INITECH', reqtype: 'SETTING', action: 'set', name: 'VMAUTORECOVER', value: 'yes' });
    assert.equal(write.headers.get('x-callgrid-error'), 'read_only_key');
    assert.equal(await (await h.get({ key: apikey_readonly ?? '', tenant: 'INITECH', reqtype: 'INFO', info: 'balance' })).text(), '0.00');
  });

  test('te_recordingpassword is accepted but never returned', async () => {
    const row = await add({ te_code: 'SECRET', te_name: 'S', te_recordingpassword: 'hunter2' });
    const id = row.te_id ?? '';
    const updated = await update(id, { te_recordingpassword: 'hunter3' });
    const answers = [JSON.stringify(row), await updated.text(), JSON.stringify(await get(id)), JSON.stringify(await list())];
    for (const text of answers) {
      assert.doesNotMatch(text, /te_recordingpassword|hunter/);
    }
  });

  test('list answers every tenant as string rows', async () => {
    await add({ te_code: 'INITECH', te_name: 'Initech' });
    const rows = await list();
    assert.deepEqual(rows.map((r) => [r.te_id, r.te_code, r.te_name]), [['1', 'ACME', 'ACME Inc.'], ['2', 'GLOBEX', 'GLOBEX Inc.'], ['3', 'INITECH', 'Initech']]);
    for (const row of rows) {
      for (const value of Object.values(row)) assert.ok(value === null || typeof value === 'string');
    }
  });

  test("list with MiRTA's filter te_disabled='on'", async () => {
    await update(h.globex.id, { te_disabled: 'on' });
    assert.deepEqual((await list("te_disabled='on'")).map((r) => r.te_code), ['GLOBEX']);
    assert.deepEqual((await list("TE_DISABLED = 'on'")).map((r) => r.te_code), ['GLOBEX']);
    assert.deepEqual((await list("te_disabled=''")).map((r) => r.te_code), ['ACME']);
    assert.deepEqual((await list("te_disabled='on' AND te_code='ACME'")).map((r) => r.te_code), []);
    assert.deepEqual((await list('')).map((r) => r.te_code), ['ACME', 'GLOBEX']);
  });

  test('a filter that is not column=value is refused', async () => {
    await expectError(await db('list', { filter: '1=1; drop table' }), 'invalid_parameter', "Invalid filter '1=1; drop table': expected column='value' (joined by AND)");
    await expectError(await db('list', { filter: "te_code='A' OR 1=1" }), 'invalid_parameter', "Invalid filter 'te_code='A' OR 1=1': expected column='value' (joined by AND)");
    await expectError(await db('list', { filter: "te_nope='x'" }), 'invalid_parameter', 'Invalid filter: unknown tenant column te_nope');
    await expectError(await db('list', { filter: "te_recordingpassword='x'" }), 'invalid_parameter', 'Invalid filter: unknown tenant column te_recordingpassword');
    assert.equal((await list()).length, 2);
  });

  test("a filter value may contain the word 'and'", async () => {
    await add({ te_code: 'SMITH', te_name: 'Smith and Sons' });
    const res = await db('list', { filter: "te_name='Smith and Sons'" });
    assert.equal(res.headers.get('x-callgrid-error'), null);
    assert.deepEqual(((await res.json()) as Row[]).map((r) => r.te_code), ['SMITH']);
  });

  test('get', async () => {
    const row = await get(h.acme.id);
    assert.equal(row.te_id, String(h.acme.id));
    assert.equal(row.te_code, 'ACME');
    assert.equal(row.te_name, 'ACME Inc.');
  });

  test('a bad, missing or unknown objectid', async () => {
    for (const objectid of ['abc', '0', '-1', '1.5', '99999999999']) {
      await expectError(await db('get', { objectid }), 'invalid_parameter', `Invalid objectid '${objectid}': expected a positive whole number`);
    }
    await expectError(await db('get'), 'missing_parameter', 'No objectid specified');
    await expectError(await db('get', { objectid: '999' }), 'not_found', 'Tenant 999 not found');
    await expectError(await update(999, { te_name: 'x' }), 'not_found', 'Tenant 999 not found');
  });

  test('update changes only the fields sent', async () => {
    await update(h.acme.id, { te_billingcode: 'B-1', te_maxdids: 9 });
    const before = await get(h.acme.id);
    const after = await rowOf(await update(h.acme.id, { te_name: 'Acme Corporation', te_maxchannels: '12' }));
    assert.deepEqual(after, { ...before, te_name: 'Acme Corporation', te_maxchannels: '12' });
    assert.deepEqual(await get(h.acme.id), after);
  });

  test('te_code cannot change; sending the same code is fine', async () => {
    await expectError(await update(h.acme.id, { te_code: 'ROADRUNNER' }), 'invalid_parameter', 'te_code cannot be changed after creation (tenant ACME)');
    const same = await rowOf(await update(h.acme.id, { te_code: 'acme', te_name: 'Same' }));
    assert.equal(same.te_code, 'ACME');
    assert.equal(same.te_name, 'Same');
  });

  test('an unknown field is refused, naming it', async () => {
    await expectError(await update(h.acme.id, { te_name: 'x', te_colour: 'red' }), 'invalid_parameter', "Unknown field 'te_colour' for tenant");
    await expectError(await db('add', { jsondata: '{"te_code":"X","te_name":"X","apikey":"k"}' }), 'invalid_parameter', "Unknown field 'apikey' for tenant");
    assert.equal((await get(h.acme.id)).te_name, 'ACME Inc.');
  });

  test('a value of the wrong kind is refused, naming the field', async () => {
    await expectError(await update(h.acme.id, { te_maxchannels: 'lots' }), 'invalid_parameter', 'Invalid te_maxchannels for tenant: expected a whole number');
    await expectError(await update(h.acme.id, { te_maxchannels: -1 }), 'invalid_parameter', 'Invalid te_maxchannels for tenant: expected 0 or more');
    await expectError(await update(h.acme.id, { te_timezone: 'Mars/Olympus' }), 'invalid_parameter', 'Invalid te_timezone for tenant: expected an IANA time zone such as Europe/Rome');
    await expectError(await update(h.acme.id, { pk_start: 800, pk_end: 700 }), 'invalid_parameter', 'Invalid pk_end 700: the parking range ends before it starts (pk_start 800)');
  });

  test('a field sent with the wrong type is invalid, not missing', async () => {
    await expectError(await update(h.acme.id, { te_name: 5 }), 'invalid_parameter', 'Invalid te_name for tenant: expected string');
    await expectError(await update(h.acme.id, { te_maxchannels: 1.5 }), 'invalid_parameter', 'Invalid te_maxchannels for tenant: expected a whole number');
  });

  test('add needs te_code and te_name, a valid and new code', async () => {
    await expectError(await db('add', { jsondata: '{"te_code":"NONAME"}' }), 'missing_parameter', "Missing required field 'te_name' for tenant");
    await expectError(await db('add', { jsondata: '{"te_name":"No code"}' }), 'missing_parameter', "Missing required field 'te_code' for tenant");
    await expectError(await db('add', { jsondata: '{"te_code":"AC-ME","te_name":"x"}' }), 'invalid_parameter', "Invalid te_code 'AC-ME': use 1-32 letters and digits, starting with a letter");
    await expectError(await db('add', { jsondata: '{"te_code":"acme","te_name":"x"}' }), 'conflict', 'Tenant ACME already exists');
    await expectError(await db('add', { jsondata: '{"te_code":"EMPTY","te_name":""}' }), 'invalid_parameter', 'Invalid te_name for tenant: must not be empty');
  });

  test('missing, invalid or non-object jsondata', async () => {
    await expectError(await db('add'), 'missing_parameter', 'No jsondata specified');
    await expectError(await db('update', { objectid: String(h.acme.id) }), 'missing_parameter', 'No jsondata specified');
    const invalid = await db('add', { jsondata: '{"te_code":' });
    assert.equal(invalid.headers.get('x-callgrid-error'), 'invalid_parameter');
    assert.match(await invalid.text(), /^Invalid jsondata: not valid JSON \(.+\)\n$/);
    for (const jsondata of ['[]', '"ACME"', 'null', '42']) {
      await expectError(await db('add', { jsondata }), 'invalid_parameter', 'Invalid jsondata for tenant: expected a JSON object of field names to values');
    }
  });

  test('text is stored literally and comes back byte for byte', async () => {
    const names = [`O'Brien "Quoted" \\ back`, "'; DROP TABLE te_tenants; --", '<script>alert(1)</script>', 'Ünïcødé 東京 😀👩‍💻', 'pipe|and,comma\ttab'];
    const ids: string[] = [];
    for (const [i, name] of names.entries()) {
      const row = await add({ te_code: `TEXT${i}`, te_name: name, te_billingcode: name });
      assert.equal(row.te_name, name);
      ids.push(row.te_id ?? '');
    }
    for (const [i, name] of names.entries()) {
      const res = await db('get', { objectid: ids[i] ?? '' });
      const raw = Buffer.from(await res.arrayBuffer());
      assert.ok(raw.includes(Buffer.from(JSON.stringify(name).slice(1, -1), 'utf8')), name);
      const row = JSON.parse(raw.toString('utf8')) as Row;
      assert.equal(row.te_name, name);
      assert.equal(row.te_billingcode, name);
    }
    assert.equal((await list()).length, 2 + names.length);
    const updated = await rowOf(await update(h.acme.id, { te_name: names[1] }));
    assert.equal(updated.te_name, names[1]);
  });

  test('a te_name over 255 characters is refused with the limit', async () => {
    await expectError(await db('add', { jsondata: JSON.stringify({ te_code: 'LONG', te_name: 'n'.repeat(300) }) }), 'invalid_parameter', 'Invalid te_name for tenant: at most 255 characters');
    await expectError(await update(h.acme.id, { te_name: 'n'.repeat(256) }), 'invalid_parameter', 'Invalid te_name for tenant: at most 255 characters');
    assert.equal((await add({ te_code: 'LONG', te_name: 'n'.repeat(255) })).te_name, 'n'.repeat(255));
  });

  test('a NUL character in a text field is refused', async () => {
    await expectError(await update(h.acme.id, { te_name: 'a\u0000b' }), 'invalid_parameter', 'Invalid te_name for tenant: must not contain NUL characters');
    assert.equal((await get(h.acme.id)).te_name, 'ACME Inc.');
  });

  test('delete removes the tenant and its keys stop working', async () => {
    const created = await add({ te_code: 'DOOMED', te_name: 'Doomed' });
    const id = created.te_id ?? '';
    assert.equal(await (await h.get({ key: created.apikey ?? '', tenant: 'DOOMED', reqtype: 'INFO', info: 'config' })).text(), '0|0|0|0|0|0|0|');

    const res = await db('delete', { objectid: id });
    assert.equal(res.headers.get('content-type'), JSON_TYPE);
    assert.deepEqual(await res.json(), { result: 'OK', deleted: id });
    await expectError(await db('get', { objectid: id }), 'not_found', `Tenant ${id} not found`);
    await expectError(await db('delete', { objectid: id }), 'not_found', `Tenant ${id} not found`);
    for (const key of [created.apikey ?? '', created.apikey_readonly ?? '']) {
      const refused = await h.get({ key, tenant: 'DOOMED', reqtype: 'INFO', info: 'config' });
      assert.equal(refused.headers.get('x-callgrid-error'), 'bad_key');
      assert.equal(await refused.text(), BAD_KEY);
    }
    assert.deepEqual((await list()).map((r) => r.te_code), ['ACME', 'GLOBEX']);
  });
});
