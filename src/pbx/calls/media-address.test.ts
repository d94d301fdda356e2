// Our SDP's address on a node whose SIP stack and relay listen on every interface with no public address set: the
// caller is told the address its INVITE reached (it can reach that one), not the node's main address, which may be on
// another network; the callee is offered the address its REGISTER reached. Real SIP and RTP sockets on loopback.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SipPhone } from '../../../test/support/sip-phone.ts';
import { MediaRelay } from '../../media/index.ts';
import { silentLogger, systemClock } from '../../shared/index.ts';
import { openStore, type Store } from '../../store/index.ts';
import { CdrWriter } from '../cdr/index.ts';
import { StoreRoutingDirectory } from '../dialplan/index.ts';
import { PbxNode } from '../pbx-node.ts';
import { StoreAccountDirectory, StoreBindingStore } from '../registrar/index.ts';
import { waitFor } from './b2bua-sipp.test-support.ts';
import { StoreCarrierDirectory } from './carrier-directory.ts';
import { ChannelRegistry } from './channel-registry.ts';
import { StoreCallDirectory } from './store-call-directory.ts';

const ACCOUNTS = [
  { number: '100', username: '100-ACME', password: 'acme-100-secret' },
  { number: '101', username: '101-ACME', password: 'acme-101-secret' },
] as const;
/** The node's main address as configured: a documentation address no phone here can reach. */
const NODE_ADDRESS = '203.0.113.7';

let dir = '';
let store: Store;
let node: PbxNode;
let relay: MediaRelay;
const phones: SipPhone[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'callgrid-media-address-'));
  store = openStore(`sqlite:${join(dir, 'callgrid.db')}`);
  await store.migrate();
  const tenant = await store.tenants.create({ te_code: 'ACME', te_name: 'Acme' }, '2026-01-01 00:00:00');
  for (const account of ACCOUNTS) await store.objects('extension').insert(tenant.te_id, { ex_number: account.number, ex_username: account.username, ex_secret: account.password, ex_tech: 'PJSIP', ex_name: account.number });
  const accounts = new StoreAccountDirectory(store, systemClock, { realm: 'callgrid', domains: [], tenantCacheMs: 0 });
  const bindings = new StoreBindingStore(store.registrations);
  const portMin = 10_000 + 2 * Math.floor(Math.random() * 9_000);
  relay = MediaRelay.create({ host: '0.0.0.0', portMin, portMax: portMin + 19, inactivityMs: 5000, clock: systemClock, logger: silentLogger });
  node = await PbxNode.start(
    {
      accounts, domains: accounts, bindings, clock: systemClock, logger: silentLogger,
      calls: { directory: new StoreCallDirectory(store, bindings, systemClock), routing: new StoreRoutingDirectory(store), carriers: new StoreCarrierDirectory(store, systemClock, 0), channels: new ChannelRegistry(), relay, cdrs: new CdrWriter(store.cdrs, silentLogger) },
    },
    { nodeName: 'node-t', host: '0.0.0.0', port: 0, realm: 'callgrid', nonceSecret: 'media address test: nonce secret', digestAlgorithms: ['MD5'], qualifyIntervalMs: 3_600_000, ban: { maxFailures: 1000, windowMs: 60_000, banMs: 1000, trusted: [] }, userAgent: 'callgrid-test', ringTimeoutMs: 10_000, mediaAddress: NODE_ADDRESS, mediaAddressFromFlow: true },
  );
});

after(async () => {
  for (const phone of phones) phone.close();
  node?.b2bua.hangupAll('test-cleanup');
  await waitFor(() => node?.b2bua.activeCalls === 0);
  await node?.stop();
  relay?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

test("on a wildcard bind the caller's SDP names the address its INVITE reached, the callee's offer the one its REGISTER reached", async () => {
  const port = node.stack.localEndpoint('udp')?.port ?? 0;
  const [caller, callee] = await Promise.all(ACCOUNTS.map((account) => SipPhone.open(account, port)));
  assert.ok(caller && callee);
  phones.push(caller, callee);
  await caller.register();
  await callee.register();
  const calling = caller.call('101');
  const rung = await callee.answer();
  const dialog = await calling;
  assert.equal(dialog.media.address, '127.0.0.1', 'the caller reached the node on loopback and is answered with it');
  assert.ok(dialog.media.port > 0);
  assert.equal(rung.media.address, '127.0.0.1', "the callee registered over loopback and is offered loopback, not the node's main address");
  assert.notEqual(NODE_ADDRESS, '127.0.0.1');
  // The callee's own re-INVITE (a hold) is answered at the address it was offered.
  const held = await callee.hold(rung);
  assert.equal(held.status, 200);
  assert.match(held.body, /c=IN IP4 127\.0\.0\.1/);
});
