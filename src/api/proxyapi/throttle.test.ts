// Key guessing is slowed down: after CALLGRID_AUTH_FAILURE_LIMIT bad keys from
// one address within the window, that address is refused (429) for the ban time.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, type Harness } from '../../../test/support/api-harness.ts';

const ATTACKER = '198.51.100.7';
const BYSTANDER = '203.0.113.9';

describe('bad key throttling', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness({ CALLGRID_AUTH_FAILURE_LIMIT: '3' });
  });
  afterEach(() => h.close());

  const good = (address: string) => h.get({ key: h.acme.fullKey, tenant: 'ACME', reqtype: 'INFO', info: 'config' }, { address });
  const bad = async (address: string) => {
    const res = await h.get({ key: 'guess', tenant: 'ACME', reqtype: 'INFO', info: 'config' }, { address });
    assert.equal(res.headers.get('x-callgrid-error'), 'bad_key');
    await res.text();
  };
  const expectWorks = async (res: Response) => {
    assert.equal(res.status, 200);
    assert.equal(await res.text(), '0|0|0|0|0|0|0|');
  };
  const expectBanned = async (res: Response, seconds: number) => {
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('retry-after'), String(seconds));
    assert.equal(res.headers.get('x-callgrid-error'), 'too_many_auth_failures');
    assert.equal(res.headers.get('content-type'), 'text/html; charset=UTF-8');
    assert.equal(await res.text(), `Too many failed authentications from ${ATTACKER}; retry in ${seconds} s\n`);
  };

  test('the limit of bad keys bans the address, even for a good key, until the ban ends', async () => {
    for (let i = 0; i < 3; i++) await bad(ATTACKER);
    await expectBanned(await good(ATTACKER), 300);
    h.clock.advance(100_000);
    await expectBanned(await good(ATTACKER), 200);
    h.clock.advance(200_001);
    await expectWorks(await good(ATTACKER));
  });

  test('another address is not affected by the ban', async () => {
    for (let i = 0; i < 3; i++) await bad(ATTACKER);
    await expectWorks(await good(BYSTANDER));
  });

  test('fewer bad keys than the limit do not ban', async () => {
    for (let i = 0; i < 2; i++) await bad(ATTACKER);
    await expectWorks(await good(ATTACKER));
  });

  test('bad keys spread over more than the window do not add up', async () => {
    for (let i = 0; i < 2; i++) await bad(ATTACKER);
    h.clock.advance(61_000);
    for (let i = 0; i < 2; i++) await bad(ATTACKER);
    await expectWorks(await good(ATTACKER));
  });

  test('an unknown tenant counts as a bad key', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await h.get({ key: h.adminKey, tenant: `NOPE${i}`, reqtype: 'INFO', info: 'config' }, { address: ATTACKER });
      assert.equal(res.headers.get('x-callgrid-error'), 'bad_key');
    }
    await expectBanned(await good(ATTACKER), 300);
  });

  test('the ban answers in the requested format', async () => {
    for (let i = 0; i < 3; i++) await bad(ATTACKER);
    const res = await h.get({ key: h.acme.fullKey, tenant: 'ACME', reqtype: 'INFO', info: 'config', format: 'json' }, { address: ATTACKER });
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('content-type'), 'application/json; charset=UTF-8');
    assert.equal(await res.text(), JSON.stringify(`Too many failed authentications from ${ATTACKER}; retry in 300 s`));
  });
});
