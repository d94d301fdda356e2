// Output formats over HTTP (spec §1.5): plain as text/html, json, JSONP through
// `callback`, and clear refusals of bad formats and callbacks.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, type Harness } from '../../../test/support/api-harness.ts';

const PLAIN = 'text/html; charset=UTF-8';
const JSON_TYPE = 'application/json; charset=UTF-8';
const JS_TYPE = 'application/javascript; charset=UTF-8';
const CONFIG = { maxchannels: 0, maxextensions: 0, maxdids: 0, maxqueues: 0, maxconferences: 0, maxivrs: 0, maxvoicemails: 0 };

async function expectError(res: Response, code: string, body: string, contentType = PLAIN): Promise<void> {
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), contentType);
  assert.equal(res.headers.get('x-callgrid-error'), code);
  assert.equal(await res.text(), body);
}

describe('formats', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());
  const config = (params: Record<string, string> = {}) => h.get({ key: h.acme.fullKey, tenant: 'ACME', reqtype: 'INFO', info: 'config', ...params });

  test('plain is the default, served as text/html', async () => {
    const variants: Array<Record<string, string>> = [{}, { format: 'plain' }, { format: '' }, { format: 'PLAIN' }];
    for (const params of variants) {
      const res = await config(params);
      assert.equal(res.headers.get('content-type'), PLAIN);
      assert.equal(await res.text(), '0|0|0|0|0|0|0|');
    }
  });

  test('json is application/json', async () => {
    for (const format of ['json', 'JSON', ' json ']) {
      const res = await config({ format });
      assert.equal(res.headers.get('content-type'), JSON_TYPE);
      assert.equal(await res.text(), JSON.stringify(CONFIG));
    }
  });

  test('JSONP wraps the JSON in the callback', async () => {
    const res = await config({ format: 'json', callback: 'cb' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), JS_TYPE);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(await res.text(), `/**/ cb(${JSON.stringify(CONFIG)});`);
  });

  test('JSONP accepts dotted names such as jQuery callbacks', async () => {
    const res = await config({ format: 'json', callback: 'jQuery1_2.$on' });
    assert.equal(await res.text(), `/**/ jQuery1_2.$on(${JSON.stringify(CONFIG)});`);
  });

  test('an empty callback is no callback', async () => {
    const res = await config({ format: 'json', callback: '' });
    assert.equal(res.headers.get('content-type'), JSON_TYPE);
    assert.equal(await res.text(), JSON.stringify(CONFIG));
  });

  test('a callback that is not a function name is refused', async () => {
    const message = "Invalid callback 'alert(1)//': expected a JavaScript function name";
    await expectError(await config({ format: 'json', callback: 'alert(1)//' }), 'invalid_callback', JSON.stringify(message), JSON_TYPE);
  });

  test('a callback longer than 128 characters is refused', async () => {
    const res = await config({ format: 'json', callback: 'a'.repeat(129) });
    assert.equal(res.headers.get('x-callgrid-error'), 'invalid_callback');
    assert.equal(await res.text(), JSON.stringify(`Invalid callback '${'a'.repeat(40)}': expected a JavaScript function name`));
  });

  test('a callback with the plain format is refused', async () => {
    await expectError(await config({ callback: 'cb' }), 'invalid_callback', 'The callback parameter needs format=json\n');
  });

  test('an unknown format is refused', async () => {
    await expectError(await config({ format: 'yaml' }), 'invalid_parameter', "Invalid format 'yaml': expected plain, json, xml or csv (recordings: mp3 or wav)\n");
  });

  test('a format the request does not offer is refused', async () => {
    await expectError(await config({ format: 'csv' }), 'unsupported_format', 'Format csv is not available for INFO\n');
    await expectError(await config({ format: 'xml' }), 'unsupported_format', 'Format xml is not available for INFO\n');
  });

  test('errors in json are JSON strings', async () => {
    const res = await h.get({ key: h.adminKey, reqtype: 'INFO', info: 'config', format: 'json' });
    await expectError(res, 'missing_parameter', JSON.stringify('No tenant specified'), JSON_TYPE);
  });

  test('errors in JSONP are wrapped too', async () => {
    const res = await h.get({ key: h.adminKey, reqtype: 'INFO', info: 'config', format: 'json', callback: 'cb' });
    await expectError(res, 'missing_parameter', '/**/ cb("No tenant specified");', JS_TYPE);
  });

  test('MANAGEDB answers JSON whatever the format', async () => {
    for (const format of ['plain', 'csv']) {
      const res = await h.get({ key: h.adminKey, reqtype: 'MANAGEDB', object: 'tenant', action: 'get', objectid: String(h.acme.id), format });
      assert.equal(res.headers.get('content-type'), JSON_TYPE);
      assert.equal(((await res.json()) as { te_code: string }).te_code, 'ACME');
    }
  });

  // The plain format is served as text/html (MiRTA compatibility), so a request
  // value echoed into an error message is markup the browser runs.
  test('a request value echoed in a plain error is not live HTML', async () => {
    const probes: Array<[Record<string, string>, RegExp]> = [
      [{ format: '<script>alert(1)</script>' }, /<script/i],
      [{ callback: '<img src=x onerror=alert(1)>' }, /<img/i],
    ];
    for (const [params, markup] of probes) {
      const res = await config(params);
      assert.notEqual(res.headers.get('x-callgrid-error'), null);
      const body = await res.text();
      // Either the markup is escaped, or the error is not served as HTML.
      assert.ok(!(res.headers.get('content-type') ?? '').startsWith('text/html') || !markup.test(body), body);
    }
  });
});
