// The relay worker killed alone (issue 15, "a worker that dies is replaced"): an in-process node with the threaded
// relay (the one `callgrid start` runs), two SIPp phones on loopback (100 calls 101, 101 answers), the call up, then
// ThreadedMediaRelay.killWorker(). Every session of the dead worker is reported lost, which hangs its call up: both
// phones must get BYE, the CDR row must be written, and the next call must work on a new worker.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSipp, skipWithoutSipp } from '../../../test/support/sipp.ts';
import { ThreadedMediaRelay } from '../../media/index.ts';
import { silentLogger, systemClock } from '../../shared/index.ts';
import { openStore, type Store } from '../../store/index.ts';
import { CdrWriter } from '../cdr/index.ts';
import { StoreAccountDirectory, StoreBindingStore } from '../registrar/index.ts';
import { PbxNode } from '../pbx-node.ts';
import { ChannelRegistry } from '../calls/channel-registry.ts';
import { StoreCallDirectory } from '../calls/store-call-directory.ts';
import { StoreCarrierDirectory } from '../calls/carrier-directory.ts';
import { StoreRoutingDirectory } from '../dialplan/index.ts';
import { CALLEE, CALLER, TENANT, freeUdpPort, waitFor } from '../calls/b2bua-sipp.test-support.ts';
import { byeReceived, callerAnswered, callerBye, callerSdp, calleeAnswers, calleeRings, challengedInvite, scenario } from '../calls/b2bua-scenarios.test-support.ts';

const T = { skip: skipWithoutSipp('the relay worker loss test'), timeout: 60_000 };

let dir: string;
let store: Store;
let tenantId: number;
let relay: ThreadedMediaRelay;
let node: PbxNode;
let channels: ChannelRegistry;
let uasPort: number;

const BOUNDS = ['-nostdin', '-timeout', '20s', '-timeout_error', '-recv_timeout', '12000', '-t', 'u1', '-i', '127.0.0.1', '-mi', '127.0.0.1', '-m', '1'];
const sipp = (name: string, xml: string, args: string[]) => {
  writeFileSync(join(dir, name), xml);
  return runSipp(['-sf', name, ...BOUNDS, ...args], dir, 25_000);
};
const pbx = () => `127.0.0.1:${String(node.stack.localEndpoint('udp')?.port ?? 0)}`;

function register(): string {
  const request = (cseq: number, auth: string) => `<![CDATA[
      REGISTER sip:127.0.0.1 SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: <sip:${CALLEE.username}@127.0.0.1>;tag=[pid]reg
      To: <sip:${CALLEE.username}@127.0.0.1>
      Call-ID: [call_id]
      CSeq: ${String(cseq)} REGISTER
      Contact: <sip:${CALLEE.username}@[local_ip]:[local_port]>
      Expires: 3600${auth}
      Max-Forwards: 70
      Content-Length: 0

    ]]>`;
  return scenario('register-101', [
    `  <send retrans="500">${request(1, '')}</send>`,
    '  <recv response="401" auth="true" />',
    `  <send retrans="500">${request(2, `\n      [authentication username=${CALLEE.username} password=${CALLEE.password}]`)}</send>`,
    '  <recv response="200" />',
  ]);
}

