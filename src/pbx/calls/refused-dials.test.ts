// DIALs the PBX refuses after the API accepted them leave their CDR: a whole PbxNode on a FakeTransport with a SQLite
// store. Over te_maxchannels is one CONGESTION row, an offline source one FAILED row, both with DIAL's id in
// originateid and the SIP answer in the userfield (no direction marker, as an answered DIAL's rows); a DIAL that
// rang its source keeps its own rows and gets no refusal row besides.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import type { CdrRecord } from '../../domain/index.ts';
import { FakeClock, silentLogger } from '../../shared/index.ts';
import { MediaRelay } from '../../media/index.ts';
import { FakeTransport, parseMessage, type Endpoint } from '../../sip/index.ts';
import { openStore, type Store } from '../../store/index.ts';
import { CdrWriter } from '../cdr/index.ts';
import { StoreRoutingDirectory } from '../dialplan/index.ts';
import { PbxNode } from '../pbx-node.ts';
import { StoreAccountDirectory, StoreBindingStore } from '../registrar/index.ts';
import { StoreCarrierDirectory } from './carrier-directory.ts';
import { ChannelRegistry, type LiveChannel } from './channel-registry.ts';
import type { OriginateRequest } from './originate-request.ts';
import { StoreCallDirectory } from './store-call-directory.ts';

const PBX: Endpoint = { protocol: 'udp', address: '192.0.2.1', port: 5060 };
const PHONE_AT: Endpoint = { protocol: 'udp', address: '192.0.2.10', port: 5062 };

let relay: MediaRelay;
let store: Store;
let fake: FakeTransport;
let node: PbxNode;
let channels: ChannelRegistry;
let tenantId: number;

beforeEach(async () => {
  store = openStore('sqlite::memory:');
  await store.migrate();
  const clock = new FakeClock();
  const portMin = 30_000 + 2 * Math.floor(Math.random() * 5_000);
  relay = MediaRelay.create({ host: '127.0.0.1', portMin, portMax: portMin + 19, clock });
  const tenant = await store.tenants.create({ te_code: 'ACME', te_name: 'Acme', te_maxchannels: 1 } as never, '2026-01-01 00:00:00');
  tenantId = tenant.te_id;
  const extensions = store.objects('extension');
  const alice = await extensions.insert(tenantId, { ex_number: '100', ex_username: '100-ACME', ex_secret: 'acme-100-pw', ex_tech: 'PJSIP', ex_name: 'Alice' });
  await extensions.insert(tenantId, { ex_number: '102', ex_username: '102-ACME', ex_secret: 'acme-102-pw', ex_tech: 'PJSIP', ex_name: 'Carol' });
  const accounts = new StoreAccountDirectory(store, clock, { realm: 'callgrid', domains: [], tenantCacheMs: 0 });
  const bindings = new StoreBindingStore(store.registrations);
  // 100 is registered (as a REGISTER would leave it), 102 is not.
  const now = clock.now();
  await bindings.put({
    tenantId, extensionId: Number(alice.ex_id), aor: `sip:100-ACME@${PBX.address}`, username: '100-ACME', contactUri: `sip:100-ACME@${PHONE_AT.address}:${PHONE_AT.port}`,
    contact: `<sip:100-ACME@${PHONE_AT.address}:${PHONE_AT.port}>`, expiresAt: new Date(now.getTime() + 3_600_000), callId: 'reg-1', cseq: 1, q: null, source: PHONE_AT,
    flowId: null, userAgent: null, node: 'node-t', registeredAt: now, lastRttMs: null, reachable: true,
  });
  fake = new FakeTransport(PBX);
  channels = new ChannelRegistry();
  node = await PbxNode.start(
    {
      accounts, domains: accounts, bindings, clock, logger: silentLogger,
      calls: { directory: new StoreCallDirectory(store, bindings, clock), routing: new StoreRoutingDirectory(store), carriers: new StoreCarrierDirectory(store, clock, 0), channels, relay, cdrs: new CdrWriter(store.cdrs, silentLogger) },
    },
    {
      nodeName: 'node-t', host: PBX.address, port: PBX.port, realm: 'callgrid', nonceSecret: 'refused dials test: nonce secret',
      digestAlgorithms: ['MD5'], qualifyIntervalMs: 3_600_000, userAgent: 'callgrid-test',
      ban: { maxFailures: 100, windowMs: 600_000, banMs: 1_000, trusted: [] },
      transports: [(listener) => fake.attach(listener)],
    },
  );
});

afterEach(async () => {
  await node.stop();
  relay.close();
  await store.close();
});

const dial = (source: string, originateId: string, variables: Record<string, string> = {}): Promise<{ ok: boolean; error?: string }> =>
  node.b2bua.originate({ tenantId, source, destination: '555', dialTimeoutMs: 10_000, autoAnswer: false, variables, originateId } satisfies OriginateRequest);

