// The SMS use case through an SMPP provider row to the test SMSC on loopback, with a real (SQLite) store: queued,
// sent with the SMSC's ids, then delivered / undelivered from the receipts (ids in the other base), long messages
// once every part's receipt is in; syncSmpp binds the providers' sessions before anything is sent.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { SmppSessions } from '../../pbx/index.ts';
import { TestSmsc } from '../../pbx/messaging/sms/test-smsc.test-support.ts';
import { systemClock } from '../../shared/index.ts';
import { openStore, type SmsRow, type Store } from '../../store/index.ts';
import { SmsService } from './sms-service.ts';

const smsc = new TestSmsc({ systemId: 'pbx', password: 'secret', stat: (dest) => (dest === '41790000000' ? 'UNDELIV' : 'DELIVRD') });
const sessions = new SmppSessions();
let store: Store;
let service: SmsService;
let tenant = 0;
let providerId = 0;

before(async () => {
  const port = await smsc.listen();
  store = openStore('sqlite::memory:');
  await store.migrate();
  tenant = (await store.tenants.create({ te_code: 'ACME', te_name: 'Acme' }, '2026-12-05 10:00:00')).te_id;
  const o = (name: string) => store.objects(name);
  const provider = await o('provider').insert(null, { pr_name: 'SMSC', pr_tech: 'SMS', pr_smsprotocol: 'SMPP', pr_smsurl: `smpp://127.0.0.1:${port}?tps=200`, pr_smsuser: 'pbx', pr_smspassword: 'secret' });
  providerId = Number(provider.pr_id);
  const profile = await o('routingprofile').insert(null, { rp_name: 'SMS', rp_type: 'SMS' });
  await o('route').insert(null, { dl_rp_id: Number(profile.rp_id), dl_regex: '^\\+41.*', dl_pr_id: providerId, dl_order: 0 });
  await o('extension').insert(tenant, { ex_number: '100', ex_username: '100-ACME', ex_smscidnum: '+41440000100', ex_sms_rp_id: Number(profile.rp_id) });
  service = new SmsService(store, systemClock, { nodeName: 'node1', smpp: sessions });
});
after(async () => {
  await service.stop();
  assert.deepEqual(sessions.states(), [], 'stop closed the SMPP sessions');
  await smsc.close();
  await store.close();
});

async function settled(id: number, status: string): Promise<SmsRow> {
  for (const end = Date.now() + 5000; ; await sleep(10)) {
    const row = await store.sms.get(tenant, id);
    if (row?.sm_status === status) return row;
    if (Date.now() > end) assert.fail(`SMS ${id} is ${row?.sm_status}, not ${status}`);
  }
}
const order = (dest: string, message: string) => ({ source: '100', account: undefined, dest, destclid: undefined, server: undefined, message });

test('syncSmpp binds the SMPP providers before anything is sent', async () => {
  assert.deepEqual(await service.syncSmpp(), []);
  // Bound on our side once bind_transceiver_resp came back (the SMSC counts it when it answers).
  for (const end = Date.now() + 5000; sessions.states()[0]?.state !== 'bound'; await sleep(10)) if (Date.now() > end) assert.fail('not bound');
  assert.deepEqual(sessions.states(), [{ providerId, state: 'bound' }]);
  assert.equal(smsc.boundSessions, 1);
});

test('an SMS is queued, sent with the SMSC id, then delivered by the receipt naming that id in decimal', async () => {
  const queued = await service.send(tenant, order('+41791234567', 'Hello from the PBX'));
  assert.deepEqual({ ...queued, id: 0 }, { id: 0, from: '+41440000100', to: '+41791234567', parts: 1, providerId });
  const row = await settled(queued.id, 'delivered');
  const part = smsc.parts.at(-1);
  assert.equal(part?.text, 'Hello from the PBX');
  assert.equal(row.sm_provider_ids, part?.messageId, 'the hex id of submit_sm_resp');
  assert.equal(row.sm_pr_id, providerId);
  assert.equal(row.sm_error, '');
});

test('a 3-part message is delivered once the receipts of all three parts are in; an UNDELIV receipt marks undelivered', async () => {
  const queued = await service.send(tenant, order('+41791234567', 'x'.repeat(400)));
  assert.equal(queued.parts, 3);
  const row = await settled(queued.id, 'delivered');
  assert.equal(row.sm_provider_ids.split(',').length, 3);
  const failed = await service.send(tenant, order('+41790000000', 'never arrives'));
  const bad = await settled(failed.id, 'undelivered');
  assert.equal(bad.sm_error, 'receipt: UNDELIV err:001');
});

test('many SMS at once: every receipt matched, even those that overtake the recording of their ids', async () => {
  const queued = await Promise.all(Array.from({ length: 40 }, (_, i) => service.send(tenant, order('+41791234567', `burst ${i}`))));
  for (const q of queued) await settled(q.id, 'delivered');
});
