// Inbound SMS over real sockets: the server as `callgrid start` runs it (startServer: HTTP, SIP over UDP on loopback,
// a SQLite file), phones that register over UDP (inbound-sms-peers.test-support.ts), and a carrier trunk on its own UDP
// socket. A webhook SMS reaches the DID's extension as SIP MESSAGE, a trunk's MESSAGE to a DID is an inbound SMS too,
// an offline phone gets its SMS when it registers, and each tenant's INFO sms shows its own SMS only.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../config.ts';
import { startServer, type RunningServer } from '../../main.ts';
import { CarrierTrunk, MessagePhone } from './inbound-sms-peers.test-support.ts';

const T = { timeout: 20_000 };

describe('inbound SMS to extensions over SIP', () => {
  let server: RunningServer;
  let dir = '';
  let sipPort = 0;
  let trunk: CarrierTrunk;
  const keys = new Map<string, string>();
  const peers: MessagePhone[] = [];
  let providerId = 0;

  const phone = async (username: string, password: string): Promise<MessagePhone> => {
    const opened = await MessagePhone.open(username, password, sipPort);
    peers.push(opened);
    await opened.register();
    return opened;
  };
  const log = async (tenant: string) => {
    const query = new URLSearchParams({ key: keys.get(tenant) ?? '', tenant, reqtype: 'INFO', info: 'sms', format: 'json', start: '2000-01-01' });
    return (await (await fetch(`${server.url}/pbx/proxyapi.php?${query}`)).json()) as Array<Record<string, string>>;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'callgrid-inbound-sms-'));
    const config = loadConfig({ CALLGRID_DATA_DIR: dir, CALLGRID_HTTP_PORT: '0', CALLGRID_HTTP_HOST: '127.0.0.1', CALLGRID_SIP_HOST: '127.0.0.1', CALLGRID_SIP_PORT: '0', CALLGRID_RTP_THREAD: 'main', CALLGRID_DEMO_TENANT: '', CALLGRID_LOOKUP_CACHE_SECONDS: '0', CALLGRID_LOG_LEVEL: 'silent' }, dir);
    server = await startServer(config);
    sipPort = server.sipListeners.find((l) => l.protocol === 'udp')?.port ?? 0;
    trunk = await CarrierTrunk.open(sipPort);
    const { services, store } = server.runtime;
    const o = (name: string) => store.objects(name);
    const ext = new Map<string, number>();
    for (const code of ['ACME', 'GLOBEX']) {
      const created = await services.tenants.create({ te_code: code, te_name: code });
      keys.set(code, created.fullKey.key);
      for (const number of ['100', '101']) {
        const row = await o('extension').insert(created.tenant.te_id, { ex_number: number, ex_username: `${number}-${code}`, ex_secret: `${code}-${number}-pw`, ex_tech: 'PJSIP' });
        ext.set(`${number}-${code}`, Number(row.ex_id));
      }
      ext.set(code, created.tenant.te_id);
    }
    // One provider: its webhook secret, and its trunk's address (pr_host) for MESSAGEs.
    providerId = Number((await o('provider').insert(null, { pr_name: 'Carrier', pr_tech: 'SIP', pr_host: `127.0.0.1:${trunk.port}`, pr_smspassword: 'carrier-hook-secret' })).pr_id);
    const did = async (code: string, number: string, tag: string, extension: string) => {
      const tenantId = ext.get(code) ?? 0;
      const row = await o('did').insert(tenantId, { di_number: number });
      await o('destination').insert(tenantId, { de_type_src: 'DID-SMS', de_type_id_src: Number(row.di_id), de_type_dst: tag, de_type_id_dst: ext.get(extension) ?? 0, de_ord: 1 });
    };
    await did('ACME', '+41445550100', 'EXT', '100-ACME');
    await did('ACME', '+41445550101', 'EXT', '101-ACME');
    await did('GLOBEX', '+41445550200', 'SMS', '100-GLOBEX');
  });

  after(async () => {
    for (const p of peers) p.close();
    trunk?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a webhook SMS to a DID reaches its extension\'s phone as MESSAGE; the other tenant\'s 100 gets nothing', T, async () => {
    const acme = await phone('100-ACME', 'ACME-100-pw');
    const globex = await phone('100-GLOBEX', 'GLOBEX-100-pw');
    const res = await fetch(`${server.url}/sms/inbound/${providerId}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-callgrid-secret': 'carrier-hook-secret' }, body: JSON.stringify({ from: '+41791112233', to: '+41445550100', text: 'Ihr Paket ist da' }) });
    assert.equal(res.status, 200);
    const { id } = (await res.json()) as { id: number };
    const [message] = await acme.waitFor(1);
    assert.equal(message?.body, 'Ihr Paket ist da');
    assert.match(message?.header('from') ?? '', /<sip:\+41791112233@/);
    assert.match(message?.header('content-type') ?? '', /^text\/plain/);
    await server.runtime.services.inboundSms.idle();
    const [row] = await log('ACME');
    assert.deepEqual([row?.ID, row?.direction, row?.from, row?.to, row?.status, row?.provider], [String(id), 'in', '+41791112233', '+41445550100', 'delivered', String(providerId)]);
    assert.deepEqual(globex.messages, [], "GLOBEX's 100 got nothing");
    assert.deepEqual(await log('GLOBEX'), []);
  });

  test("a MESSAGE from the carrier's trunk to a DID is an inbound SMS (202), routed in the DID's tenant; an unknown DID gets 404", T, async () => {
    const globex = peers.find((p) => p.username === '100-GLOBEX') ?? (await phone('100-GLOBEX', 'GLOBEX-100-pw'));
    const before = globex.messages.length;
    const answer = await trunk.sms('+41795556677', '+41445550200', 'via SIP trunk');
    assert.equal(answer.status, 202);
    const messages = await globex.waitFor(before + 1);
    assert.equal(messages.at(-1)?.body, 'via SIP trunk');
    assert.match(messages.at(-1)?.header('from') ?? '', /<sip:\+41795556677@/);
    assert.equal((await trunk.sms('+41795556677', '+41449999999', 'nobody')).status, 404);
    await server.runtime.services.inboundSms.idle();
    const rows = (await log('GLOBEX')).map((r) => [r.direction, r.from, r.to, r.text, r.status]);
    assert.deepEqual(rows, [['in', '+41795556677', '+41445550200', 'via SIP trunk', 'delivered']]);
    assert.ok((await log('ACME')).every((r) => r.text !== 'via SIP trunk'));
  });

  test('a carrier entered only as a SIP MESSAGE SMS provider (pr_smsurl) is recognised too; the same socket unknown is a phone (407)', T, async () => {
    const smsOnly = await CarrierTrunk.open(sipPort);
    try {
      const acme = peers.find((p) => p.username === '100-ACME') ?? (await phone('100-ACME', 'ACME-100-pw'));
      // Not a provider yet: its MESSAGE is taken for a phone's, and challenged.
      assert.equal((await smsOnly.sms('+41790000002', '+41445550100', 'who am I')).status, 407);
      const row = await server.runtime.store.objects('provider').insert(null, { pr_name: 'SMS trunk', pr_tech: 'SMS', pr_smsprotocol: 'SIP', pr_smsurl: `sip:127.0.0.1:${smsOnly.port}` });
      const before = acme.messages.length;
      assert.equal((await smsOnly.sms('+41790000002', '+41445550100', 'from the SMS trunk')).status, 202);
      const messages = await acme.waitFor(before + 1);
      assert.equal(messages.at(-1)?.body, 'from the SMS trunk');
      await server.runtime.services.inboundSms.idle();
      const last = (await log('ACME')).at(-1);
      assert.deepEqual([last?.from, last?.text, last?.provider], ['+41790000002', 'from the SMS trunk', String(row.pr_id)]);
    } finally {
      smsOnly.close();
    }
  });

  test('an SMS for an offline phone is kept (status received) and delivered when the phone registers', T, async () => {
    const res = await fetch(`${server.url}/sms/inbound/${providerId}?secret=carrier-hook-secret`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ from: '+41790000001', to: '+41445550101', text: 'while you were out' }).toString() });
    assert.equal(res.status, 200);
    await server.runtime.services.inboundSms.idle();
    assert.equal((await log('ACME')).at(-1)?.status, 'received');
    const sales = await phone('101-ACME', 'ACME-101-pw');
    const [message] = await sales.waitFor(1);
    assert.equal(message?.body, 'while you were out');
  });
});
