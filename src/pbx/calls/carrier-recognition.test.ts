// Carriers and phones that share an address (security review): a whole PbxNode on a FakeTransport with a SQLite
// store. A phone on the carrier's IP but another port is challenged like any phone; the carrier's own host:port and a
// pr_match address reach the DID; a ban earned by the carrier's address does not shut out the carrier's calls.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, beforeEach, test } from 'node:test';
import { FakeClock, silentLogger } from '../../shared/index.ts';
import { MediaRelay } from '../../media/index.ts';
import { FakeTransport, parseMessage, type Endpoint, type SipResponse } from '../../sip/index.ts';
import { openStore, type Store } from '../../store/index.ts';
import { CdrWriter } from '../cdr/index.ts';
import { StoreRoutingDirectory } from '../dialplan/index.ts';
import { PbxNode } from '../pbx-node.ts';
import { StoreAccountDirectory, StoreBindingStore } from '../registrar/index.ts';
import { StoreCarrierDirectory } from './carrier-directory.ts';
import { ChannelRegistry } from './channel-registry.ts';
import { StoreCallDirectory } from './store-call-directory.ts';

const PBX: Endpoint = { protocol: 'udp', address: '192.0.2.1', port: 5060 };
const CARRIER: Endpoint = { protocol: 'udp', address: '192.0.2.50', port: 5060 };
/** A phone behind the same NAT (or on the same SBC) as the carrier: same address, another port. */
const NEIGHBOUR: Endpoint = { protocol: 'udp', address: '192.0.2.50', port: 5062 };
const DID = '41441234500';
const PHONE = { username: '100-ACME', password: 'acme-100-pw' };

/** A real relay on loopback: a call is set up (its destination list runs) before it knows the extension is offline. */
let relay: MediaRelay;

let store: Store;
let fake: FakeTransport;
let node: PbxNode;

beforeEach(async () => {
  store = openStore('sqlite::memory:');
  await store.migrate();
  const clock = new FakeClock();
  const portMin = 30_000 + 2 * Math.floor(Math.random() * 5_000);
  relay = MediaRelay.create({ host: '127.0.0.1', portMin, portMax: portMin + 19, clock });
  const tenant = await store.tenants.create({ te_code: 'ACME', te_name: 'Acme' }, '2026-01-01 00:00:00');
  const extension = await store.objects('extension').insert(tenant.te_id, { ex_number: '100', ex_username: PHONE.username, ex_secret: PHONE.password, ex_tech: 'PJSIP', ex_name: 'Alice' });
  const did = await store.objects('did').insert(tenant.te_id, { di_number: DID });
  await store.objects('destination').insertMany(tenant.te_id, [{ de_type_src: 'DID', de_type_id_src: Number(did.di_id), de_type_dst: 'EXT', de_type_id_dst: Number(extension.ex_id), de_ord: 1 }]);
  await store.objects('provider').insert(null, { pr_name: 'Carrier', pr_tech: 'PJSIP', pr_host: CARRIER.address, pr_match: '198.51.100.0/24' });
  const accounts = new StoreAccountDirectory(store, clock, { realm: 'callgrid', domains: [], tenantCacheMs: 0 });
  const bindings = new StoreBindingStore(store.registrations);
  fake = new FakeTransport(PBX);
  node = await PbxNode.start(
    {
      accounts, domains: accounts, bindings, clock, logger: silentLogger,
      calls: {
        directory: new StoreCallDirectory(store, bindings, clock),
        routing: new StoreRoutingDirectory(store),
        carriers: new StoreCarrierDirectory(store, clock, 0),
        channels: new ChannelRegistry(),
        relay,
        cdrs: new CdrWriter(store.cdrs, silentLogger),
      },
    },
    {
      nodeName: 'node-t', host: PBX.address, port: PBX.port, realm: 'callgrid', nonceSecret: 'carrier recognition test: secret',
      digestAlgorithms: ['MD5'], qualifyIntervalMs: 3_600_000, userAgent: 'callgrid-test',
      ban: { maxFailures: 2, windowMs: 600_000, banMs: 1_800_000, trusted: [] },
      transports: [(listener) => fake.attach(listener)],
    },
  );
});
afterEach(async () => {
  await node.stop();
  relay.close();
  await store.close();
});

