// Refused calls leave their CDR: a whole PbxNode on a FakeTransport with a SQLite store, a phone (100-ACME) and a
// carrier sending INVITEs that the PBX refuses before anybody answers. Each refusal writes exactly one row (FAILED,
// BUSY or CONGESTION, the Asterisk application, the SIP answer in the userfield), and a list that refuses after its
// attempts keeps the attempts' rows and adds none.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, beforeEach, test } from 'node:test';
import type { CdrRecord } from '../../domain/index.ts';
import { FakeClock, silentLogger } from '../../shared/index.ts';
import { MediaRelay } from '../../media/index.ts';
import { FakeTransport, parseMessage, type Endpoint, type SipResponse } from '../../sip/index.ts';
import { openStore, type Store } from '../../store/index.ts';
import { CdrWriter } from '../cdr/index.ts';
import { StoreRoutingDirectory } from '../dialplan/index.ts';
import { PbxNode } from '../pbx-node.ts';
import { StoreAccountDirectory, StoreBindingStore } from '../registrar/index.ts';
import { StoreCarrierDirectory } from './carrier-directory.ts';
import { ChannelRegistry, type LiveChannel } from './channel-registry.ts';
import { StoreCallDirectory } from './store-call-directory.ts';

const PBX: Endpoint = { protocol: 'udp', address: '192.0.2.1', port: 5060 };
const CARRIER: Endpoint = { protocol: 'udp', address: '192.0.2.50', port: 5060 };
const PHONE_AT: Endpoint = { protocol: 'udp', address: '192.0.2.10', port: 5062 };
const PHONE = { username: '100-ACME', password: 'acme-100-pw' };
const DID_EMPTY = '41441234501';
const DID_TWO = '41441234502';
/** Busy (DND) 101 first, then offline 102. */
const DID_THREE = '41441234503';
const BLOCKED = '+15550000';
const SDP = ['v=0', 'o=- 1 1 IN IP4 192.0.2.10', 's=-', 'c=IN IP4 192.0.2.10', 't=0 0', 'm=audio 40000 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000', ''].join('\r\n');

let relay: MediaRelay;
let store: Store;
let fake: FakeTransport;
let node: PbxNode;
let channels: ChannelRegistry;
let tenantId: number;
let cdrs: CdrWriter;