before(async () => {
  if (T.skip !== false) return;
  dir = mkdtempSync(join(tmpdir(), 'callgrid-relay-loss-'));
  store = openStore(`sqlite:${join(dir, 'callgrid.db')}`);
  await store.migrate();
  tenantId = (await store.tenants.create({ te_code: TENANT, te_name: 'Acme' }, '2026-01-01 00:00:00')).te_id;
  for (const ext of [CALLER, CALLEE]) await store.objects('extension').insert(tenantId, { ex_number: ext.number, ex_username: ext.username, ex_secret: ext.password, ex_tech: 'PJSIP', ex_name: ext.name });
  const accounts = new StoreAccountDirectory(store, systemClock, { realm: 'callgrid', domains: [], tenantCacheMs: 0 });
  const bindings = new StoreBindingStore(store.registrations);
  channels = new ChannelRegistry();
  const portMin = 10_000 + 2 * Math.floor(Math.random() * 9_000);
  // A long RTP timeout: only the dead worker may end the call (no phone sends RTP here).
  relay = new ThreadedMediaRelay({ host: '127.0.0.1', portMin, portMax: portMin + 39, inactivityMs: 120_000, logger: silentLogger });
  node = await PbxNode.start(
    { accounts, domains: accounts, bindings, clock: systemClock, logger: silentLogger, calls: { directory: new StoreCallDirectory(store, bindings, systemClock), routing: new StoreRoutingDirectory(store), carriers: new StoreCarrierDirectory(store, systemClock, 0), channels, relay, cdrs: new CdrWriter(store.cdrs, silentLogger) } },
    { nodeName: 'node-w', host: '127.0.0.1', port: 0, realm: 'callgrid', nonceSecret: 'relay loss test: nonce secret bytes', digestAlgorithms: ['MD5'], qualifyIntervalMs: 3_600_000, ban: { maxFailures: 1000, windowMs: 60_000, banMs: 1000, trusted: [] }, userAgent: 'callgrid-test' },
  );
  uasPort = await freeUdpPort();
  const registered = await sipp('register.xml', register(), [pbx(), '-p', String(uasPort)]);
  assert.equal(registered.code, 0, registered.output);
});

after(async () => {
  if (T.skip !== false) return;
  await node.stop();
  await relay.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const answered = () => channels.list(tenantId).filter((c) => c.state === 'Up').length === 2;
const cdrRows = () => store.cdrs.list({ tenantIds: [tenantId], from: '2000-01-01 00:00:00' });

test('the relay worker killed mid-call: both phones get BYE, the CDR row is written ANSWERED, the next call works', T, async () => {
  const [uasMedia, uacMedia] = [await freeUdpPort(), await freeUdpPort()];
  const callee = sipp('uas.xml', scenario('callee-waits-bye', [...calleeRings(), ...calleeAnswers(), ...byeReceived()]), ['-p', String(uasPort), '-mp', String(uasMedia)]);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const caller = sipp('uac.xml', scenario('caller-waits-bye', [...challengedInvite({ body: callerSdp() }), ...callerAnswered(), ...byeReceived()]), [pbx(), '-p', String(await freeUdpPort()), '-mp', String(uacMedia)]);
  assert.ok(await waitFor(answered, 10_000), 'the call was not answered');

  await relay.killWorker();
  const [uas, uac] = await Promise.all([callee, caller]);
  assert.equal(uas.code, 0, `the callee got no BYE: ${uas.output.slice(-1500)}`);
  assert.equal(uac.code, 0, `the caller got no BYE: ${uac.output.slice(-1500)}`);
  assert.ok(await waitFor(() => channels.list(tenantId).length === 0, 5_000), 'channels left after the hang-up');
  let rows = await cdrRows();
  assert.ok(await waitFor(async () => (rows = await cdrRows()).length === 1, 5_000), `CDR rows: ${rows.length}`);
  assert.equal(rows[0]?.disposition, 'ANSWERED');

  // A new worker takes the next call: the relay is replaced, not gone.
  const again = await Promise.all([
    sipp('uas2.xml', scenario('callee-answers', [...calleeRings(), ...calleeAnswers(), ...byeReceived()]), ['-p', String(uasPort), '-mp', String(uasMedia)]),
    new Promise((resolve) => setTimeout(resolve, 300)).then(async () => sipp('uac2.xml', scenario('caller-hangs-up', [...challengedInvite({ body: callerSdp() }), ...callerAnswered(), ...callerBye(3)]), [pbx(), '-p', String(await freeUdpPort()), '-mp', String(uacMedia)])),
  ]);
  assert.deepEqual(again.map((r) => r.code), [0, 0], again.map((r) => r.output.slice(-800)).join('\n---\n'));
  assert.ok(await waitFor(async () => (await cdrRows()).length === 2, 5_000), 'the second call has its CDR');
});

test('the CDR of a call ended by the dead worker says so', T, async () => {
  // The call cut by the dead worker says so; the next call, ended by its caller, does not.
  const marked = (await cdrRows()).map((row) => (row.userfield ?? '').includes('[media-worker-stopped]'));
  assert.deepEqual(marked.sort(), [false, true]);
});
