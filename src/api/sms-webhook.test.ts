// The inbound-SMS webhook in process (app.request) on a real SQLite store, with URL targets and an HTTP SMS provider
// played by a real HTTP server on loopback: the provider's secret, the DID's field mapping, DID-SMS targets (URL,
// HANGUP, an extension while SIP is not running), di_sms_store, di_smsanswer through the provider, and INFO sms of the
// DID's tenant only. Extensions reached by SIP MESSAGE over real sockets: services/sms/inbound-sms.sockets.test.ts.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createHarness, type Harness, type TenantKeys } from '../../test/support/api-harness.ts';

describe('inbound SMS webhook', () => {
  let h: Harness;
  let providerId = 0;
  let disabledId = 0;
  const posted: Array<Record<string, unknown>> = [];
  const sent: URLSearchParams[] = [];
  const gateway = createServer((req, res) => {
    const url = new URL(req.url ?? '', 'http://x');
    if (url.pathname === '/send') {
      sent.push(url.searchParams);
      return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"gw-7"}');
    }
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      posted.push({ path: url.pathname, type: req.headers['content-type'], ...(JSON.parse(body) as Record<string, unknown>) });
      res.writeHead(url.pathname === '/moved' ? 302 : 204, url.pathname === '/moved' ? { location: 'http://elsewhere.invalid/' } : {}).end();
    });
  });

  before(async () => {
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
    // The URL targets here are a local server: the operator's setting allows internal hosts.
    h = await createHarness({ CALLGRID_SMS_URL_INTERNAL_HOSTS: 'true' });
    const o = (name: string) => h.runtime.store.objects(name);
    providerId = Number((await o('provider').insert(null, { pr_name: 'Gateway', pr_tech: 'SMS', pr_smsprotocol: 'HTTP', pr_smsurl: `${base}/send?from={from}&to={to}&text={text}`, pr_smspassword: 'hook-secret-1' })).pr_id);
    disabledId = Number((await o('provider').insert(null, { pr_name: 'Off', pr_tech: 'SMS', pr_disabled: 'on', pr_smspassword: 'hook-secret-2' })).pr_id);
    // The URL custom type is one of the built-in ones (seeded, migration 0017 for older databases).
    const [seededUrlType] = await o('customtype').list(null, { ct_code: 'URL' });
    const urlType = Number(seededUrlType?.ct_id);
    const [hangupType] = await o('customtype').list(null, { ct_code: 'HANGUP' });
    const [externalType] = await o('customtype').list(null, { ct_code: 'EXTERNALNUMBER' });
    const slot = async (tenant: TenantKeys, didId: number, targets: Array<[string, number]>) => {
      for (const [i, [tag, id]] of targets.entries()) await o('destination').insert(tenant.id, { de_type_src: 'DID-SMS', de_type_id_src: didId, de_type_dst: tag, de_type_id_dst: id, de_ord: i + 1 });
    };
    const acme100 = Number((await o('extension').insert(h.acme.id, { ex_number: '100', ex_username: '100-ACME' })).ex_id);
    const hook = Number((await o('custom').insert(h.acme.id, { cu_name: 'CRM', cu_ct_id: urlType, cu_param1: `${base}/hook?token=t1` })).cu_id);
    const moved = Number((await o('custom').insert(h.acme.id, { cu_name: 'Moved', cu_ct_id: urlType, cu_param1: `${base}/moved` })).cu_id);
    const mobile = Number((await o('custom').insert(h.acme.id, { cu_name: 'Mobile', cu_ct_id: Number(externalType?.ct_id), cu_param1: '+41790000000' })).cu_id);
    const hangup = Number((await o('custom').insert(h.acme.id, { cu_name: 'Drop', cu_ct_id: Number(hangupType?.ct_id) })).cu_id);
    const main = Number((await o('did').insert(h.acme.id, { di_number: '+41445550100', di_sms_store: 'yes' })).di_id);
    await slot(h.acme, main, [['CUSTOM', hook], ['EXT', acme100], ['PLAYBACK', 1], ['CUSTOM', moved], ['CUSTOM', mobile]]);
    const mapped = Number((await o('did').insert(h.acme.id, { di_number: '41445550101', di_smsfromfield: 'Caller', di_smstofield: 'data.called', di_smsbodyfield: 'Message' })).di_id);
    await slot(h.acme, mapped, [['CUSTOM', hangup], ['CUSTOM', hook]]);
    await o('did').insert(h.globex.id, { di_number: '+41445550200', di_sms_store: 'yes', di_smsanswer: 'Thanks, we call back' });
  });
  after(async () => {
    await h.close();
    gateway.closeAllConnections();
    await new Promise((resolve) => gateway.close(resolve));
  });

  const hook = (id: number | string, init: RequestInit, query = '') => h.runtime.app.request(`/sms/inbound/${id}${query}`, init);
  const json = (body: unknown, headers: Record<string, string> = { 'x-callgrid-secret': 'hook-secret-1' }): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const log = async (t: TenantKeys) => (await (await h.get({ key: t.fullKey, tenant: t.code, reqtype: 'INFO', info: 'sms', format: 'json', start: '2000-01-01' })).json()) as Array<Record<string, string>>;

  test('the provider must give its secret: missing, wrong, or a disabled provider are refused 401 and nothing is logged', async () => {
    const body = { from: '+41791112233', to: '+41445550100', text: 'hi' };
    const missing = await hook(providerId, json(body, {}));
    assert.equal(missing.status, 401);
    assert.match(missing.headers.get('www-authenticate') ?? '', /^Basic /);
    assert.match(await missing.text(), /Missing secret/);
    const wrong = await hook(providerId, json(body, { 'x-callgrid-secret': 'hook-secret-X' }));
    assert.equal(wrong.status, 401);
    assert.match(await wrong.text(), new RegExp(`Unknown provider ${providerId} or wrong secret`));
    assert.equal((await hook(disabledId, json(body, { 'x-callgrid-secret': 'hook-secret-2' }))).status, 401);
    assert.equal((await hook('abc', json(body))).status, 400);
    assert.equal((await hook(providerId, { method: 'PUT' })).status, 405);
    assert.deepEqual(await log(h.acme), []);
  });

  test('bad input gets a clear 4xx: an unknown DID, no DID field, a missing mapped field, a bad body', async () => {
    const unknown = await hook(providerId, json({ from: '+41791112233', to: '+41449999999', text: 'hi' }));
    assert.equal(unknown.status, 404);
    assert.match(await unknown.text(), /No DID \+41449999999: the SMS was not taken/);
    const none = await hook(providerId, json({ sender: 'x', text: 'hi' }));
    assert.equal(none.status, 400);
    assert.match(await none.text(), /Missing to: no field names one of the DIDs/);
    const noBody = await hook(providerId, json({ Caller: '+41791112233', data: { called: '41445550101' } }));
    assert.equal(noBody.status, 400);
    assert.match(await noBody.text(), /Missing Message: DID 41445550101 reads the text from field 'Message'/);
    const broken = await hook(providerId, { method: 'POST', headers: { 'content-type': 'application/json', 'x-callgrid-secret': 'hook-secret-1' }, body: '{"to":' });
    assert.equal(broken.status, 400);
    assert.match(await broken.text(), /Invalid JSON body/);
    const xml = await hook(providerId, { method: 'POST', headers: { 'content-type': 'application/xml', 'x-callgrid-secret': 'hook-secret-1' }, body: '<sms/>' });
    assert.equal(xml.status, 400);
    assert.match(await xml.text(), /Unsupported Content-Type application\/xml/);
    assert.deepEqual(await log(h.acme), []);
  });

  test('JSON to a DID: each DID-SMS target gets it in order (URL posted, no SIP for the extension, PLAYBACK refused, no redirect followed), logged in that tenant only', async () => {
    const res = await hook(providerId, json({ from: '+41791112233', to: '0041445550100', text: 'Grüezi' }));
    assert.equal(res.status, 200);
    const answer = (await res.json()) as { status: string; id: number };
    assert.equal(answer.status, 'received');
    await h.runtime.services.inboundSms.idle();
    const calls = posted.splice(0);
    assert.deepEqual(calls.map((p) => [p.path, p.type, p.id, p.direction, p.from, p.to, p.text]), [
      ['/hook', 'application/json', answer.id, 'in', '+41791112233', '+41445550100', 'Grüezi'],
      ['/moved', 'application/json', answer.id, 'in', '+41791112233', '+41445550100', 'Grüezi'],
    ]);
    const [row] = await log(h.acme);
    assert.deepEqual([row?.ID, row?.direction, row?.from, row?.to, row?.text, row?.status, row?.provider, row?.parts], [String(answer.id), 'in', '+41791112233', '+41445550100', 'Grüezi', 'delivered', String(providerId), '1']);
    assert.match(row?.error ?? '', /EXT-\d+: not implemented while SIP is not running on this node/);
    assert.match(row?.error ?? '', /PLAYBACK-1: PLAYBACK destinations do not take an SMS/);
    assert.match(row?.error ?? '', /CUSTOM-\d+: 127\.0\.0\.1:\d+ answered a redirect \(HTTP 302\), which is not followed/);
    assert.match(row?.error ?? '', /CUSTOM-\d+: not implemented: forwarding an SMS to an external number/);
    assert.doesNotMatch(row?.error ?? '', /token=t1/, 'the URL path and query stay out of the log');
    assert.deepEqual(await log(h.globex), [], "GLOBEX's log does not show ACME's SMS");
  });

  test("a form body through the DID's own field names with Basic auth; HANGUP ends the list before the URL", async () => {
    const form = new URLSearchParams({ caller: '+41793334455', 'data.called': '+41445550101', message: 'stop here' });
    const basic = `Basic ${Buffer.from('anyone:hook-secret-1').toString('base64')}`;
    const res = await hook(providerId, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic }, body: form.toString() });
    assert.equal(res.status, 200);
    await h.runtime.services.inboundSms.idle();
    assert.deepEqual(posted.splice(0), [], 'nothing posted after HANGUP');
    const row = (await log(h.acme)).at(-1);
    assert.deepEqual([row?.from, row?.to, row?.text, row?.status, row?.error], ['+41793334455', '41445550101', 'stop here', 'received', '']);
  });

  test('di_smsanswer goes back to the sender from the DID through the same provider, once per quiet time; GLOBEX sees only its own', async () => {
    const first = await hook(providerId, json({ from: '+41795556677', to: '+41445550200', text: 'call me' }), '?secret=hook-secret-1');
    assert.equal(first.status, 200);
    await h.runtime.services.inboundSms.idle();
    const reply = sent.splice(0);
    assert.deepEqual(reply.map((q) => [q.get('from'), q.get('to'), q.get('text')]), [['+41445550200', '+41795556677', 'Thanks, we call back']]);
    await hook(providerId, json({ from: '+41795556677', to: '+41445550200', text: 'again' }), '?secret=hook-secret-1');
    await h.runtime.services.inboundSms.idle();
    assert.deepEqual(sent.splice(0), [], 'no second auto-answer within the quiet time');
    const rows = (await log(h.globex)).map((r) => [r.direction, r.from, r.to, r.text, r.status, r.error]);
    assert.deepEqual(rows, [
      ['in', '+41795556677', '+41445550200', 'call me', 'received', ''],
      ['out', '+41445550200', '+41795556677', 'Thanks, we call back', 'sent', ''],
      ['in', '+41795556677', '+41445550200', 'again', 'received', 'auto-answer not sent: +41795556677 got one less than 10 minutes ago'],
    ]);
    assert.ok((await log(h.acme)).every((r) => r.to !== '+41445550200' && r.from !== '+41445550200'), "ACME's log has none of GLOBEX's");
  });

  test('an address that keeps giving wrong secrets is refused 429 for a while, even with the right one; others are not', async () => {
    const from = (address: string, secret: string) =>
      h.runtime.app.request(`/sms/inbound/${providerId}`, json({ from: '+41791112233', to: '+41449999999', text: 'x' }, { 'x-callgrid-secret': secret }), { incoming: { socket: { remoteAddress: address } } });
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await from('192.0.2.99', `guess-${i}`)).status);
    assert.ok(statuses.includes(401) && statuses.at(-1) === 429, statuses.join(','));
    const banned = await from('192.0.2.99', 'hook-secret-1');
    assert.equal(banned.status, 429);
    assert.ok(Number(banned.headers.get('retry-after')) > 0);
    assert.equal((await from('192.0.2.98', 'hook-secret-1')).status, 404, 'another address gets through to the DID lookup');
  });
});
