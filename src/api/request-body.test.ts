// Work before authentication is bounded: a banned address is refused before its body is read, a key
// sent outside the body is judged before the body is read, and a body is read only up to its size and
// parameter caps (proxyapi.php and openapi.php alike).
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, expectError, type Harness } from '../../test/support/api-harness.ts';
import { MAX_FORM_BYTES, MAX_PARAMETERS } from './request-body.ts';

const ATTACKER = '198.51.100.7';
const BAD_KEY = 'Too bad... you mistaken the security api key.\n';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const TOO_MANY = `Too many parameters: at most ${MAX_PARAMETERS} in one request\n`;

/** A body that sends its first bytes and then never ends: whoever waits for all of it waits forever. */
function endlessBody(first: string): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start: (controller) => controller.enqueue(new TextEncoder().encode(first)),
    pull: () => new Promise<void>(() => {}),
  });
}

/** `count` filler parameters after `head`. */
function manyParameters(head: Record<string, string>, count: number): string {
  const parts = [new URLSearchParams(head).toString()];
  for (let i = 0; i < count; i++) parts.push(`p${i}=1`);
  return parts.join('&');
}

describe('request bodies before authentication', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness({ CALLGRID_AUTH_FAILURE_LIMIT: '2' });
  });
  afterEach(() => h.close());

  const env = (address: string) => ({ incoming: { socket: { remoteAddress: address } } });
  const post = (path: string, body: string | ReadableStream<Uint8Array>, headers: Record<string, string> = FORM, address = ATTACKER) =>
    h.runtime.app.request(path, { method: 'POST', headers, body, duplex: 'half' } as RequestInit, env(address));
  const ban = async () => {
    for (let i = 0; i < 2; i++) await (await h.get({ key: 'guess', tenant: 'ACME', reqtype: 'INFO', info: 'config' }, { address: ATTACKER })).text();
  };

  test('100,000 parameters with a bad key in the body are refused for their number, naming the limit', async () => {
    const body = manyParameters({ key: 'guess', tenant: 'ACME', reqtype: 'INFO', info: 'config' }, 100_000);
    assert.ok(body.length < MAX_FORM_BYTES, 'under the size cap: the parameter cap is what refuses it');
    const res = await post('/pbx/proxyapi.php', body);
    assert.equal(res.status, 413);
    assert.equal(res.headers.get('x-callgrid-error'), 'invalid_parameter');
    assert.equal(await res.text(), TOO_MANY);
  });

  test('a bad key in the query string is refused before the body is read (a body that never ends)', { timeout: 10_000 }, async () => {
    const res = await post(`/pbx/proxyapi.php?key=guess&tenant=ACME`, endlessBody(manyParameters({ reqtype: 'INFO' }, 1000)));
    assert.equal(res.headers.get('x-callgrid-error'), 'bad_key');
    assert.equal(await res.text(), BAD_KEY);
  });

  test('a bad key in X-API-Key is refused before the body is read, and counts toward the ban', { timeout: 10_000 }, async () => {
    const headers = { ...FORM, 'x-api-key': 'guess' };
    await expectError(await post('/pbx/proxyapi.php?tenant=ACME', endlessBody('reqtype=INFO&'), headers), 'bad_key', BAD_KEY.trim());
    await expectError(await post('/pbx/proxyapi.php?tenant=ACME', endlessBody('reqtype=INFO&'), headers), 'bad_key', BAD_KEY.trim());
    const banned = await h.get({ key: h.acme.fullKey, tenant: 'ACME', reqtype: 'INFO', info: 'config' }, { address: ATTACKER });
    assert.equal(banned.status, 429);
  });

  test('a banned address is refused without its body being read (a body that never ends)', { timeout: 10_000 }, async () => {
    await ban();
    const res = await post('/pbx/proxyapi.php', endlessBody(`key=${h.acme.fullKey}&tenant=ACME&reqtype=INFO&info=config&`));
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('x-callgrid-error'), 'too_many_auth_failures');
    assert.match(await res.text(), /^Too many failed authentications from 198\.51\.100\.7; retry in \d+ s\n$/);
  });

  test('a banned address is refused by openapi.php without its body being read', { timeout: 10_000 }, async () => {
    await ban();
    const res = await post('/pbx/openapi.php/extensions?tenant=ACME', endlessBody('{"number":"100"'), { 'content-type': 'application/json', 'x-api-key': h.acme.fullKey });
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('x-callgrid-error'), 'too_many_auth_failures');
    await res.text();
  });

  test('a good key still works with the parameters split between query and body, up to the cap', async () => {
    const head = { key: h.acme.fullKey, tenant: 'ACME', reqtype: 'INFO', info: 'config' };
    const atCap = await post('/pbx/proxyapi.php?extra=1', manyParameters(head, MAX_PARAMETERS - 5), FORM, '192.0.2.10');
    assert.equal(await atCap.text(), '0|0|0|0|0|0|0|');
    const over = await post('/pbx/proxyapi.php?extra=1', manyParameters(head, MAX_PARAMETERS - 4), FORM, '192.0.2.10');
    assert.equal(over.status, 413);
    assert.equal(await over.text(), TOO_MANY);
  });

  test('a query string over the cap is refused on GET too', async () => {
    const res = await h.runtime.app.request(`/pbx/proxyapi.php?${manyParameters({ key: h.acme.fullKey, tenant: 'ACME', reqtype: 'INFO', info: 'config' }, MAX_PARAMETERS)}`);
    assert.equal(res.status, 413);
    assert.equal(await res.text(), TOO_MANY);
  });

  test('a multipart body over the parameter cap is refused', async () => {
    const form = new FormData();
    for (const [name, value] of Object.entries({ key: 'guess', tenant: 'ACME', reqtype: 'INFO', info: 'config' })) form.append(name, value);
    for (let i = 0; i < MAX_PARAMETERS; i++) form.append(`p${i}`, '1');
    const res = await h.runtime.app.request('/pbx/proxyapi.php', { method: 'POST', body: form }, env(ATTACKER));
    assert.equal(res.status, 413);
    assert.equal(await res.text(), TOO_MANY);
  });

  test('a bad key in a multipart body is refused before the body is parsed', async () => {
    const boundary = 'XyZ';
    const body = [`--${boundary}`, 'Content-Disposition: form-data; name="key"', '', 'guess', `--${boundary}`, 'Content-Disposition: form-data; name="tenant"', '', 'ACME', `--${boundary}`, 'no headers, no end: a parse would refuse this body'].join('\r\n');
    const headers = { 'content-type': `multipart/form-data; boundary=${boundary}` };
    await expectError(await post('/pbx/proxyapi.php', body, headers), 'bad_key', BAD_KEY.trim());
    // With a good key the body is parsed, and refused as unreadable.
    const good = body.replace('guess', h.acme.fullKey);
    await expectError(await post('/pbx/proxyapi.php', good, headers, '192.0.2.10'), 'invalid_parameter', 'Invalid request body: not a readable form');
  });

  test('an urlencoded body over the size cap is refused, with or without Content-Length', { timeout: 10_000 }, async () => {
    const big = `key=guess&filler=${'x'.repeat(MAX_FORM_BYTES)}`;
    const declared = await post('/pbx/proxyapi.php', big, { ...FORM, 'content-length': String(big.length) });
    assert.equal(declared.status, 413);
    assert.equal(declared.headers.get('x-callgrid-error'), 'invalid_parameter');
    assert.equal(await declared.text(), `Request body too large: at most ${MAX_FORM_BYTES} bytes\n`);
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 3; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(MAX_FORM_BYTES / 2)));
        // never closed: the reader must stop at the cap, not wait for the end
      },
    });
    const streamed = await post('/pbx/proxyapi.php', chunks);
    assert.equal(streamed.status, 413);
    assert.equal(await streamed.text(), `Request body too large: at most ${MAX_FORM_BYTES} bytes\n`);
  });

  test('an openapi.php JSON body over the size cap is 413 payload_too_large', async () => {
    const body = JSON.stringify({ number: '100', name: 'x'.repeat(MAX_FORM_BYTES) });
    const res = await post('/pbx/openapi.php/extensions?tenant=ACME', body, { 'content-type': 'application/json', 'x-api-key': h.acme.fullKey }, '192.0.2.10');
    assert.equal(res.status, 413);
    assert.equal(res.headers.get('x-callgrid-error'), 'payload_too_large');
    assert.deepEqual(await res.json(), { error: { code: 'payload_too_large', message: `Request body too large: at most ${MAX_FORM_BYTES} bytes.` } });
  });
});