/** The final response to the request with this Call-ID and CSeq, once the node has sent it. */
async function finalAnswer(callId: string, cseq: string): Promise<SipResponse> {
  for (let i = 0; i < 500; i++) {
    for (const packet of fake.sent) {
      const parsed = parseMessage(packet.data);
      if (parsed.ok && parsed.value.type === 'response' && parsed.value.status >= 200 && parsed.value.headers.get('call-id') === callId && parsed.value.headers.get('cseq') === cseq) {
        return parsed.value;
      }
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`no final answer to ${cseq} ${callId}`);
}

const SDP = ['v=0', 'o=- 1 1 IN IP4 192.0.2.50', 's=-', 'c=IN IP4 192.0.2.50', 't=0 0', 'm=audio 40000 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000', ''].join('\r\n');

/** One request from `source`; `authorization` as [header name, value]. */
function send(source: Endpoint, method: 'INVITE' | 'REGISTER', user: string, callId: string, cseq: number, authorization?: [string, string]): Promise<SipResponse> {
  const uri = method === 'REGISTER' ? `sip:${PBX.address}` : `sip:${user}@${PBX.address}`;
  const body = method === 'INVITE' ? SDP : '';
  const fromUser = method === 'REGISTER' ? user : source === NEIGHBOUR ? PHONE.username : '+15551234';
  const lines = [
    `${method} ${uri} SIP/2.0`,
    `Via: SIP/2.0/UDP ${source.address}:${source.port};branch=z9hG4bK${randomBytes(6).toString('hex')};rport`,
    'Max-Forwards: 70',
    `From: <sip:${fromUser}@${PBX.address}>;tag=${callId.slice(0, 8)}`,
    `To: <sip:${user}@${PBX.address}>`,
    `Call-ID: ${callId}`,
    `CSeq: ${cseq} ${method}`,
    `Contact: <sip:${fromUser}@${source.address}:${source.port}>`,
    ...(authorization === undefined ? [] : [`${authorization[0]}: ${authorization[1]}`]),
    ...(body === '' ? [] : ['Content-Type: application/sdp']),
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ];
  fake.inject(lines.join('\r\n'), source);
  return finalAnswer(callId, `${cseq} ${method}`);
}

/** A digest answer (RFC 2617 §3.2.2.1, qop=auth) to the MD5 challenge of `challenge`, computed here with node:crypto. */
function digest(challenge: SipResponse, header: 'www-authenticate' | 'proxy-authenticate', method: string, uri: string, password: string): string {
  const value = challenge.headers.get(header) ?? '';
  const field = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(value)?.[1] ?? '';
  const md5 = (text: string) => createHash('md5').update(text).digest('hex');
  const ha1 = md5(`${PHONE.username}:${field('realm')}:${password}`);
  const response = md5(`${ha1}:${field('nonce')}:00000001:c0ffee:auth:${md5(`${method}:${uri}`)}`);
  return `Digest username="${PHONE.username}", realm="${field('realm')}", nonce="${field('nonce')}", uri="${uri}", response="${response}", algorithm=MD5, qop=auth, nc=00000001, cnonce="c0ffee", opaque="${field('opaque')}"`;
}

test("a phone on the carrier's address but another port is challenged like a phone, and can then call", async () => {
  const first = await send(NEIGHBOUR, 'INVITE', '100', 'neighbour-call', 1);
  assert.equal(first.status, 407, 'not taken for the carrier (which would have answered 404: 100 is no DID)');
  const retry = await send(NEIGHBOUR, 'INVITE', '100', 'neighbour-call', 2, ['Proxy-Authorization', digest(first, 'proxy-authenticate', 'INVITE', `sip:100@${PBX.address}`, PHONE.password)]);
  assert.equal(retry.status, 480, 'authenticated as 100-ACME and routed to 100, which has no phone registered');
});

test("the carrier's own host:port and a pr_match network reach the DID without a challenge", async () => {
  assert.equal((await send(CARRIER, 'INVITE', DID, 'carrier-call', 1)).status, 480, "the DID's extension has no phone registered");
  assert.equal((await send({ protocol: 'udp', address: '198.51.100.7', port: 6000 }, 'INVITE', DID, 'gateway-call', 1)).status, 480);
  assert.equal((await send(CARRIER, 'INVITE', '41449999999', 'carrier-unknown', 1)).status, 404, 'a number that is no DID');
});

test("a ban earned on the carrier's address does not shut out the carrier's calls", async () => {
  // The phone behind the carrier's NAT guesses passwords, answering fresh challenges sent to it: that counts.
  for (const i of [1, 2]) {
    const challenge = await send(NEIGHBOUR, 'REGISTER', PHONE.username, `guess-${i}`, 1);
    assert.equal(challenge.status, 401);
    const wrong = await send(NEIGHBOUR, 'REGISTER', PHONE.username, `guess-${i}`, 2, ['Authorization', digest(challenge, 'www-authenticate', 'REGISTER', `sip:${PBX.address}`, 'guess')]);
    assert.equal(wrong.status, 401);
  }
  assert.equal((await send(NEIGHBOUR, 'REGISTER', PHONE.username, 'banned', 1)).status, 403, 'the address is banned');
  assert.equal((await send(NEIGHBOUR, 'INVITE', '100', 'banned-call', 1)).status, 403, 'phones on it are refused');
  assert.equal((await send(CARRIER, 'INVITE', DID, 'carrier-after-ban', 1)).status, 480, 'the carrier is recognised before the ban is checked');
});
