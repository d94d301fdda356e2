// The HTTP SMS driver against a real HTTP server started by the test on loopback.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { smsDriverFor } from './driver-for-provider.ts';

interface Seen {
  method: string;
  url: string;
  auth: string;
  type: string;
  body: string;
}
const seen: Seen[] = [];
let base = '';
const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
  req.on('end', () => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization ?? '', type: req.headers['content-type'] ?? '', body });
    const path = (req.url ?? '').split('?')[0];
    if (path === '/ok') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"message_id":"abc-1"}');
    if (path === '/plain') return void res.writeHead(202).end('QUEUED');
    if (path === '/refuse') return void res.writeHead(402).end('insufficient credit');
    if (path === '/redirect') return void res.writeHead(302, { location: 'http://198.51.100.1/steal' }).end();
    if (path === '/big') return void res.writeHead(200).end('x'.repeat(1_000_000));
    if (path === '/hang') return; // never answers
    res.writeHead(404).end();
  });
});

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const row = (fields: Record<string, unknown>) => ({ pr_id: 7, pr_tech: 'SMS', pr_smsuser: '', pr_smspassword: '', ...fields });
const driver = (fields: Record<string, unknown>, timeoutMs?: number) => {
  const made = smsDriverFor(row(fields), timeoutMs === undefined ? {} : { timeoutMs });
  assert.ok(made.ok, made.ok ? '' : made.error.message);
  return made.value;
};
const sms = { from: '+41 44 123', to: '+41791234567', text: 'Grüße & 你好 = 100%' };

test('HTTP: GET with the placeholders URL-encoded and basic auth; the JSON id is kept', async () => {
  seen.length = 0;
  const result = await driver({ pr_smsprotocol: 'HTTP', pr_smsurl: `${base}/ok?src={from}&dst={to}&msg={text}`, pr_smsuser: 'acme', pr_smspassword: 's3cr:t' }).send(sms);
  assert.deepEqual(result, { ok: true, providerIds: ['abc-1'] });
  const [request] = seen;
  assert.equal(request?.method, 'GET');
  const query = new URL(request?.url ?? '', base).searchParams;
  assert.deepEqual([query.get('src'), query.get('dst'), query.get('msg')], [sms.from, sms.to, sms.text]);
  assert.equal(request?.auth, `Basic ${Buffer.from('acme:s3cr:t').toString('base64')}`);
});

test('HTTP-POST sends the query as a form body; JSON posts {from,to,text}; a plain 2xx has no id', async () => {
  seen.length = 0;
  assert.deepEqual(await driver({ pr_smsprotocol: 'http-post', pr_smsurl: `${base}/plain?to={to}&text={text}` }).send(sms), { ok: true, providerIds: [] });
  assert.deepEqual(await driver({ pr_smsprotocol: 'JSON', pr_smsurl: `${base}/ok` }).send(sms), { ok: true, providerIds: ['abc-1'] });
  const [form, json] = seen;
  assert.equal(form?.method, 'POST');
  assert.equal(form?.url, '/plain');
  assert.equal(form?.type, 'application/x-www-form-urlencoded');
  assert.equal(new URLSearchParams(form?.body).get('text'), sms.text);
  assert.equal(form?.auth, '');
  assert.equal(json?.type, 'application/json');
  assert.deepEqual(JSON.parse(json?.body ?? ''), sms);
});

test('a non-2xx answer, a redirect (not followed), a hung gateway and a closed port fail with the reason', async () => {
  seen.length = 0;
  assert.deepEqual(await driver({ pr_smsurl: `${base}/refuse?t={text}` }).send(sms), { ok: false, error: 'provider answered HTTP 402: insufficient credit' });
  const redirected = await driver({ pr_smsurl: `${base}/redirect` }).send(sms);
  assert.equal(redirected.ok, false);
  assert.match(redirected.ok ? '' : redirected.error, /redirect \(HTTP 302\)/);
  assert.equal(seen.length, 2, 'the redirect was not followed');
  const hung = await driver({ pr_smsurl: `${base}/hang` }, 200).send(sms);
  assert.deepEqual(hung, { ok: false, error: 'provider did not answer within 200 ms' });
  const closed = await driver({ pr_smsurl: 'http://127.0.0.1:1/x' }).send(sms);
  assert.deepEqual(closed, { ok: false, error: 'provider unreachable' });
});

test('a huge answer is read only up to the bound and still counts as success', async () => {
  assert.deepEqual(await driver({ pr_smsurl: `${base}/big` }).send(sms), { ok: true, providerIds: [] });
});

test('rows that cannot send: no URL, unknown placeholder, credentials in the URL, other schemes, SMPP not built', () => {
  const refusal = (fields: Record<string, unknown>) => {
    const made = smsDriverFor(row(fields));
    return made.ok ? undefined : made.error;
  };
  assert.deepEqual(refusal({ pr_smsurl: '' }), { kind: 'invalid', message: 'Provider 7 has no pr_smsurl' });
  assert.match(refusal({ pr_smsurl: `${base}/?k={password}` })?.message ?? '', /unknown placeholder \{password\}/);
  assert.match(refusal({ pr_smsurl: 'http://u:p@127.0.0.1/' })?.message ?? '', /pr_smsuser\/pr_smspassword/);
  assert.match(refusal({ pr_smsurl: 'ftp://127.0.0.1/' })?.message ?? '', /http:\/\/ or https:\/\//);
  assert.equal(refusal({ pr_smsprotocol: 'SMPP', pr_smsurl: 'x' })?.kind, 'not-implemented');
});
