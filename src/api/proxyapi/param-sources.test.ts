// Parameters with PHP $_REQUEST semantics (spec §1.2): query string, urlencoded
// and multipart bodies alike, the body winning; discriminators case-insensitive.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, type Harness } from '../../../test/support/api-harness.ts';

const PLAIN = 'text/html; charset=UTF-8';
const BAD_KEY = 'Too bad... you mistaken the security api key.\n';

describe('parameter sources', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());

  const multipart = (fields: Record<string, string>, query: Record<string, string> = {}) => {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    return h.runtime.app.request(`/pbx/proxyapi.php?${new URLSearchParams(query)}`, { method: 'POST', body: form });
  };
  const config = () => ({ key: h.acme.fullKey, tenant: 'ACME', reqtype: 'INFO', info: 'config' });

  test('all parameters in the query string', async () => {
    const res = await h.get(config());
    assert.equal(res.headers.get('content-type'), PLAIN);
    assert.equal(await res.text(), '0|0|0|0|0|0|0|');
  });

  test('all parameters in an urlencoded POST body, no query string', async () => {
    const res = await h.post(config());
    assert.equal(res.status, 200);
    assert.equal(await res.text(), '0|0|0|0|0|0|0|');
  });

  test('all parameters in a multipart POST body', async () => {
    const res = await multipart(config());
    assert.equal(res.status, 200);
    assert.equal(await res.text(), '0|0|0|0|0|0|0|');
  });

  test('parameters split between the query string and the body', async () => {
    const res = await h.post({ reqtype: 'INFO', info: 'config' }, { key: h.acme.fullKey, tenant: 'ACME' });
    assert.equal(await res.text(), '0|0|0|0|0|0|0|');
  });

  test('an urlencoded field overrides the same query parameter', async () => {
    const overridden = await h.post({ reqtype: 'INFO', info: 'config' }, { ...config(), reqtype: 'HELP' });
    assert.equal(await overridden.text(), '0|0|0|0|0|0|0|');
    // The body's tenant wins: ACME's key with the body naming GLOBEX is refused.
    const refused = await h.post({ tenant: 'GLOBEX' }, config());
    assert.equal(refused.headers.get('x-callgrid-error'), 'bad_key');
    assert.equal(await refused.text(), BAD_KEY);
  });

  test('a multipart field overrides the same query parameter', async () => {
    const res = await multipart({ tenant: 'ACME' }, { ...config(), tenant: 'GLOBEX' });
    assert.equal(await res.text(), '0|0|0|0|0|0|0|');
  });

  test('the form content type is matched case-insensitively', async () => {
    const body = new URLSearchParams(config()).toString();
    for (const type of ['Application/X-WWW-Form-Urlencoded', 'APPLICATION/X-WWW-FORM-URLENCODED; charset=UTF-8']) {
      const res = await h.runtime.app.request('/pbx/proxyapi.php', { method: 'POST', headers: { 'content-type': type }, body });
      assert.equal(await res.text(), '0|0|0|0|0|0|0|', type);
    }
  });

  test('a repeated query parameter keeps its last value, as PHP does', async () => {
    const res = await h.runtime.app.request(`/pbx/proxyapi.php?key=${h.acme.fullKey}&reqtype=INFO&info=config&tenant=GLOBEX&tenant=ACME`);
    assert.equal(await res.text(), '0|0|0|0|0|0|0|');
  });

  test('reqtype and info values are case-insensitive', async () => {
    for (const [reqtype, info] of [['info', 'CONFIG'], ['Info', 'Config'], ['INFO', 'config']] as const) {
      const res = await h.get({ key: h.acme.fullKey, tenant: 'ACME', reqtype, info });
      assert.equal(await res.text(), '0|0|0|0|0|0|0|', `${reqtype}/${info}`);
    }
  });

  test('action values are case-insensitive', async () => {
    const set = await h.get({ key: h.acme.fullKey, tenant: 'ACME', reqtype: 'setting', action: 'SET', name: 'CASECHECK', value: 'yes' });
    assert.equal(await set.text(), 'OK');
    const get = await h.get({ key: h.acme.fullKey, tenant: 'ACME', reqtype: 'Setting', action: 'Get', name: 'CASECHECK' });
    assert.equal(await get.text(), 'yes');
  });

  test('MANAGEDB object and action values are case-insensitive', async () => {
    const lower = await (await h.get({ key: h.adminKey, reqtype: 'managedb', object: 'tenant', action: 'list' })).text();
    const upper = await (await h.get({ key: h.adminKey, reqtype: 'MANAGEDB', object: 'TENANT', action: 'LIST' })).text();
    assert.equal(upper, lower);
    assert.deepEqual(
      (JSON.parse(upper) as Array<{ te_code: string }>).map((t) => t.te_code),
      ['ACME', 'GLOBEX'],
    );
  });

  test('PEERS is the older name of CHANSIPPEERS', async () => {
    for (const reqtype of ['PEERS', 'peers']) {
      const res = await h.get({ key: h.adminKey, tenant: 'ACME', reqtype });
      assert.equal(res.headers.get('x-callgrid-error'), null);
      // CHANSIPPEERS' answer: the header of its pipe table (no phone is registered here).
      assert.equal(await res.text(), 'node|Name|Host|Dyn|Forcerport|Comedia|ACL|Port|Status|Description|Realtime|\n');
    }
  });
});

describe('NUL characters', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());

  test('a parameter containing NUL is refused, from the query or the body', async () => {
    const query = await h.get({ key: h.acme.fullKey, tenant: 'ACME', reqtype: 'SETTING', action: 'set', name: 'X', value: 'a\u0000b' });
    assert.equal(query.headers.get('x-callgrid-error'), 'invalid_parameter');
    assert.equal(query.headers.get('content-type'), PLAIN);
    assert.equal(await query.text(), 'Invalid value: contains a NUL character\n');
    const body = await h.post({ key: h.acme.fullKey, tenant: 'ACME', reqtype: 'SETTING', action: 'set', name: 'X', value: 'a\u0000b' });
    assert.equal(await body.text(), 'Invalid value: contains a NUL character\n');
    const get = await h.get({ key: h.acme.fullKey, tenant: 'ACME', reqtype: 'SETTING', action: 'get', name: 'X' });
    assert.equal(get.headers.get('x-callgrid-error'), 'not_found');
  });
});
