// API keys (spec §1.3/§1.4): where a key may be presented, and MiRTA's single
// "Too bad..." answer to every key or tenant mismatch, whatever the reason.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, type Harness } from '../../../test/support/api-harness.ts';

const PLAIN = 'text/html; charset=UTF-8';
const BAD_KEY = 'Too bad... you mistaken the security api key.';

async function expectBadKey(res: Response): Promise<void> {
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), PLAIN);
  assert.equal(res.headers.get('x-callgrid-error'), 'bad_key');
  assert.equal(await res.text(), `${BAD_KEY}\n`);
}

describe('presenting a key', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());
  const config = { tenant: 'ACME', reqtype: 'INFO', info: 'config' };

  test('as key=', async () => {
    assert.equal(await (await h.get({ ...config, key: h.acme.fullKey })).text(), '0|0|0|0|0|0|0|');
  });

  test('as an X-API-Key header', async () => {
    const res = await h.get(config, { headers: { 'X-API-Key': h.acme.fullKey } });
    assert.equal(await res.text(), '0|0|0|0|0|0|0|');
  });

  test('as Authorization: Bearer', async () => {
    for (const scheme of ['Bearer', 'bearer']) {
      const res = await h.get(config, { headers: { Authorization: `${scheme} ${h.acme.fullKey}` } });
      assert.equal(await res.text(), '0|0|0|0|0|0|0|', scheme);
    }
  });

  test('key= is used before the headers', async () => {
    await expectBadKey(await h.get({ ...config, key: 'not-a-key' }, { headers: { 'X-API-Key': h.acme.fullKey } }));
  });

  test('no key at all', async () => {
    await expectBadKey(await h.get(config));
  });

  test('another Authorization scheme is not a key', async () => {
    await expectBadKey(await h.get(config, { headers: { Authorization: `Basic ${h.acme.fullKey}` } }));
  });
});

describe('refused keys and tenants', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());

  test('an unknown key', async () => {
    await expectBadKey(await h.get({ key: 'f'.repeat(64), tenant: 'ACME', reqtype: 'INFO', info: 'config' }));
  });

  test('an unknown tenant, even with the admin key', async () => {
    await expectBadKey(await h.get({ key: h.adminKey, tenant: 'NOPE', reqtype: 'INFO', info: 'config' }));
  });

  test('a tenant key without tenant', async () => {
    await expectBadKey(await h.get({ key: h.acme.fullKey, reqtype: 'INFO', info: 'config' }));
    await expectBadKey(await h.get({ key: h.acme.readOnlyKey, reqtype: 'COUNTCALLS' }));
  });

  test("a tenant key with the other tenant's code", async () => {
    await expectBadKey(await h.get({ key: h.acme.fullKey, tenant: 'GLOBEX', reqtype: 'INFO', info: 'config' }));
    await expectBadKey(await h.get({ key: h.globex.readOnlyKey, tenant: 'ACME', reqtype: 'INFO', info: 'config' }));
  });

  test('the tenant code is case-insensitive', async () => {
    assert.equal(await (await h.get({ key: h.acme.fullKey, tenant: 'acme', reqtype: 'INFO', info: 'config' })).text(), '0|0|0|0|0|0|0|');
  });

  test('with format=json the message is a JSON string', async () => {
    const res = await h.get({ key: 'nope', tenant: 'ACME', reqtype: 'INFO', info: 'config', format: 'json' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/json; charset=UTF-8');
    assert.equal(res.headers.get('x-callgrid-error'), 'bad_key');
    const body = await res.text();
    assert.equal(body, JSON.stringify(BAD_KEY));
    assert.equal(JSON.parse(body), BAD_KEY);
  });

  test('with JSONP the message is wrapped in the callback', async () => {
    const res = await h.get({ key: 'nope', tenant: 'ACME', reqtype: 'INFO', info: 'config', format: 'json', callback: 'cb' });
    assert.equal(res.headers.get('content-type'), 'application/javascript; charset=UTF-8');
    assert.equal(await res.text(), `/**/ cb(${JSON.stringify(BAD_KEY)});`);
  });
});

describe('a disabled tenant', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());

  const setDisabled = async (value: string) => {
    const res = await h.post({ key: h.adminKey, reqtype: 'MANAGEDB', object: 'tenant', action: 'update', objectid: String(h.acme.id), jsondata: JSON.stringify({ te_disabled: value }) });
    assert.equal(((await res.json()) as { te_disabled: string }).te_disabled, value === 'on' ? 'on' : '');
  };

  test("its keys are refused once disabled, and work again once enabled; other tenants are untouched", async () => {
    await setDisabled('on');
    await expectBadKey(await h.get({ key: h.acme.fullKey, tenant: 'ACME', reqtype: 'INFO', info: 'config' }));
    await expectBadKey(await h.get({ key: h.acme.readOnlyKey, tenant: 'ACME', reqtype: 'INFO', info: 'config' }));
    assert.equal(await (await h.get({ key: h.globex.fullKey, tenant: 'GLOBEX', reqtype: 'INFO', info: 'config' })).text(), '0|0|0|0|0|0|0|');

    await setDisabled('off');
    assert.equal(await (await h.get({ key: h.acme.fullKey, tenant: 'ACME', reqtype: 'INFO', info: 'config' })).text(), '0|0|0|0|0|0|0|');
  });
});
