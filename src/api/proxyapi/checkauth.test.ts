// CHECKAUTH (spec §2.37): a web user's username and password, checked without
// telling an unknown user from a wrong password, scoped to a tenant key's tenant.
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, type Harness } from '../../../test/support/api-harness.ts';

const FAILED = 'Authentication failed: wrong username or password';

async function expectFailed(res: Response): Promise<void> {
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/html; charset=UTF-8');
  assert.equal(res.headers.get('x-callgrid-error'), 'auth_failed');
  assert.equal(await res.text(), `${FAILED}\n`);
}

describe('CHECKAUTH', () => {
  let h: Harness;
  const ids: Record<string, string> = {};
  before(async () => {
    h = await createHarness();
    const users = [
      { us_username: 'alice', us_password: 's3cret', us_description: 'Alice', us_email: 'alice@example.com', us_up_id: 4 },
      // MiRTA clients provision the SHA-256 hex of the password (spec §3.4.18).
      { us_username: 'mirta', us_password: createHash('sha256').update('change-me').digest('hex') },
      { us_username: 'nopass' },
    ];
    for (const user of users) {
      const res = await h.post({ key: h.adminKey, reqtype: 'MANAGEDB', object: 'user', action: 'add', jsondata: JSON.stringify(user) });
      ids[user.us_username] = ((await res.json()) as { us_id: string }).us_id;
    }
    for (const tenant of [h.acme, h.globex]) {
      await h.get({ key: h.adminKey, reqtype: 'MANAGEDB', object: 'user', action: 'addtenant', objectid: ids.alice ?? '', tenantid: String(tenant.id) });
    }
    await h.get({ key: h.adminKey, reqtype: 'MANAGEDB', object: 'user', action: 'addtenant', objectid: ids.mirta ?? '', tenantid: String(h.acme.id) });
  });
  after(() => h.close());
  const check = (username: string, password: string, extra: Record<string, string> = {}) => h.post({ key: h.adminKey, reqtype: 'CHECKAUTH', username, password, ...extra });

  test('success, plain: OK|id|username|profile|tenant codes|', async () => {
    const res = await check('alice', 's3cret');
    assert.equal(res.headers.get('content-type'), 'text/html; charset=UTF-8');
    assert.equal(res.headers.get('x-callgrid-error'), null);
    assert.equal(await res.text(), `OK|${ids.alice}|alice|4|ACME,GLOBEX|`);
  });

  test('success, json', async () => {
    const res = await check('alice', 's3cret', { format: 'json' });
    assert.equal(res.headers.get('content-type'), 'application/json; charset=UTF-8');
    assert.deepEqual(await res.json(), {
      result: 'OK',
      us_id: ids.alice,
      us_username: 'alice',
      us_description: 'Alice',
      us_email: 'alice@example.com',
      us_up_id: '4',
      tenants: ['ACME', 'GLOBEX'],
      via: 'password',
    });
  });

  test('a password provisioned as its SHA-256 hex checks with the plain password', async () => {
    assert.equal(await (await check('mirta', 'change-me')).text(), `OK|${ids.mirta}|mirta||ACME|`);
    await expectFailed(await check('mirta', 'change-you'));
  });

  test('unknown user and wrong password fail alike', async () => {
    const unknown = await check('mallory', 's3cret');
    const wrong = await check('alice', 'S3cret');
    await expectFailed(unknown);
    await expectFailed(wrong);
  });

  test('a user without password never passes', async () => {
    await expectFailed(await check('nopass', 'anything'));
  });

  test('username and password are required', async () => {
    for (const [params, missing] of [[{ password: 'x' }, 'username'], [{ username: 'alice' }, 'password'], [{ username: 'alice', password: '' }, 'password']] as const) {
      const res = await h.get({ key: h.adminKey, reqtype: 'CHECKAUTH', ...params });
      assert.equal(res.headers.get('x-callgrid-error'), 'missing_parameter');
      assert.equal(await res.text(), `No ${missing} specified\n`);
    }
  });

  test("a tenant key only checks users of its own tenant", async () => {
    const acme = await h.post({ key: h.acme.fullKey, tenant: 'ACME', reqtype: 'CHECKAUTH', username: 'mirta', password: 'change-me' });
    assert.equal(await acme.text(), `OK|${ids.mirta}|mirta||ACME|`);
    await expectFailed(await h.post({ key: h.globex.fullKey, tenant: 'GLOBEX', reqtype: 'CHECKAUTH', username: 'mirta', password: 'change-me' }));
    const globex = await h.post({ key: h.globex.readOnlyKey, tenant: 'GLOBEX', reqtype: 'CHECKAUTH', username: 'alice', password: 's3cret' });
    // A tenant key sees only its own tenant among the user's tenants.
    assert.equal(await globex.text(), `OK|${ids.alice}|alice|4|GLOBEX|`);
  });

  test('the admin key with a tenant checks any user', async () => {
    assert.equal(await (await check('mirta', 'change-me', { tenant: 'GLOBEX' })).text(), `OK|${ids.mirta}|mirta||ACME|`);
  });
});

describe('CHECKAUTH throttling', () => {
  test('repeated wrong passwords from one address are throttled like bad keys', async () => {
    const h = await createHarness({ CALLGRID_AUTH_FAILURE_LIMIT: '3' });
    try {
      const check = () => h.get({ key: h.adminKey, reqtype: 'CHECKAUTH', username: 'nobody', password: 'guess' }, { address: '198.51.100.7' });
      for (let i = 0; i < 3; i++) assert.equal((await check()).headers.get('x-callgrid-error'), 'auth_failed');
      const banned = await check();
      assert.equal(banned.status, 429);
      assert.equal(banned.headers.get('x-callgrid-error'), 'too_many_auth_failures');
    } finally {
      await h.close();
    }
  });
});
