// di_smsemail end to end through the composition root: the runtime as `callgrid start` builds it from its settings
// (CALLGRID_SMTP_URL / CALLGRID_MAIL_FROM, a SQLite file), an inbound SMS taken by InboundSmsService.receive (the entry
// of every provider kind), and a real SMTP server (npm smtp-server) on loopback as the mail peer. What arrives, and
// what the SMS row says when the server refuses, when the address is bad, and when the node has no mail server.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../config.ts';
import { buildRuntime, type Runtime } from '../../main.ts';
import { SmtpPeer } from '../../mail/smtp-peer.test-support.ts';

const T = { timeout: 20_000 };

/** A runtime on its own data folder; `smtpUrl` undefined = no mail server. */
async function runtimeWith(smtpUrl: string | undefined): Promise<{ runtime: Runtime; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'callgrid-sms-email-'));
  const env = { CALLGRID_DATA_DIR: dir, CALLGRID_DEMO_TENANT: '', CALLGRID_LOG_LEVEL: 'silent', CALLGRID_LOOKUP_CACHE_SECONDS: '0', CALLGRID_MAIL_FROM: 'Callgrid PBX <pbx@node1.example.test>', ...(smtpUrl === undefined ? {} : { CALLGRID_SMTP_URL: smtpUrl }) };
  return { runtime: await buildRuntime(loadConfig(env, dir)), dir };
}

/** A tenant with a provider and one DID per di_smsemail value (no DID-SMS targets): DID number -> its tenant. */
async function tenantWithDids(runtime: Runtime, code: string, dids: Record<string, string>): Promise<{ tenantId: number; providerId: number }> {
  const { tenant } = await runtime.services.tenants.create({ te_code: code, te_name: code });
  const providerId = Number((await runtime.store.objects('provider').insert(null, { pr_name: `${code} carrier`, pr_tech: 'SIP', pr_host: '192.0.2.10' })).pr_id);
  for (const [number, email] of Object.entries(dids)) await runtime.store.objects('did').insert(tenant.te_id, { di_number: number, di_smsemail: email });
  return { tenantId: tenant.te_id, providerId };
}

describe('inbound SMS mailed to di_smsemail', () => {
  let peer: SmtpPeer;
  let withMail: { runtime: Runtime; dir: string };
  let tenantId = 0;
  let providerId = 0;

  /** Takes one SMS to `did` and answers its row once routed. */
  const receive = async (runtime: Runtime, tenant: number, provider: number, did: string, text: string) => {
    const receipt = await runtime.services.inboundSms.receive(provider, { from: '+41791112233', to: did, text });
    assert.equal(receipt.tenantId, tenant);
    await runtime.services.inboundSms.idle();
    const row = await runtime.store.sms.get(tenant, receipt.id);
    assert.ok(row, 'the SMS row is kept whatever the e-mail did');
    return row;
  };

  before(async () => {
    peer = await SmtpPeer.start({ refuse: ['nobody@example.test'] });
    withMail = await runtimeWith(`smtp://127.0.0.1:${peer.port}`);
    ({ tenantId, providerId } = await tenantWithDids(withMail.runtime, 'ACME', {
      '+41445550300': 'ops@example.test, Boss@Example.test',
      '+41445550301': 'nobody@example.test',
      '+41445550302': 'ops@example.test,nobody@example.test',
      '+41445550303': 'ops@example.test, not an address',
    }));
  });

  after(async () => {
    await withMail?.runtime.close();
    await peer?.close();
    if (withMail !== undefined) rmSync(withMail.dir, { recursive: true, force: true });
  });

  test('the SMS arrives as a mail: To, Subject, From and a text with from, to, time and the SMS; the row is delivered', T, async () => {
    const before = peer.received.length;
    const row = await receive(withMail.runtime, tenantId, providerId, '+41445550300', 'Grüezi, Ihr Paket ist da 📦');
    const mail = (await peer.waitFor(before + 1)).at(-1);
    assert.deepEqual(mail?.rcptTo, ['ops@example.test', 'Boss@example.test'], 'the domain lower-cased by the library, the local part as written');
    assert.equal(mail?.headers.get('to'), 'ops@example.test, Boss@example.test');
    assert.equal(mail?.headers.get('subject'), 'SMS from +41791112233 to +41445550300');
    assert.equal(mail?.headers.get('from'), 'Callgrid PBX <pbx@node1.example.test>');
    assert.equal(mail?.mailFrom, 'pbx@node1.example.test');
    assert.equal(mail?.text, `From: +41791112233\nTo: +41445550300\nReceived: ${row.sm_created} UTC\n\nGrüezi, Ihr Paket ist da 📦\n`);
    assert.deepEqual([row.sm_status, row.sm_error], ['delivered', '']);
  });

  test("a recipient the server refuses at RCPT TO is in the row's error; alone, the SMS is failed", T, async () => {
    const before = peer.received.length;
    const refused = await receive(withMail.runtime, tenantId, providerId, '+41445550301', 'to nobody');
    assert.equal(refused.sm_status, 'failed');
    assert.match(refused.sm_error, /^e-mail to di_smsemail: the mail server refused the message: .*550.*nobody@example\.test.*no such user/);
    const partly = await receive(withMail.runtime, tenantId, providerId, '+41445550302', 'to two');
    assert.equal(partly.sm_status, 'delivered', 'the other address took it');
    assert.match(partly.sm_error, /^e-mail to di_smsemail: the mail server refused nobody@example\.test: .*550/);
    const arrived = await peer.waitFor(before + 1);
    assert.equal(arrived.length, before + 1, 'one mail: the partly refused one');
    assert.deepEqual(arrived.at(-1)?.rcptTo, ['ops@example.test']);
  });

  test('a di_smsemail that is not an address list: nothing is sent, the row names the bad address', T, async () => {
    const connections = peer.connections;
    const row = await receive(withMail.runtime, tenantId, providerId, '+41445550303', 'bad list');
    assert.deepEqual([row.sm_status, row.sm_error], ['failed', "e-mail to di_smsemail: 'not an address' is not an e-mail address (expected name@domain)"]);
    assert.equal(peer.connections, connections);
  });

  test('no CALLGRID_SMTP_URL: the row says not implemented, no mail server configured; the SMS is still logged', T, async () => {
    const bare = await runtimeWith(undefined);
    try {
      const ids = await tenantWithDids(bare.runtime, 'GLOBEX', { '+41445550400': 'ops@example.test' });
      const connections = peer.connections;
      const row = await receive(bare.runtime, ids.tenantId, ids.providerId, '+41445550400', 'no mail server');
      assert.deepEqual([row.sm_status, row.sm_text, row.sm_error], ['failed', 'no mail server', 'e-mail to di_smsemail: not implemented: no mail server configured (CALLGRID_SMTP_URL)']);
      assert.equal(peer.connections, connections);
    } finally {
      await bare.runtime.close();
      rmSync(bare.dir, { recursive: true, force: true });
    }
  });
});
