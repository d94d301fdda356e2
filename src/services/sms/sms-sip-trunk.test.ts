// The SMS use case (the SMS reqtype's path) through SIP MESSAGE provider rows to a carrier on loopback, with a real
// (SQLite) store and a real SIP stack: queued, sent on the carrier's 202, a refusal failing over to the next route,
// and the provider refused as not implemented while no SIP stack is attached.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { TestSipCarrier } from '../../pbx/messaging/sms/sip-message-provider-carrier.test-support.ts';
import { isPbxError, silentLogger, systemClock } from '../../shared/index.ts';
import { SipStack } from '../../sip/index.ts';
import { openStore, type SmsRow, type Store } from '../../store/index.ts';
import { SmsService } from './sms-service.ts';

const carrier = new TestSipCarrier();
let stack: SipStack;
let store: Store;
let service: SmsService;
let tenant = 0;
const providers: number[] = [];
let carrierPort = 0;

before(async () => {
  const { udpPort } = await carrier.listen();
  carrierPort = udpPort;
  stack = await SipStack.start({ udp: { host: '127.0.0.1', port: 0 }, clock: systemClock, logger: silentLogger, allow: ['OPTIONS'] }, { onRequest: () => undefined });
  store = openStore('sqlite::memory:');
  await store.migrate();
  tenant = (await store.tenants.create({ te_code: 'ACME', te_name: 'Acme' }, '2026-12-05 10:00:00')).te_id;
  const o = (name: string) => store.objects(name);
  // The first route's carrier account refuses numbers behind the 99 prefix its URI adds; the second takes them.
  const refusing = await o('provider').insert(null, { pr_name: 'Refusing', pr_tech: 'SMS', pr_smsprotocol: 'SIP', pr_smsurl: `sip:99{to}@127.0.0.1:${udpPort}`, pr_smsuser: 'pbx', pr_smspassword: 'secret' });
  const taking = await o('provider').insert(null, { pr_name: 'Carrier', pr_tech: 'SMS', pr_smsprotocol: 'sip-message', pr_smsurl: `sip:127.0.0.1:${udpPort}`, pr_smsuser: 'pbx', pr_smspassword: 'secret' });
  const [refusingId, takingId] = [Number(refusing.pr_id), Number(taking.pr_id)];
  providers.push(refusingId, takingId);
  const profile = await o('routingprofile').insert(null, { rp_name: 'SMS', rp_type: 'SMS' });
  await o('route').insert(null, { dl_rp_id: Number(profile.rp_id), dl_regex: '^\\+4179.*', dl_pr_id: refusingId, dl_order: 0 });
  await o('route').insert(null, { dl_rp_id: Number(profile.rp_id), dl_regex: '^\\+41.*', dl_pr_id: takingId, dl_order: 1 });
  await o('extension').insert(tenant, { ex_number: '100', ex_username: '100-ACME', ex_smscidnum: '+41440000100', ex_sms_rp_id: Number(profile.rp_id) });
  service = new SmsService(store, systemClock, { nodeName: 'node1', http: { timeoutMs: 2000 } });
  const accept = TestSipCarrier.digest('carrier', 'pbx', 'secret', { status: 202, reason: 'Accepted' });
  carrier.handler = async (request) => (request.uri.startsWith('sip:99') ? { status: 403, reason: 'Forbidden' } : accept(request));
});
after(async () => {
  await service.stop();
  await stack.close();
  await carrier.close();
  await store.close();
});

async function settled(id: number): Promise<SmsRow> {
  for (const end = Date.now() + 5000; ; await sleep(10)) {
    const row = await store.sms.get(tenant, id);
    if (row !== undefined && row.sm_status !== 'queued') return row;
    if (Date.now() > end) assert.fail(`SMS ${id} is still ${row?.sm_status}`);
  }
}
const order = (dest: string, message: string) => ({ source: '100', account: undefined, dest, destclid: undefined, server: undefined, message });

test('without a SIP stack attached, a SIP MESSAGE provider is not implemented on this node', async () => {
  await assert.rejects(service.send(tenant, order('+41441234567', 'hello')), (error: unknown) => isPbxError(error) && error.code === 'not_implemented' && /SIP MESSAGE provider \d+ on a node without SIP running/.test(error.message));
});

test('an SMS goes out as a SIP MESSAGE (digest answered) and is logged sent with no provider id', async () => {
  service.attachSip(stack);
  const queued = await service.send(tenant, order('+41441234567', 'Hello über SIP'));
  assert.equal(queued.providerId, providers[1]);
  const row = await settled(queued.id);
  assert.deepEqual([row.sm_status, row.sm_pr_id, row.sm_provider_ids, row.sm_error], ['sent', providers[1], '', '']);
  const last = carrier.received.at(-1)?.request;
  assert.equal(last?.uri, `sip:+41441234567@127.0.0.1:${carrierPort}`);
  assert.match(last?.headers.get('from') ?? '', /^<sip:\+41440000100@127\.0\.0\.1>;tag=/);
  assert.equal(last?.body.toString('utf8'), 'Hello über SIP');
  assert.ok(last?.headers.get('authorization'), 'the carrier took it after the digest round');
});

test("a carrier's 403 is recorded and the next route's carrier takes the SMS", async () => {
  const queued = await service.send(tenant, order('+41791234567', 'failover'));
  assert.equal(queued.providerId, providers[0]);
  const row = await settled(queued.id);
  assert.equal(row.sm_status, 'sent');
  assert.equal(row.sm_pr_id, providers[1]);
  assert.equal(row.sm_error, `provider ${providers[0]}: SIP 403 Forbidden`);
});

test('attach(undefined) (SIP stopping) drops the stack: SIP MESSAGE providers are not implemented again', async () => {
  service.attach(undefined);
  await assert.rejects(service.send(tenant, order('+41441234567', 'hello')), (error: unknown) => isPbxError(error) && error.code === 'not_implemented');
});
