// MANAGEDB extension (spec §3.4.2) through the generic catalogue: CRUD, MiRTA string rows, the SIP
// username and secret, allow-listed fields, and two tenants that both own extension 100.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, type Harness, type TenantKeys, expectError, HARNESS_ENGINES } from '../../../test/support/api-harness.ts';

type Row = Record<string, string | null>;

for (const engine of HARNESS_ENGINES) describe(`MANAGEDB extension on ${engine}`, () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness({}, { engine });
  });
  afterEach(() => h.close());

  const db = (t: TenantKeys, action: string, params: Record<string, string> = {}) =>
    h.post({ key: t.fullKey, tenant: t.code, reqtype: 'MANAGEDB', object: 'extension', action, ...params });
  const ok = async (res: Response): Promise<unknown> => {
    assert.equal(res.headers.get('x-callgrid-error'), null, await res.clone().text());
    return res.json();
  };
  const add = async (t: TenantKeys, fields: Record<string, unknown>) => (await ok(await db(t, 'add', { jsondata: JSON.stringify(fields) }))) as Row;
  const list = async (t: TenantKeys) => (await ok(await db(t, 'list'))) as Row[];

  test('add answers the whole row as strings, with the default username and no secret', async () => {
    const row = await add(h.acme, { ex_number: '1100', ex_name: 'Test extension', ex_tech: 'SIP', secret: 's3cret!', ex_pickupgroup: '1,5,6', ex_callgroup: '1,7,9' });
    assert.equal(row.ex_id, '1');
    assert.equal(row.ex_te_id, String(h.acme.id));
    assert.equal(row.ex_number, '1100');
    assert.equal(row.ex_tech, 'SIP');
    assert.equal(row.ex_username, '1100-ACME');
    assert.equal(row.ex_callallowed, 'all');
    assert.equal(row.ex_dnd, '');
    assert.equal(row.ex_rp_id, null);
    assert.equal(row.ex_datecreation, '2026-11-27 10:00:00');
    assert.equal(row.ex_callgroup, '1,7,9');
    assert.equal('ex_secret' in row, false);
    assert.equal('ex_webpassword' in row, false);
    // 147 MiRTA columns less the six secrets OpenAPI also hides, plus Callgrid's username.
    assert.equal(Object.keys(row).length, 142);
    const stored = await h.runtime.services.objects.get('extension', h.acme.id, 1);
    assert.equal(stored.ex_secret, 's3cret!');
  });

  test('PJSIP password and SIP secret are the same credential; a missing one is generated', async () => {
    await add(h.acme, { ex_number: '101', ex_tech: 'PJSIP', password: 'pj-pass' });
    await add(h.acme, { number: '102' });
    const [a, b] = await h.runtime.services.objects.list('extension', h.acme.id);
    assert.equal(a?.ex_secret, 'pj-pass');
    assert.match(String(b?.ex_secret), /^[A-Za-z0-9]{20}$/);
    await expectError(await db(h.acme, 'add', { jsondata: '{"ex_number":"103","secret":"a","password":"b"}' }), 'invalid_parameter', "Invalid jsondata for extension: 'secret' and 'password' both set ex_secret; send one");
  });

  test('two tenants own extension 100 separately', async () => {
    const a = await add(h.acme, { ex_number: '100', ex_name: 'Alice' });
    const g = await add(h.globex, { ex_number: '100', ex_name: 'Gina' });
    assert.equal(a.ex_username, '100-ACME');
    assert.equal(g.ex_username, '100-GLOBEX');
    assert.deepEqual((await list(h.acme)).map((r) => r.ex_name), ['Alice']);
    assert.deepEqual((await list(h.globex)).map((r) => r.ex_name), ['Gina']);
    // Another tenant's id reads as not found for every action.
    const gid = String(g.ex_id);
    await expectError(await db(h.acme, 'get', { objectid: gid }), 'not_found', `Extension ${gid} not found`);
    await expectError(await db(h.acme, 'update', { objectid: gid, jsondata: '{"ex_name":"x"}' }), 'not_found', `Extension ${gid} not found`);
    await expectError(await db(h.acme, 'delete', { objectid: gid }), 'not_found', `Extension ${gid} not found`);
    assert.equal((await list(h.globex))[0]?.ex_name, 'Gina');
  });

  test('update changes only the fields sent; delete removes the row', async () => {
    const row = await add(h.acme, { ex_number: '200', ex_name: 'Before', ex_email: 'a@example.com' });
    h.clock.advance(60_000);
    const updated = (await ok(await db(h.acme, 'update', { objectid: String(row.ex_id), jsondata: '{"ex_callallowed":"none","ex_id":1}' }))) as Row;
    assert.equal(updated.ex_callallowed, 'none');
    assert.equal(updated.ex_name, 'Before');
    assert.equal(updated.ex_email, 'a@example.com');
    assert.equal(updated.ex_lastchange, '2026-11-27 10:01:00');
    assert.equal(updated.ex_datecreation, '2026-11-27 10:00:00');
    // Renumbering keeps the default username in step.
    const renumbered = (await ok(await db(h.acme, 'update', { objectid: '1', jsondata: '{"ex_number":"201"}' }))) as Row;
    assert.equal(renumbered.ex_username, '201-ACME');
    assert.deepEqual(await ok(await db(h.acme, 'delete', { objectid: '1' })), { result: 'OK', deleted: '1' });
    assert.deepEqual(await list(h.acme), []);
  });

  test('bad input is refused naming the field', async () => {
    const bad = (json: string) => db(h.acme, 'add', { jsondata: json });
    await expectError(await bad('{"ex_name":"x"}'), 'missing_parameter', "Missing required field 'ex_number' for extension");
    await expectError(await bad('{"ex_number":"1","ex_bogus":"x"}'), 'invalid_parameter', "Unknown field 'ex_bogus' for extension");
    // Names of Object.prototype's members are unknown fields too, not silently accepted.
    await expectError(await bad('{"ex_number":"1","constructor":1}'), 'invalid_parameter', "Unknown field 'constructor' for extension");
    await expectError(await bad('{"ex_number":"1","toString":"x"}'), 'invalid_parameter', "Unknown field 'toString' for extension");
    await expectError(await bad('{"ex_number":"1","ex_tech":"IAX2"}'), 'invalid_parameter', 'Invalid ex_tech for extension: expected one of SIP, PJSIP, CUSTOM, VIRTUAL');
    await expectError(await bad('{"ex_number":"12a"}'), 'invalid_parameter', 'Invalid ex_number for extension: expected digits (and * # +), 1-32 long');
    await expectError(await bad('{"ex_number":"1","ex_dialtimeout":"soon"}'), 'invalid_parameter', 'Invalid ex_dialtimeout for extension: expected a whole number');
    await expectError(await bad('{"ex_number":"1","ex_dnd":"maybe"}'), 'invalid_parameter', "Invalid ex_dnd for extension: expected 'on' or '' (also yes/no, 1/0, true/false)");
    await expectError(await bad('{"ex_number":"1","ex_datecreation":"2020-01-01"}'), 'invalid_parameter', 'Invalid ex_datecreation for extension: it is set by the PBX and cannot be written');
    await expectError(await bad(`{"ex_number":"1","ex_te_id":${h.globex.id}}`), 'invalid_parameter', `Invalid ex_te_id for extension: it cannot be changed (it is ${h.acme.id})`);
    await expectError(await bad('["ex_number"]'), 'invalid_parameter', 'Invalid jsondata for extension: expected a JSON object of field names to values');
    await expectError(await bad(`{"ex_number":"1","ex_name":"${'x'.repeat(256)}"}`), 'invalid_parameter', 'Invalid ex_name for extension: at most 255 characters (got 256)');
    await add(h.acme, { ex_number: '300' });
    await expectError(await bad('{"ex_number":"300"}'), 'conflict', 'Extension 300 already exists');
    assert.equal((await list(h.acme)).length, 1);
  });

  test('ex_destallowregex must run on the linear-time engine: a backreference or lookahead is refused naming the field', async () => {
    const refused = 'Invalid ex_destallowregex for extension: backreferences such as \\1 are not supported (patterns use RE2 syntax)';
    await expectError(await db(h.acme, 'add', { jsondata: JSON.stringify({ ex_number: '100', ex_destallowregex: '(a)\\1' }) }), 'invalid_parameter', refused);
    const row = await add(h.acme, { ex_number: '100', ex_destallowregex: '^(39|41)\\d{6,}$' });
    assert.equal(row.ex_destallowregex, '^(39|41)\\d{6,}$');
    const update = (fields: Record<string, unknown>) => db(h.acme, 'update', { objectid: String(row.ex_id), jsondata: JSON.stringify(fields) });
    await expectError(await update({ ex_destallowregex: '(a)\\1' }), 'invalid_parameter', refused);
    await expectError(await update({ ex_destallowregex: '^(?!00)\\d+$' }), 'invalid_parameter', 'Invalid ex_destallowregex for extension: lookahead and lookbehind assertions such as (?= are not supported (patterns use RE2 syntax)');
    await expectError(await update({ ex_destallowregex: '^(0' }), 'invalid_parameter', 'Invalid ex_destallowregex for extension: not a valid regular expression (missing closing ): ^(0)');
    // The catastrophic pattern of the finding is valid RE2: it is stored, and runs in linear time.
    await ok(await update({ ex_destallowregex: '^(\\d+)+$' }));
    assert.equal((await list(h.acme))[0]?.ex_destallowregex, '^(\\d+)+$');
  });

  test('caller id numbers shown to carriers are digits with an optional +: URI syntax is refused naming the field', async () => {
    const row = await add(h.acme, { ex_number: '100', ex_trunkcidoverride: '+390612345678', ex_cidnum: '100' });
    assert.equal(row.ex_trunkcidoverride, '+390612345678');
    const update = (fields: Record<string, unknown>) => db(h.acme, 'update', { objectid: String(row.ex_id), jsondata: JSON.stringify(fields) });
    const why = 'a caller id number is digits with an optional leading + (at most 32)';
    await expectError(await update({ ex_trunkcidoverride: '999@attacker>;tag=forged' }), 'invalid_parameter', `Invalid ex_trunkcidoverride for extension: ${why}`);
    await expectError(await update({ ex_trunkemergencycidoverride: '112;x' }), 'invalid_parameter', `Invalid ex_trunkemergencycidoverride for extension: ${why}`);
    await expectError(await db(h.acme, 'add', { jsondata: JSON.stringify({ ex_number: '101', ex_cidnum: '<sip:1@evil>' }) }), 'invalid_parameter', `Invalid ex_cidnum for extension: ${why}`);
    await ok(await update({ ex_trunkcidoverride: '' }));
    assert.equal((await list(h.acme))[0]?.ex_trunkcidoverride, '');
  });

  test('text is stored byte for byte', async () => {
    const name = `O'Brien "quoted" <script>alert(1)</script> '; DROP TABLE ex_extensions; -- ünïcödé 📞`;
    const row = await add(h.acme, { ex_number: '400', ex_name: name });
    assert.equal(row.ex_name, name);
    assert.equal((await list(h.acme))[0]?.ex_name, name);
  });

  test('read-only keys read but never write; the tenant limit holds', async () => {
    await add(h.acme, { ex_number: '500' });
    const ro = (action: string, extra: Record<string, string> = {}) =>
      h.post({ key: h.acme.readOnlyKey, tenant: 'ACME', reqtype: 'MANAGEDB', object: 'extension', action, ...extra });
    assert.equal(((await (await ro('list')).json()) as Row[]).length, 1);
    assert.equal((await ro('add', { jsondata: '{"ex_number":"501"}' })).headers.get('x-callgrid-error'), 'read_only_key');
    await h.runtime.services.tenants.update(h.acme.id, { te_maxextensions: 2 });
    await add(h.acme, { ex_number: '502' });
    await expectError(await db(h.acme, 'add', { jsondata: '{"ex_number":"503"}' }), 'conflict', 'Tenant ACME already has its maximum of 2 extensions (te_maxextensions)');
  });
});
