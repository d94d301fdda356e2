// AUTHTOKEN (spec §2.38): login tokens for web users, usable once or until a
// moment, accepted by CHECKAUTH in place of the password.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, type Harness, expectError } from '../../../test/support/api-harness.ts';

const FAILED = 'Authentication failed: wrong username or password\n';

describe('AUTHTOKEN', () => {
  let h: Harness;
  let aliceId = '';
  beforeEach(async () => {
    h = await createHarness();
    // No password: token checks then cost no scrypt work (tests that need one set it).
    const res = await h.post({ key: h.adminKey, reqtype: 'MANAGEDB', object: 'user', action: 'add', jsondata: '{"us_username":"alice"}' });
    aliceId = ((await res.json()) as { us_id: string }).us_id;
    await h.get({ key: h.adminKey, reqtype: 'MANAGEDB', object: 'user', action: 'addtenant', objectid: aliceId, tenantid: String(h.acme.id) });
  });
  afterEach(() => h.close());

  const generate = async (validity: string, user = 'alice') => {
    const res = await h.get({ key: h.adminKey, reqtype: 'AUTHTOKEN', action: 'generate', user, validity });
    assert.equal(res.headers.get('x-callgrid-error'), null);
    const token = await res.text();
    assert.match(token, /^[A-Za-z0-9_-]{32}$/);
    return token;
  };
  const setPassword = (password: string) =>
    h.post({ key: h.adminKey, reqtype: 'MANAGEDB', object: 'user', action: 'update', objectid: aliceId, jsondata: JSON.stringify({ us_password: password }) });
  const check = async (password: string, user = 'alice', key = h.adminKey, tenant?: string) =>
    (await h.post({ key, reqtype: 'CHECKAUTH', username: user, password, ...(tenant ? { tenant } : {}) })).text();

  test('a ONCE token logs in once, then fails', async () => {
    await setPassword('s3cret');
    const token = await generate('ONCE');
    assert.equal(await check(token), `OK|${aliceId}|alice||ACME|`);
    assert.equal(await check(token), FAILED);
    assert.equal(await check('s3cret'), `OK|${aliceId}|alice||ACME|`);
  });

  test('CHECKAUTH json tells the token was used', async () => {
    const token = await generate('once');
    const res = await h.post({ key: h.adminKey, reqtype: 'CHECKAUTH', username: 'alice', password: token, format: 'json' });
    assert.equal(((await res.json()) as { via: string }).via, 'token');
  });

  test('generate in json', async () => {
    const res = await h.get({ key: h.adminKey, reqtype: 'AUTHTOKEN', action: 'GENERATE', user: 'alice', validity: '2026-11-28 10:00', format: 'json' });
    assert.equal(res.headers.get('content-type'), 'application/json; charset=UTF-8');
    const body = (await res.json()) as { token: string; user: string; validity: string };
    assert.deepEqual({ ...body, token: 'T' }, { token: 'T', user: 'alice', validity: '2026-11-28 10:00:59' });
    assert.equal(await check(body.token), `OK|${aliceId}|alice||ACME|`);
  });

  test('a dated token works, again and again, until the clock passes its validity', async () => {
    const token = await generate('2026-11-28 10:00:00');
    assert.equal(await check(token), `OK|${aliceId}|alice||ACME|`);
    h.clock.set('2026-11-28T10:00:00Z');
    assert.equal(await check(token), `OK|${aliceId}|alice||ACME|`);
    h.clock.set('2026-11-28T10:00:01Z');
    assert.equal(await check(token), FAILED);
  });

  test('a date-only validity lasts the whole day', async () => {
    const token = await generate('2026-11-28');
    h.clock.set('2026-11-28T23:59:59Z');
    assert.equal(await check(token), `OK|${aliceId}|alice||ACME|`);
    h.clock.set('2026-11-29T00:00:00Z');
    assert.equal(await check(token), FAILED);
  });

  test('a validity in the past or malformed is refused', async () => {
    const gen = (validity: string) => h.get({ key: h.adminKey, reqtype: 'AUTHTOKEN', action: 'generate', user: 'alice', validity });
    await expectError(await gen('2026-11-26'), 'invalid_parameter', "Invalid validity '2026-11-26': the moment has already passed");
    await expectError(await gen('2026-11-27 09:59:59'), 'invalid_parameter', "Invalid validity '2026-11-27 09:59:59': the moment has already passed");
    await expectError(await gen('tomorrow'), 'invalid_parameter', "Invalid validity 'tomorrow': expected YYYY-MM-DD or YYYY-MM-DD HH:MM:SS");
    await expectError(await h.get({ key: h.adminKey, reqtype: 'AUTHTOKEN', action: 'generate', user: 'alice' }), 'missing_parameter', 'No validity specified');
  });

  test('reset removes the token, not the password', async () => {
    await setPassword('s3cret');
    const token = await generate('2026-12-31');
    const reset = await h.get({ key: h.adminKey, reqtype: 'AUTHTOKEN', action: 'reset', user: 'alice' });
    assert.equal(await reset.text(), 'OK');
    assert.equal(await check(token), FAILED);
    assert.equal(await check('s3cret'), `OK|${aliceId}|alice||ACME|`);
  });

  test('a new token replaces the old one', async () => {
    const first = await generate('2026-12-31');
    const second = await generate('ONCE');
    assert.notEqual(first, second);
    assert.equal(await check(first), FAILED);
    assert.equal(await check(second), `OK|${aliceId}|alice||ACME|`);
  });

  test("a user's token does not log in another user", async () => {
    await h.post({ key: h.adminKey, reqtype: 'MANAGEDB', object: 'user', action: 'add', jsondata: '{"us_username":"bob"}' });
    const token = await generate('ONCE');
    assert.equal(await check(token, 'bob'), FAILED);
    assert.equal(await check(token), `OK|${aliceId}|alice||ACME|`);
  });

  test('an unknown user is not found', async () => {
    await expectError(await h.get({ key: h.adminKey, reqtype: 'AUTHTOKEN', action: 'generate', user: 'mallory', validity: 'ONCE' }), 'not_found', 'Unknown user mallory');
    await expectError(await h.get({ key: h.adminKey, reqtype: 'AUTHTOKEN', action: 'reset', user: 'mallory' }), 'not_found', 'Unknown user mallory');
  });

  test('missing or unknown action, missing user', async () => {
    await expectError(await h.get({ key: h.adminKey, reqtype: 'AUTHTOKEN', user: 'alice' }), 'missing_parameter', 'No action specified');
    await expectError(await h.get({ key: h.adminKey, reqtype: 'AUTHTOKEN', action: 'revoke', user: 'alice' }), 'unknown_action', 'Unknown action revoke for AUTHTOKEN: expected generate or reset');
    await expectError(await h.get({ key: h.adminKey, reqtype: 'AUTHTOKEN', action: 'reset' }), 'missing_parameter', 'No user specified');
  });

  test("a CHECKAUTH refused for another tenant's key does not spend a ONCE token", async () => {
    const token = await generate('ONCE');
    assert.equal(await check(token, 'alice', h.globex.fullKey, 'GLOBEX'), FAILED);
    assert.equal(await check(token, 'alice', h.acme.fullKey, 'ACME'), `OK|${aliceId}|alice||ACME|`);
  });
});
