// SMS (spec §2.25) and INFO sms (§2.12), in process, through an HTTP SMS provider played by a real HTTP server on
// loopback: routing by the extension's SMS profile with failover, bad orders refused before anything is sent, the log
// a tenant's own.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createHarness, type Harness, type TenantKeys } from '../../../test/support/api-harness.ts';

describe('SMS and INFO sms', () => {
  let h: Harness;
  const received: URLSearchParams[] = [];
  const gateway = createServer((req, res) => {
    const url = new URL(req.url ?? '', 'http://x');
    received.push(url.searchParams);
    if (url.pathname === '/down') return void res.writeHead(503).end('busy');
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"gw-42"}');
  });

  before(async () => {
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
    h = await createHarness();
    const o = (name: string) => h.runtime.store.objects(name);
    const down = await o('provider').insert(null, { pr_name: 'Down', pr_tech: 'SMS', pr_smsprotocol: 'HTTP', pr_smsurl: `${base}/down?to={to}` });
    const up = await o('provider').insert(null, { pr_name: 'Up', pr_tech: 'SMS', pr_smsprotocol: 'HTTP', pr_smsurl: `${base}/send?from={from}&to={to}&text={text}`, pr_smsuser: 'u', pr_smspassword: 'p' });
    const voice = await o('provider').insert(null, { pr_name: 'Voice', pr_tech: 'PJSIP' });
    const profile = await o('routingprofile').insert(null, { rp_name: 'SMS', rp_type: 'SMS' });
    await o('route').insert(null, { dl_rp_id: Number(profile.rp_id), dl_regex: '^\\+41.*', dl_pr_id: Number(voice.pr_id), dl_order: 0 });
    await o('route').insert(null, { dl_rp_id: Number(profile.rp_id), dl_regex: '^\\+41.*', dl_pr_id: Number(down.pr_id), dl_order: 1 });
    await o('route').insert(null, { dl_rp_id: Number(profile.rp_id), dl_regex: '^\\+41.*', dl_pr_id: Number(up.pr_id), dl_order: 2 });
    for (const t of [h.acme, h.globex]) {
      await o('extension').insert(t.id, { ex_number: '100', ex_username: `100-${t.code}`, ex_smscidnum: '+41440000100', ex_sms_rp_id: Number(profile.rp_id) });
      await o('extension').insert(t.id, { ex_number: '101', ex_username: `101-${t.code}` });
    }
  });
  after(async () => {
    await h.close();
    gateway.closeAllConnections();
    await new Promise((resolve) => gateway.close(resolve));
  });

  const send = (t: TenantKeys, params: Record<string, string>) => h.get({ key: t.fullKey, tenant: t.code, reqtype: 'SMS', ...params });
  const log = async (t: TenantKeys) => (await (await h.get({ key: t.fullKey, tenant: t.code, reqtype: 'INFO', info: 'sms', format: 'json', start: '2000-01-01' })).json()) as Array<Record<string, string>>;

  test('queued with its id, sent through the first SMS provider that takes it, in INFO sms of that tenant only', async () => {
    const res = await send(h.acme, { source: '100', dest: '+41791234567', message: 'Hello & bye 100%' });
    const answer = await res.text();
    assert.match(answer, /^Success\|SMS successfully queued\|(\d+)\|$/);
    await h.runtime.services.sms.idle();
    const last = received.at(-1);
    assert.deepEqual([last?.get('from'), last?.get('to'), last?.get('text')], ['+41440000100', '+41791234567', 'Hello & bye 100%']);
    const [row] = await log(h.acme);
    assert.equal(row?.ID, answer.split('|')[2]);
    assert.deepEqual({ ...row, ID: '', time: '' }, { ID: '', direction: 'out', from: '+41440000100', to: '+41791234567', text: 'Hello & bye 100%', status: 'sent', provider: row?.provider, time: '', parts: '1', error: row?.error });
    assert.match(row?.error ?? '', /HTTP 503/, 'the failed provider before it is noted');
    assert.deepEqual(await log(h.globex), []);
  });

  test('bad orders get a clear error naming the parameter and send nothing', async () => {
    const before = received.length;
    const rows = (await log(h.acme)).length;
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ source: '999', dest: '+41791234567', message: 'x' }, /Invalid source: extension 999 not found/],
      [{ source: 'ACCOUNT', account: '100-NOPE', dest: '+41791234567', message: 'x' }, /Invalid account: 100-NOPE not found/],
      [{ source: '100', account: '101-ACME', dest: '+41791234567', message: 'x' }, /Invalid account 101-ACME: it is not extension 100's/],
      [{ source: '100', dest: '+41791234567', message: '  ' }, /Missing message/],
      [{ source: '100', dest: '+41791234567', message: 'a'.repeat(1531) }, /Invalid message: 1531 GSM characters take 11 SMS, over the limit of 10/],
      [{ source: '100', dest: 'call me', message: 'x' }, /Invalid dest 'call me'/],
      [{ source: '100', dest: '+33123456789', message: 'x' }, /No SMS route to \+33123456789/],
      [{ source: '101', dest: '+41791234567', message: 'x' }, /No SMS routing profile/],
      [{ source: '100', dest: '101', message: 'x' }, /Not implemented: SMS to extension 101 of this tenant while SIP is not running/],
    ];
    for (const [params, message] of cases) assert.match(await (await send(h.acme, params)).text(), message, JSON.stringify(params));
    assert.equal(received.length, before);
    assert.equal((await log(h.acme)).length, rows);
  });

  test("to the tenant's own extension: handed to SIP messaging with the SMS sender as From, logged sent or queued, provider empty", async () => {
    // The port's side (forking, keeping, REGISTER) is tested on the real Messaging in messaging-from-pbx.test.ts;
    // here a recording port answers as Messaging would, to check what the SMS use case asks and logs.
    const orders: unknown[] = [];
    let answer: 'delivered' | 'kept' = 'delivered';
    h.runtime.services.sms.attach({ sendFromPbx: async (order) => (orders.push(order), { kind: answer }) });
    try {
      const res = await (await send(h.acme, { source: '100', dest: '101', message: 'lunch?', format: 'json' })).json() as Record<string, string>;
      assert.deepEqual({ ...res, ID: '' }, { Response: 'Success', Message: 'SMS successfully queued', ID: '', from: '+41440000100', to: '101', parts: '1', provider: '' });
      answer = 'kept';
      await send(h.acme, { source: '101', dest: '100', destclid: '555', message: 'back at 2' });
      await h.runtime.services.sms.idle();
      assert.deepEqual(orders, [
        { tenantId: h.acme.id, toExtension: '101', fromNumber: '+41440000100', fromName: '', text: 'lunch?' },
        { tenantId: h.acme.id, toExtension: '100', fromNumber: '555', fromName: '', text: 'back at 2' },
      ]);
      const rows = (await log(h.acme)).slice(-2).map((r) => [r.to, r.status, r.provider, r.direction]);
      assert.deepEqual(rows, [['101', 'sent', '', 'out'], ['100', 'queued', '', 'out']]);
      assert.equal((await log(h.globex)).length, 0, "GLOBEX's log has none of them");
    } finally {
      h.runtime.services.sms.attach(undefined);
    }
  });
});