beforeEach(async () => {
  store = openStore('sqlite::memory:');
  await store.migrate();
  const clock = new FakeClock();
  const portMin = 30_000 + 2 * Math.floor(Math.random() * 5_000);
  relay = MediaRelay.create({ host: '127.0.0.1', portMin, portMax: portMin + 19, clock });
  // One call at a time: the limit test holds one with a channel of its own.
  const tenant = await store.tenants.create({ te_code: 'ACME', te_name: 'Acme', te_maxchannels: 1 } as never, '2026-01-01 00:00:00');
  tenantId = tenant.te_id;
  const extensions = store.objects('extension');
  await extensions.insert(tenantId, { ex_number: '100', ex_username: PHONE.username, ex_secret: PHONE.password, ex_tech: 'PJSIP', ex_name: 'Alice' });
  const dnd = await extensions.insert(tenantId, { ex_number: '101', ex_username: '101-ACME', ex_secret: 'acme-101-pw', ex_tech: 'PJSIP', ex_name: 'Bob', ex_dnd: 'on' });
  const offline = await extensions.insert(tenantId, { ex_number: '102', ex_username: '102-ACME', ex_secret: 'acme-102-pw', ex_tech: 'PJSIP', ex_name: 'Carol' });
  await store.objects('did').insert(tenantId, { di_number: DID_EMPTY });
  const two = await store.objects('did').insert(tenantId, { di_number: DID_TWO });
  await store.objects('destination').insertMany(tenantId, [
    { de_type_src: 'DID', de_type_id_src: Number(two.di_id), de_type_dst: 'EXT', de_type_id_dst: Number(offline.ex_id), de_ord: 1 },
    { de_type_src: 'DID', de_type_id_src: Number(two.di_id), de_type_dst: 'EXT', de_type_id_dst: Number(dnd.ex_id), de_ord: 2 },
  ]);
  const three = await store.objects('did').insert(tenantId, { di_number: DID_THREE });
  await store.objects('destination').insertMany(tenantId, [
    { de_type_src: 'DID', de_type_id_src: Number(three.di_id), de_type_dst: 'EXT', de_type_id_dst: Number(dnd.ex_id), de_ord: 1 },
    { de_type_src: 'DID', de_type_id_src: Number(three.di_id), de_type_dst: 'EXT', de_type_id_dst: Number(offline.ex_id), de_ord: 2 },
  ]);
  await store.objects('calleridblacklist').insert(tenantId, { bl_callerid: BLOCKED });
  await store.objects('provider').insert(null, { pr_name: 'Carrier', pr_tech: 'PJSIP', pr_host: CARRIER.address });
  const accounts = new StoreAccountDirectory(store, clock, { realm: 'callgrid', domains: [], tenantCacheMs: 0 });
  const bindings = new StoreBindingStore(store.registrations);
  fake = new FakeTransport(PBX);
  channels = new ChannelRegistry();
  cdrs = new CdrWriter(store.cdrs, silentLogger);
  node = await PbxNode.start(
    {
      accounts, domains: accounts, bindings, clock, logger: silentLogger,
      calls: { directory: new StoreCallDirectory(store, bindings, clock), routing: new StoreRoutingDirectory(store), carriers: new StoreCarrierDirectory(store, clock, 0), channels, relay, cdrs },
    },
    {
      nodeName: 'node-t', host: PBX.address, port: PBX.port, realm: 'callgrid', nonceSecret: 'refused calls test: nonce secret',
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

async function finalAnswer(callId: string, cseq: string): Promise<SipResponse> {
  for (let i = 0; i < 2000; i++) {
    for (const packet of fake.sent) {
      const parsed = parseMessage(packet.data);
      if (parsed.ok && parsed.value.type === 'response' && parsed.value.status >= 200 && parsed.value.headers.get('call-id') === callId && parsed.value.headers.get('cseq') === cseq) return parsed.value;
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`no final answer to ${cseq} ${callId}`);
}

function invite(source: Endpoint, fromUser: string, to: string, callId: string, cseq: number, authorization?: string): Promise<SipResponse> {
  const lines = [
    `INVITE sip:${to}@${PBX.address} SIP/2.0`,
    `Via: SIP/2.0/UDP ${source.address}:${source.port};branch=z9hG4bK${randomBytes(6).toString('hex')};rport`,
    'Max-Forwards: 70',
    `From: <sip:${fromUser}@${PBX.address}>;tag=${callId.slice(0, 8)}`,
    `To: <sip:${to}@${PBX.address}>`,
    `Call-ID: ${callId}`,
    `CSeq: ${cseq} INVITE`,
    `Contact: <sip:${fromUser}@${source.address}:${source.port}>`,
    ...(authorization === undefined ? [] : [`Proxy-Authorization: ${authorization}`]),
    'Content-Type: application/sdp',
    `Content-Length: ${Buffer.byteLength(SDP)}`,
    '',
    SDP,
  ];
  fake.inject(lines.join('\r\n'), source);
  return finalAnswer(callId, `${cseq} INVITE`);
}

/** 100-ACME dials `number`, answering the 407 with its digest (RFC 2617, MD5, qop=auth); the final status. */
async function phoneDials(number: string): Promise<number> {
  const callId = `phone-${randomBytes(6).toString('hex')}`;
  const challenge = await invite(PHONE_AT, PHONE.username, number, callId, 1);
  assert.equal(challenge.status, 407);
  const value = challenge.headers.get('proxy-authenticate') ?? '';
  const field = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(value)?.[1] ?? '';
  const md5 = (text: string) => createHash('md5').update(text).digest('hex');
  const uri = `sip:${number}@${PBX.address}`;
  const response = md5(`${md5(`${PHONE.username}:${field('realm')}:${PHONE.password}`)}:${field('nonce')}:00000001:c0ffee:auth:${md5(`INVITE:${uri}`)}`);
  const auth = `Digest username="${PHONE.username}", realm="${field('realm')}", nonce="${field('nonce')}", uri="${uri}", response="${response}", algorithm=MD5, qop=auth, nc=00000001, cnonce="c0ffee", opaque="${field('opaque')}"`;
  return (await invite(PHONE_AT, PHONE.username, number, callId, 2, auth)).status;
}

const carrierCalls = async (did: string, from = '+15551234'): Promise<number> => (await invite(CARRIER, from, did, `carrier-${randomBytes(6).toString('hex')}`, 1)).status;

/** Every CDR row once `count` are stored (the writer runs behind the SIP answer). */
async function rowsOnce(count: number): Promise<CdrRecord[]> {
  for (let i = 0; i < 2000; i++) {
    const rows = await store.cdrs.list({ tenantIds: [tenantId] });
    if (rows.length >= count) return rows;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return store.cdrs.list({ tenantIds: [tenantId] });
}

const columns = (row: CdrRecord | undefined) => ({ disposition: row?.disposition, lastapp: row?.lastapp, dst: row?.dst, wherelanded: row?.wherelanded, userfield: row?.userfield, src: row?.src });

test('a phone dialling a number nobody has gets 404 and the call leaves one FAILED row with the SIP answer', async () => {
  // Not dialable (a name), then dialable but without a route out: both were placed nowhere.
  assert.equal(await phoneDials('alice'), 404);
  assert.equal(await phoneDials('555'), 404);
  const rows = await rowsOnce(2);
  assert.equal(rows.length, 2);
  assert.deepEqual(columns(rows[0]), { disposition: 'FAILED', lastapp: 'Hangup', dst: 'alice', wherelanded: '', userfield: '[sip:404]', src: '100' });
  assert.deepEqual(columns(rows[1]), { disposition: 'FAILED', lastapp: 'Hangup', dst: '555', wherelanded: '', userfield: '[outbound][sip:404]', src: '100' });
  for (const row of rows) assert.equal(row.uniqueid, row.linkedid);
  const simple = await store.cdrs.listSimple({ tenantIds: [tenantId] } as never);
  assert.deepEqual(simple.map((s) => [s.sc_dialednum, s.sc_disposition]).sort(), [['555', 'FAILED'], ['alice', 'FAILED']]);
});

test('an offline extension is FAILED (Dial found no phone, CHANUNAVAIL), a DND one BUSY: one row each', async () => {
  assert.equal(await phoneDials('102'), 480);
  assert.equal(await phoneDials('101'), 486);
  const rows = await rowsOnce(2);
  assert.equal(rows.length, 2);
  assert.deepEqual(columns(rows[0]), { disposition: 'FAILED', lastapp: 'Dial', dst: '102', wherelanded: 'EXT:102', userfield: '[sip:480]', src: '100' });
  assert.deepEqual(columns(rows[1]), { disposition: 'BUSY', lastapp: 'Dial', dst: '101', wherelanded: 'EXT:101', userfield: '[sip:486]', src: '100' });
});

test('a carrier calling a DID without destination (480) or as a blacklisted caller (603) leaves an inbound row; a number no tenant holds none', async () => {
  assert.equal(await carrierCalls(DID_EMPTY), 480);
  assert.equal(await carrierCalls(DID_TWO, BLOCKED), 603);
  assert.equal(await carrierCalls('41449999999'), 404);
  const rows = await rowsOnce(2);
  assert.equal(rows.length, 2);
  assert.deepEqual(columns(rows[0]), { disposition: 'FAILED', lastapp: 'Hangup', dst: DID_EMPTY, wherelanded: '', userfield: '[inbound][sip:480]', src: '+15551234' });
  assert.deepEqual(columns(rows[1]), { disposition: 'FAILED', lastapp: 'Hangup', dst: DID_TWO, wherelanded: '', userfield: '[inbound][sip:603]', src: BLOCKED });
  assert.equal((await store.cdrs.list({})).length, 2, 'the unknown number is in no tenant');
});

test("a call over the tenant's limit gets 503 and a CONGESTION row", async () => {
  // One call in progress (te_maxchannels is 1): a channel of the registry, as a live call's.
  const now = new Date();
  const live: LiveChannel = {
    name: 'PJSIP/101-ACME-000000ff', tenantId, uniqueId: 'node-t-1.1', linkedId: 'node-t-1.1', node: 'node-t', direction: 'IN', extension: '101', account: '101-ACME',
    callerIdNum: '101', callerIdName: '', connectedNum: '', connectedName: '', exten: '104', context: 'ACME', state: 'Up', createdAt: now, answeredAt: now, bridgedTo: undefined, sipCallId: 'x', originateId: '',
  };
  channels.add(live, { hangup: () => undefined, blindTransfer: async () => 'no' });
  assert.equal(await phoneDials('102'), 503);
  const rows = await rowsOnce(1);
  assert.equal(rows.length, 1);
  assert.deepEqual(columns(rows[0]), { disposition: 'CONGESTION', lastapp: 'Congestion', dst: '102', wherelanded: '', userfield: '[sip:503]', src: '100' });
});

test('a list that refuses after its attempts keeps their rows and adds none: offline 102, then busy (DND) 101', async () => {
  assert.equal(await carrierCalls(DID_TWO), 486);
  const rows = await rowsOnce(2);
  // Long enough for a stray third row to be written too.
  for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve));
  const all = await store.cdrs.list({ tenantIds: [tenantId] });
  assert.equal(all.length, 2, JSON.stringify(all.map(columns)));
  assert.deepEqual(rows.map(columns), [
    { disposition: 'FAILED', lastapp: 'Dial', dst: '102', wherelanded: 'EXT:102', userfield: '[inbound]', src: '+15551234' },
    { disposition: 'BUSY', lastapp: 'Dial', dst: '101', wherelanded: 'EXT:101', userfield: '[inbound][sip:486]', src: '+15551234' },
  ]);
  assert.equal(new Set(rows.map((r) => r.linkedid)).size, 1);
});

test('a DND extension that is not the last target still ends its attempt BUSY: DND 101, then offline 102', async () => {
  assert.equal(await carrierCalls(DID_THREE), 480);
  const rows = await rowsOnce(2);
  assert.deepEqual(rows.map(columns), [
    { disposition: 'BUSY', lastapp: 'Dial', dst: '101', wherelanded: 'EXT:101', userfield: '[inbound]', src: '+15551234' },
    { disposition: 'FAILED', lastapp: 'Dial', dst: '102', wherelanded: 'EXT:102', userfield: '[inbound][sip:480]', src: '+15551234' },
  ]);
});
