// PHONEBOOKS and PHONEBOOK (spec §2.10, §2.11): add one record or an array (`values` or `jsondata`),
// wildcard and case-insensitive queries, delete, cleanall, getall, isolation, and 10,000 entries.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, type Harness, expectError } from '../../../test/support/api-harness.ts';

type Row = Record<string, string>;

describe('PHONEBOOK and PHONEBOOKS', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());

  const pb = (params: Record<string, string>, key = h.acme.fullKey, tenant = 'ACME') => h.post({ key, tenant, reqtype: 'PHONEBOOK', ...params });
  const json = async (res: Response) => {
    assert.equal(res.headers.get('x-callgrid-error'), null, await res.clone().text());
    return (await res.json()) as unknown;
  };
  const query = async (book: string, field: string, value: string) =>
    ((await json(await pb({ subreqtype: 'query', phonebook: book, field, value, format: 'json' }))) as Row[]).map((r) => r.NAME);

  test('add one record (values) answers OK|peid|, getall lists it', async () => {
    const res = await pb({ subreqtype: 'add', phonebook: 'Default', values: '{"NAME":"Ross","PHONE1":"3564732920"}' });
    assert.match(await res.text(), /^OK\|\d+\|$/);
    const all = (await json(await pb({ subreqtype: 'getall', phonebook: 'Default', format: 'json' }))) as Row[];
    assert.deepEqual(all.map(({ peid: _peid, ...rest }) => rest), [{ NAME: 'Ross', PHONE1: '3564732920' }]);
    const plain = await (await pb({ subreqtype: 'getall', phonebook: 'default' })).text();
    assert.match(plain, /^peid\|NAME\|PHONE1\|\n\d+\|Ross\|3564732920\|\n$/);
  });

  test('add an array through jsondata with lower-case field names; query with % and any case', async () => {
    const added = (await json(await pb({ subreqtype: 'add', phonebook: 'Team', format: 'json', jsondata: JSON.stringify([{ name: 'Ben Stone', phone1: '101' }, { Name: 'benny', email: 'b@x' }, { NAME: 'Carl' }]) }))) as { added: number; peids: string[] };
    assert.equal(added.added, 3);
    assert.deepEqual(await query('Team', 'name', 'ben%'), ['Ben Stone', 'benny']);
    assert.deepEqual(await query('team', 'NAME', 'BEN STONE'), ['Ben Stone']);
    assert.deepEqual(await query('Team', 'name', 'ben'), []);
    assert.deepEqual(await query('Team', 'email', '%@x'), ['benny']);
    assert.deepEqual(await query('Team', '', '10%'), ['Ben Stone'], 'no field = any field');
    await expectError(await pb({ subreqtype: 'delete', phonebook: 'Team', peid: added.peids[0] ?? '' }, h.globex.fullKey, 'GLOBEX'), 'not_found', 'Phonebook Team not found');
    assert.equal(await (await pb({ subreqtype: 'delete', phonebook: 'Team', peid: added.peids[0] ?? '' })).text(), 'OK');
    assert.deepEqual(await query('Team', 'name', '%'), ['benny', 'Carl']);
    await expectError(await pb({ subreqtype: 'delete', phonebook: 'Team', peid: added.peids[0] ?? '' }), 'not_found', `Phonebook entry ${added.peids[0]} not found in phonebook Team`);
    assert.equal(await (await pb({ subreqtype: 'cleanall', phonebook: 'Team' })).text(), 'OK|2|');
    assert.deepEqual(await query('Team', 'name', '%'), []);
    assert.equal(await (await pb({ subreqtype: 'getall', phonebook: 'Team', format: 'json' })).text(), '[]');
  });

  test('PHONEBOOKS lists names and entry counts, per tenant', async () => {
    await pb({ subreqtype: 'add', phonebook: 'Default', values: '{"NAME":"Globex guy"}' }, h.globex.fullKey, 'GLOBEX');
    const books = (await json(await h.get({ key: h.globex.fullKey, tenant: 'GLOBEX', reqtype: 'PHONEBOOKS', format: 'json' }))) as Row[];
    assert.deepEqual(books.map((b) => [b.pb_name, b.entries]), [['Default', '1']]);
    const acme = (await json(await h.get({ key: h.acme.readOnlyKey, tenant: 'ACME', reqtype: 'PHONEBOOKS', subreqtype: 'list', format: 'json' }))) as Row[];
    assert.ok(acme.every((b) => b.pb_name !== undefined));
    assert.deepEqual(await query('Default', 'name', 'globex%'), [], "ACME's Default does not see Globex's");
  });

  test('bad input gets clear errors', async () => {
    await expectError(await pb({ subreqtype: 'query', field: 'name', value: 'x' }), 'missing_parameter', 'No phonebook specified');
    await expectError(await pb({ subreqtype: 'query', phonebook: 'Nope', field: 'name', value: 'x' }), 'not_found', 'Phonebook Nope not found');
    await expectError(await pb({ subreqtype: 'query', phonebook: 'Default', field: 'shoe', value: 'x' }), 'invalid_parameter', "Invalid field 'shoe': expected one of NAME, PHONE1, PHONE2, PHONE3, EMAIL, ROUTING, FIRSTNAME, LASTNAME, COMPANY, TITLE, MOBILE, FAX, ADDRESS, CITY, ZIP, COUNTRY, NOTES, SPEEDDIAL");
    await expectError(await pb({ subreqtype: 'add', phonebook: 'Default' }), 'missing_parameter', 'No values specified');
    await expectError(await pb({ subreqtype: 'add', phonebook: 'Default', values: '{"NAME":' }), 'invalid_parameter', "Invalid values: not valid JSON (Unexpected end of JSON input)");
    await expectError(await pb({ subreqtype: 'add', phonebook: 'Default', values: '[{"NAME":"a"},{"SHOE":"b"}]' }), 'invalid_parameter', "Invalid values[1]: unknown phonebook field 'SHOE', expected one of NAME, PHONE1, PHONE2, PHONE3, EMAIL, ROUTING, FIRSTNAME, LASTNAME, COMPANY, TITLE, MOBILE, FAX, ADDRESS, CITY, ZIP, COUNTRY, NOTES, SPEEDDIAL");
    await expectError(await pb({ subreqtype: 'add', phonebook: 'Default', values: '{"NAME":""}' }), 'invalid_parameter', 'Invalid values: the record has no value');
    await expectError(await pb({ subreqtype: 'delete', phonebook: 'Default', peid: 'x' }), 'invalid_parameter', "Invalid peid 'x': expected a positive whole number");
    await expectError(await pb({ subreqtype: 'fly', phonebook: 'Default' }), 'unknown_action', 'Unknown subreqtype fly for PHONEBOOK: expected one of query, getall, add, delete, cleanall');
    await expectError(await pb({ subreqtype: 'add', phonebook: 'Default', values: '{"NAME":"x"}' }, h.acme.readOnlyKey), 'read_only_key', 'This API key is read-only: PHONEBOOK changes data');
  });

  test('10,000 entries in one add, then listed and queried', async () => {
    const records = Array.from({ length: 10_000 }, (_, i) => ({ NAME: `C${i}`, PHONE1: `39${String(i).padStart(6, '0')}` }));
    const added = (await json(await pb({ subreqtype: 'add', phonebook: 'Bulk', format: 'json', values: JSON.stringify(records) }))) as { added: number; peids: string[] };
    assert.equal(added.added, 10_000);
    assert.equal(new Set(added.peids).size, 10_000);
    const all = (await json(await pb({ subreqtype: 'getall', phonebook: 'Bulk', format: 'json' }))) as Row[];
    assert.equal(all.length, 10_000);
    assert.deepEqual(all[9_999], { peid: added.peids[9_999], NAME: 'C9999', PHONE1: '39009999' });
    assert.deepEqual(await query('Bulk', 'phone1', '3900999%'), Array.from({ length: 10 }, (_, i) => `C${9990 + i}`));
  });
});
