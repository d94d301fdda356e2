// MANAGEDB user (spec §3.4.18): web users with write-only passwords and the
// tenants they manage (listtenants/addtenant/deltenant with tenantid).
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, type Harness, expectError } from '../../../test/support/api-harness.ts';

type Row = Record<string, string | null>;
const JSON_TYPE = 'application/json; charset=UTF-8';

describe('MANAGEDB user', () => {
  let h: Harness;
  const answers: string[] = [];
  beforeEach(async () => {
    h = await createHarness();
    answers.length = 0;
  });
  afterEach(() => h.close());

  /** Every successful answer is kept, to prove no password ever leaves. */
  const db = async (action: string, params: Record<string, string> = {}): Promise<Response> => {
    const res = await h.post({ key: h.adminKey, reqtype: 'MANAGEDB', object: 'user', action, ...params });
    answers.push(await res.clone().text());
    return res;
  };
  const json = async <T = Row>(res: Response): Promise<T> => {
    assert.equal(res.headers.get('content-type'), JSON_TYPE);
    assert.equal(res.headers.get('x-callgrid-error'), null);
    return (await res.json()) as T;
  };
  const add = async (fields: Record<string, unknown>) => json(await db('add', { jsondata: JSON.stringify(fields) }));
  const expectNoPassword = () => {
    for (const text of answers) assert.doesNotMatch(text, /us_password|pa55word|n3w-pa55|scrypt/, text);
  };

  test('add, list, get, update, delete; the password never appears', async () => {
    const added = await add({ us_username: 'alice', us_password: 'pa55word', us_description: 'Alice', us_email: 'alice@example.com', us_up_id: '3', us_neverexpire: 'yes' });
    assert.deepEqual(added, {
      us_id: '1',
      us_username: 'alice',
      us_description: 'Alice',
      us_email: 'alice@example.com',
      us_up_id: '3',
      us_useldap: '',
      us_ipfilter: '',
      us_2fatype: '',
      us_neverexpire: 'on',
      us_dynamicip: '',
      us_created: '2026-11-27 10:00:00',
    });
    await add({ us_username: 'bob' });

    assert.deepEqual((await json<Row[]>(await db('list'))).map((u) => u.us_username), ['alice', 'bob']);
    assert.deepEqual(await json(await db('get', { objectid: '1' })), added);

    const updated = await json(await db('update', { objectid: '1', jsondata: '{"us_email":"a@example.org","us_password":"n3w-pa55"}' }));
    assert.deepEqual(updated, { ...added, us_email: 'a@example.org' });
    const check = await h.get({ key: h.adminKey, reqtype: 'CHECKAUTH', username: 'alice', password: 'n3w-pa55' });
    assert.equal(await check.text(), 'OK|1|alice|3||');

    assert.deepEqual(await json(await db('delete', { objectid: '1' })), { result: 'OK', deleted: '1' });
    await expectError(await db('get', { objectid: '1' }), 'not_found', 'User 1 not found');
    await expectError(await db('delete', { objectid: '1' }), 'not_found', 'User 1 not found');
    await expectError(await db('update', { objectid: '1', jsondata: '{"us_email":""}' }), 'not_found', 'User 1 not found');
    assert.deepEqual((await json<Row[]>(await db('list'))).map((u) => u.us_username), ['bob']);
    expectNoPassword();
  });

  test('a duplicate username is a conflict, on add and on rename', async () => {
    await add({ us_username: 'alice' });
    await add({ us_username: 'bob' });
    await expectError(await db('add', { jsondata: '{"us_username":"alice"}' }), 'conflict', 'User alice already exists');
    await expectError(await db('update', { objectid: '2', jsondata: '{"us_username":"alice"}' }), 'conflict', 'User alice already exists');
  });

  test('invalid fields are refused, naming them', async () => {
    await expectError(await db('add', { jsondata: '{"us_password":"x"}' }), 'missing_parameter', "Missing required field 'us_username' for user");
    await expectError(await db('add', { jsondata: '{"us_username":"a b"}' }), 'invalid_parameter', 'Invalid us_username for user: must not be empty or contain spaces');
    await expectError(await db('add', { jsondata: '{"us_username":"x","us_role":"root"}' }), 'invalid_parameter', "Unknown field 'us_role' for user");
    await expectError(await db('add', { jsondata: '{"us_username":"x","us_email":"nope"}' }), 'invalid_parameter', 'Invalid us_email for user: expected an email address');
    await expectError(await db('add', { jsondata: '{"us_username":"x","us_password":""}' }), 'invalid_parameter', 'Invalid us_password for user: must not be empty');
    await expectError(await db('add', { jsondata: '{"us_username":"x","us_id":"7"}' }), 'invalid_parameter', "Unknown field 'us_id' for user");
  });

  test('a bad profile id says what is expected', async () => {
    await expectError(await db('add', { jsondata: '{"us_username":"x","us_up_id":"abc"}' }), 'invalid_parameter', 'Invalid us_up_id for user: expected a whole number');
  });

  test('tenant links: listtenants, addtenant, deltenant', async () => {
    await add({ us_username: 'alice' });
    assert.deepEqual(await json(await db('listtenants', { objectid: '1' })), []);

    assert.deepEqual(await json(await db('addtenant', { objectid: '1', tenantid: String(h.globex.id) })), { result: 'OK', linked: 'added' });
    assert.deepEqual(await json(await db('addtenant', { objectid: '1', tenantid: String(h.acme.id) })), { result: 'OK', linked: 'added' });
    assert.deepEqual(await json(await db('addtenant', { objectid: '1', tenantid: String(h.acme.id) })), { result: 'OK', linked: 'already linked' });

    const linked = await json<Row[]>(await db('LISTTENANTS', { objectid: '1' }));
    assert.deepEqual(linked.map((t) => [t.te_id, t.te_code]), [[String(h.acme.id), 'ACME'], [String(h.globex.id), 'GLOBEX']]);
    for (const tenant of linked) assert.ok(!('te_recordingpassword' in tenant));

    assert.deepEqual(await json(await db('deltenant', { objectid: '1', tenantid: String(h.acme.id) })), { result: 'OK' });
    assert.deepEqual((await json<Row[]>(await db('listtenants', { objectid: '1' }))).map((t) => t.te_code), ['GLOBEX']);
    await expectError(await db('deltenant', { objectid: '1', tenantid: String(h.acme.id) }), 'not_found', `User 1 is not linked to tenant ${h.acme.id}`);
  });

  test('tenant link errors', async () => {
    await add({ us_username: 'alice' });
    await expectError(await db('addtenant', { objectid: '1' }), 'missing_parameter', 'No tenantid specified');
    await expectError(await db('addtenant', { objectid: '1', tenantid: 'ACME' }), 'invalid_parameter', "Invalid tenantid 'ACME': expected a positive whole number");
    await expectError(await db('addtenant', { objectid: '1', tenantid: '999' }), 'not_found', 'Tenant 999 not found');
    await expectError(await db('addtenant', { objectid: '999', tenantid: String(h.acme.id) }), 'not_found', 'User 999 not found');
    await expectError(await db('listtenants', { objectid: '999' }), 'not_found', 'User 999 not found');
    await expectError(await db('deltenant', { tenantid: String(h.acme.id) }), 'missing_parameter', 'No objectid specified');
  });

  test('deleting a tenant drops its links', async () => {
    await add({ us_username: 'alice' });
    await db('addtenant', { objectid: '1', tenantid: String(h.acme.id) });
    await h.post({ key: h.adminKey, reqtype: 'MANAGEDB', object: 'tenant', action: 'delete', objectid: String(h.acme.id) });
    assert.deepEqual(await json(await db('listtenants', { objectid: '1' })), []);
  });
});