/** Every CDR row once `count` are stored (the writer runs behind the refusal), after a few more turns for strays. */
async function rowsOnce(count: number): Promise<CdrRecord[]> {
  for (let i = 0; i < 2000; i++) {
    if ((await store.cdrs.list({ tenantIds: [tenantId] })).length >= count) break;
    await new Promise((resolve) => setImmediate(resolve));
  }
  for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve));
  return store.cdrs.list({ tenantIds: [tenantId] });
}

const columns = (row: CdrRecord | undefined) => ({
  disposition: row?.disposition, lastapp: row?.lastapp, src: row?.src, dst: row?.dst, wherelanded: row?.wherelanded, userfield: row?.userfield, originateid: row?.originateid,
});

test("a DIAL over the tenant's te_maxchannels is refused and leaves one CONGESTION row", async () => {
  const now = new Date();
  const live: LiveChannel = {
    name: 'PJSIP/102-ACME-000000ff', tenantId, uniqueId: 'node-t-1.1', linkedId: 'node-t-1.1', node: 'node-t', direction: 'IN', extension: '102', account: '102-ACME',
    callerIdNum: '102', callerIdName: '', connectedNum: '', connectedName: '', exten: '104', context: 'ACME', state: 'Up', createdAt: now, answeredAt: now, bridgedTo: undefined, sipCallId: 'x', originateId: '',
  };
  channels.add(live, { hangup: () => undefined, blindTransfer: async () => 'no' });
  const outcome = await dial('100', 'dial-limit-1');
  assert.equal(outcome.ok, false);
  const rows = await rowsOnce(1);
  assert.equal(rows.length, 1, JSON.stringify(rows.map(columns)));
  assert.deepEqual(columns(rows[0]), { disposition: 'CONGESTION', lastapp: 'Congestion', src: '100', dst: '555', wherelanded: '', userfield: '[sip:503]', originateid: 'dial-limit-1' });
  assert.equal(rows[0]?.uniqueid, rows[0]?.linkedid);
});

test('a DIAL whose source has no phone registered is refused and leaves one FAILED row', async () => {
  const outcome = await dial('102', 'dial-offline-1');
  assert.equal(outcome.ok, false);
  assert.match(outcome.error ?? '', /not registered/);
  const rows = await rowsOnce(1);
  assert.equal(rows.length, 1, JSON.stringify(rows.map(columns)));
  assert.deepEqual(columns(rows[0]), { disposition: 'FAILED', lastapp: 'Hangup', src: '102', dst: '555', wherelanded: '', userfield: '[sip:480]', originateid: 'dial-offline-1' });
});

test("DIAL's var= variables are in the refused row's userfield (the options MiRTA passes as variables are not)", async () => {
  const outcome = await dial('102', 'dial-vars-1', { 'ACME-callid': '453131', VARLIST: 'ACME-callid', SETPEERNAME: '102-ACME' });
  assert.equal(outcome.ok, false);
  const rows = await rowsOnce(1);
  assert.equal(rows[0]?.userfield, '[sip:480][ACME-callid=453131]');
});

test('a DIAL that rings its source leaves only its own rows: the source busy is one BUSY row, no refusal row', async () => {
  const outcome = await dial('100', 'dial-rung-1');
  assert.equal(outcome.ok, true, outcome.error);
  // The PBX's INVITE to the source phone; the phone answers 486.
  let invite: ReturnType<typeof parseMessage> | undefined;
  for (let i = 0; i < 2000 && invite === undefined; i++) {
    for (const packet of fake.sent) {
      const parsed = parseMessage(packet.data);
      if (parsed.ok && parsed.value.type === 'request' && parsed.value.method === 'INVITE') invite = parsed;
    }
    if (invite === undefined) await new Promise((resolve) => setImmediate(resolve));
  }
  assert.ok(invite?.ok && invite.value.type === 'request', 'the source was rung');
  const request = invite.value;
  const header = (name: string) => request.headers.get(name) ?? '';
  const response = [
    'SIP/2.0 486 Busy Here', `Via: ${header('via')}`, `From: ${header('from')}`, `To: ${header('to')};tag=phone1`, `Call-ID: ${header('call-id')}`, `CSeq: ${header('cseq')}`, 'Content-Length: 0', '', '',
  ].join('\r\n');
  fake.inject(response, PHONE_AT);
  const rows = await rowsOnce(1);
  assert.equal(rows.length, 1, JSON.stringify(rows.map(columns)));
  assert.equal(rows[0]?.disposition, 'BUSY');
  assert.equal(rows[0]?.originateid, 'dial-rung-1');
});
