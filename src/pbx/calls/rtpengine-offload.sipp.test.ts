// Plain calls handed to a real rtpengine (Debian rtpengine-daemon, userspace) between two SIPp phones on loopback:
// each phone's SDP names rtpengine's ports (not the relay's), RTP flows through rtpengine both ways, and the BYE
// deletes the call there. A recorded call stays on the built-in relay, and so does every call while rtpengine is down.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runSipp, skipWithoutSipp } from '../../../test/support/sipp.ts';
import { skipWithoutRtpengine, startRtpengine, type RunningRtpengine } from '../../../test/support/rtpengine.ts';
import { encodeMulaw, MediaRelay, NgClient, type NgDictionary } from '../../media/index.ts';
import { silentLogger, systemClock } from '../../shared/index.ts';
import { openStore, type Store } from '../../store/index.ts';
import { CdrWriter } from '../cdr/index.ts';
import { StoreRoutingDirectory } from '../dialplan/index.ts';
import { PbxNode } from '../pbx-node.ts';
import { StoreAccountDirectory, StoreBindingStore } from '../registrar/index.ts';
import { freeUdpPort, registerScenario, sleep, waitFor } from './b2bua-sipp.test-support.ts';
import { byeReceived, callerAnswered, callerBye, callerCancels, callerReinvite, callerSdp, calleeAnswers, calleeCancelled, calleeRings, challengedInvite, pause, playRtp, scenario } from './b2bua-scenarios.test-support.ts';
import { StoreCarrierDirectory } from './carrier-directory.ts';
import { ChannelRegistry } from './channel-registry.ts';
import { MediaOffload, OffloadingRelay } from './media-offload.ts';
import { StoreCallDirectory } from './store-call-directory.ts';
import { StoreRecordingSettings } from './store-recording-settings.ts';

const SKIP = skipWithoutSipp('rtpengine offload tests') || skipWithoutRtpengine('rtpengine offload tests');
const T = { skip: SKIP, timeout: 40_000 };
const CALLEE = { number: '101', username: '101-ACME', password: 'acme-101-secret' };
const BOUNDS = ['-nostdin', '-timeout', '14s', '-timeout_error', '-recv_timeout', '8000', '-t', 'u1', '-i', '127.0.0.1', '-mi', '127.0.0.1', '-m', '1'];

let dir: string;
let store: Store;
let node: PbxNode;
let relay: MediaRelay;
let relayRange: { min: number; max: number };
let relaySessions = 0;
let offload: MediaOffload;
let channels: ChannelRegistry;
let rtpengine: RunningRtpengine;
/** The test's own ng client: what rtpengine holds (list, query), apart from the node's. */
let probe: NgClient;
let tenantId: number;
let pbx: string;
const uasPort = { value: 0 };

before(async () => {
  if (SKIP) return;
  dir = mkdtempSync(join(tmpdir(), 'callgrid-rtpengine-offload-'));
  rtpengine = await startRtpengine();
  store = openStore(`sqlite:${join(dir, 'callgrid.db')}`);
  await store.migrate();
  tenantId = (await store.tenants.create({ te_code: 'ACME', te_name: 'Acme' }, '2026-01-01 00:00:00')).te_id;
  await store.objects('extension').insert(tenantId, { ex_number: '100', ex_username: '100-ACME', ex_secret: 'acme-100-secret', ex_tech: 'PJSIP', ex_name: 'Alice' });
  await store.objects('extension').insert(tenantId, { ex_number: CALLEE.number, ex_username: CALLEE.username, ex_secret: CALLEE.password, ex_tech: 'PJSIP', ex_name: 'Bob' });
  // Offloading needs the settings to say the call is not recorded and cannot be switched on (offload-decision.ts).
  await store.settings.set(tenantId, 'RECORDING', 'no');
  const accounts = new StoreAccountDirectory(store, systemClock, { realm: 'callgrid', domains: [], tenantCacheMs: 0 });
  const bindings = new StoreBindingStore(store.registrations);
  const portMin = 12_000 + 2 * Math.floor(Math.random() * 7_000);
  relayRange = { min: portMin, max: portMin + 39 };
  relay = MediaRelay.create({ host: '127.0.0.1', portMin, portMax: relayRange.max, inactivityMs: 5000, clock: systemClock, logger: silentLogger });
  const open = relay.openSession.bind(relay);
  relay.openSession = async () => {
    relaySessions++;
    return open();
  };
  const directory = new StoreCallDirectory(store, bindings, systemClock, 0);
  const routing = new StoreRoutingDirectory(store);
  const client = await NgClient.open({ host: '127.0.0.1', port: rtpengine.ngPort }, { timeoutMs: 300, retries: 1 });
  offload = new MediaOffload(client, { extensions: directory, forwarding: routing }, silentLogger);
  channels = new ChannelRegistry();
  probe = await NgClient.open({ host: '127.0.0.1', port: rtpengine.ngPort });
  node = await PbxNode.start(
    {
      accounts, domains: accounts, bindings, clock: systemClock, logger: silentLogger,
      calls: { directory, routing, carriers: new StoreCarrierDirectory(store, systemClock, 0), channels, relay: new OffloadingRelay(relay, offload), cdrs: new CdrWriter(store.cdrs, silentLogger) },
    },
    {
      nodeName: 'node-o', host: '127.0.0.1', port: 0, realm: 'callgrid', nonceSecret: 'offload sipp test: nonce secret', digestAlgorithms: ['MD5'],
      qualifyIntervalMs: 3_600_000, ban: { maxFailures: 1000, windowMs: 60_000, banMs: 1000, trusted: [] }, userAgent: 'callgrid-test', ringTimeoutMs: 5000,
      recordings: { pathFor: (tenant, uniqueId) => join(dir, 'recordings', String(tenant), `${uniqueId}.wav`), settings: new StoreRecordingSettings(store) },
    },
  );
  pbx = `127.0.0.1:${String(node.stack.localEndpoint('udp')?.port ?? 0)}`;
  uasPort.value = await freeUdpPort();
  // 1.5 s of a 1 kHz tone in PCMU for the caller's rtp_stream.
  writeFileSync(join(dir, 'tone.ulaw'), encodeMulaw(new Int16Array(12_000).map((_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 1000 * i) / 8000)))));
  const registered = await sipp('register.xml', registerScenario(CALLEE), ['-p', String(uasPort.value)]);
  assert.equal(registered.code, 0, registered.output.slice(-2000));
});

after(async () => {
  await node?.stop();
  await offload?.close();
  probe?.close();
  relay?.close();
  await rtpengine?.stop();
  await store?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

let runs = 0;
function sipp(name: string, xml: string, extra: string[]): Promise<{ code: number | null; output: string }> {
  const file = `${String(++runs)}-${name}`;
  writeFileSync(join(dir, file), xml);
  return runSipp([pbx, '-sf', file, ...BOUNDS, ...extra], dir, 25_000);
}

/** The ports each phone was given, from SIPp's log actions (the callee's offer, the caller's answer), and its own. */
interface CallPorts {
  readonly calleeOffer: number;
  readonly callerAnswer: number;
  /** The caller's -mp port: what a re-INVITE of callerReinvite names. */
  readonly callerMediaPort: number;
}

/** The callee's steps: the INVITE (its offered port logged), 180, 200, then the PBX's BYE. */
function calleeSteps(): string[] {
  return [
    ...calleeRings().map((step) => step.replace('assign_to="pbxfrom" />', 'assign_to="pbxfrom" /><ereg regexp="m=audio ([0-9]+) RTP/AVP" search_in="body" check_it="true" assign_to="cline,cport" /><log message="offer [$cport] in [$cline]" />')),
    ...calleeAnswers(),
    ...byeReceived(),
  ];
}

/**
 * The caller takes the PBX's re-INVITE (connected line after a transfer: it offers what the caller has) and later
 * hangs up with the To of the PBX's first 200, since SIPp's [last_To:] is by then the re-INVITE's.
 */
const reinvitedThenBye = (holdMs: number): string[] => [
  '  <recv request="INVITE" timeout="8000" />',
  `  <send><![CDATA[\nSIP/2.0 200 OK\n[last_Via:]\n[last_From:]\n[last_To:]\n[last_Call-ID:]\n[last_CSeq:]\nContact: <sip:100-ACME@[local_ip]:[local_port]>\nContent-Type: application/sdp\nContent-Length: [len]\n\n${callerSdp({ rtpstream: true })}\n]]></send>`,
  '  <recv request="ACK" />',
  pause(holdMs),
];
const byeWithSavedTo = [
  `  <send retrans="500"><![CDATA[\nBYE sip:callgrid@[remote_ip]:[remote_port] SIP/2.0\nVia: SIP/2.0/[transport] [local_ip]:[local_port];branch=z9hG4bK[pid]c[call_number]b3;rport\nFrom: "Alice" <sip:100-ACME@[remote_ip]>;tag=[pid]uac[call_number]\nTo:[$pbxto]\nCall-ID: [call_id]\nCSeq: 3 BYE\nMax-Forwards: 70\nContent-Length: 0\n\n]]></send>`,
  '  <recv response="200" />',
];

/** SIPp's rtp_stream of the tone, looped until the call ends (the BYE stops it). */
const loopTone = '  <nop><action><exec rtp_stream="tone.ulaw,-1,0" /></action></nop>';

/**
 * 100 calls 101; 101 echoes the RTP it gets (-rtp_echo) and 100 plays a tone, runs `middle` (default: a pause of
 * `holdMs`) and hangs up. `during` runs while the phones do.
 */
async function call(options: { holdMs?: number; middle?: string[]; bye?: string[]; callerMediaPort?: number; during?: () => Promise<void> }): Promise<CallPorts> {
  const n = ++runs;
  const calleeLog = join(dir, `callee-${n}.log`);
  const callerLog = join(dir, `caller-${n}.log`);
  const middle = options.middle ?? [pause(options.holdMs ?? 800)];
  const caller = scenario('caller', [
    ...challengedInvite({ body: callerSdp({ rtpstream: true }) }),
    ...callerAnswered().map((step) => step.replace('<ereg regexp="m=audio [0-9]+ RTP/AVP" search_in="body" check_it="true" assign_to="junk" />', '<ereg regexp="m=audio ([0-9]+) RTP/AVP" search_in="body" check_it="true" assign_to="aline,aport" /><log message="answer [$aport] in [$aline]" /><ereg regexp=".*" search_in="hdr" header="To:" assign_to="pbxto" />')),
    playRtp('tone.ulaw'),
    ...middle,
    ...(options.bye ?? callerBye(middle.some((step) => step.includes('INVITE')) ? 4 : 3)),
  ]);
  const callerMediaPort = options.callerMediaPort ?? (await freeUdpPort());
  const uas = sipp('uas.xml', scenario('callee', calleeSteps()), ['-p', String(uasPort.value), '-mp', String(await freeUdpPort()), '-rtp_echo', '-trace_logs', '-log_file', calleeLog]);
  await sleep(300);
  const uac = sipp('uac.xml', caller, ['-mp', String(callerMediaPort), '-trace_logs', '-log_file', callerLog]);
  await options.during?.();
  const [a, b] = await Promise.all([uac, uas]);
  assert.equal(a.code, 0, `caller: ${a.output.slice(-3000)}`);
  assert.equal(b.code, 0, `callee: ${b.output.slice(-3000)}`);
  return { calleeOffer: loggedPort(calleeLog), callerAnswer: loggedPort(callerLog), callerMediaPort };
}

/** The port a scenario's log action wrote (NaN when none was logged, which fails the test's comparisons). */
function loggedPort(file: string): number {
  return Number(/(?:offer|answer) \[?(\d+)/.exec(existsSync(file) ? readFileSync(file, 'utf8') : '')?.[1]);
}

/** rtpengine's call ids now (ng `list`). */
async function rtpengineCalls(): Promise<string[]> {
  const listed = await probe.request('list');
  assert.ok(listed.ok, JSON.stringify(!listed.ok && listed.error));
  const calls = listed.value.calls;
  return Array.isArray(calls) ? calls.filter((id): id is string => typeof id === 'string') : [];
}

/** Monologue `tag`'s first RTP stream in a `query` answer: its local port, the peer it sends to, packets received. */
function streamOf(query: NgDictionary, tag: string): { localPort: number; endpointPort: number; packets: number } {
  const tags = query.tags as Record<string, { medias: Array<{ streams: Array<Record<string, unknown>> }> }>;
  const stream = tags[tag]?.medias[0]?.streams[0] ?? {};
  const endpoint = stream.endpoint as { port?: number } | undefined;
  const stats = stream.stats as { packets?: number } | undefined;
  return { localPort: Number(stream['local port']), endpointPort: Number(endpoint?.port), packets: Number(stats?.packets) };
}

test('a plain call goes through rtpengine: both phones see its ports, RTP flows both ways, the BYE deletes it', T, async () => {
  const before = { offloaded: offload.counts.offloaded, relay: relaySessions };
  let seen: { id: string; a: ReturnType<typeof streamOf>; b: ReturnType<typeof streamOf> } | undefined;
  const ports = await call({ holdMs: 2500, during: async () => {
    // While the call is up: rtpengine holds it, and after a moment packets have come from both phones.
    assert.ok(await waitFor(async () => (await rtpengineCalls()).length === 1, 6000), 'rtpengine never held the call');
    const [id = ''] = await rtpengineCalls();
    await waitFor(async () => {
      const state = await probe.request('query', { 'call-id': id });
      if (!state.ok) return false;
      seen = { id, a: streamOf(state.value, 'a'), b: streamOf(state.value, 'b') };
      return seen.a.packets > 10 && seen.b.packets > 10;
    }, 4000);
  } });
  assert.equal(offload.counts.offloaded, before.offloaded + 1);
  assert.equal(relaySessions, before.relay, 'the built-in relay opened a session for an offloaded call');
  assert.ok(seen !== undefined);
  // Each phone was given rtpengine's port for its side, outside the relay's range.
  assert.equal(ports.callerAnswer, seen.a.localPort);
  assert.equal(ports.calleeOffer, seen.b.localPort);
  for (const port of [ports.callerAnswer, ports.calleeOffer]) {
    assert.ok(port >= rtpengine.portMin && port <= rtpengine.portMax, `${port} is not rtpengine's`);
    assert.ok(port < relayRange.min || port > relayRange.max);
  }
  // The caller's tone reached rtpengine and the callee's echo of it came back through rtpengine.
  assert.ok(seen.a.packets > 10, `packets from the caller: ${seen.a.packets}`);
  assert.ok(seen.b.packets > 10, `packets echoed by the callee: ${seen.b.packets}`);
  // The BYE ended the call on rtpengine too.
  assert.ok(await waitFor(async () => (await rtpengineCalls()).length === 0, 3000), 'the call is still on rtpengine');
  const gone = await probe.request('query', { 'call-id': seen.id });
  assert.equal(!gone.ok && gone.error.kind, 'error');
  assert.ok(await waitFor(() => offload.liveCount === 0, 3000), `${offload.liveCount} offloaded calls still live`);
  // Its CDR is the same as a relayed call's.
  assert.ok(await waitFor(async () => (await store.cdrs.list({ tenantIds: [tenantId] })).length >= 1, 3000));
  const [cdr] = await store.cdrs.list({ tenantIds: [tenantId] });
  assert.equal(cdr?.disposition, 'ANSWERED');
});

test('a call cancelled while it rings is deleted on rtpengine', T, async () => {
  const before = offload.counts.offloaded;
  const uas = sipp('uas-cancel.xml', scenario('callee', [...calleeRings(), ...calleeCancelled(8000)]), ['-p', String(uasPort.value), '-mp', String(await freeUdpPort())]);
  await sleep(300);
  const uac = await sipp('uac-cancel.xml', scenario('caller', [...challengedInvite({ body: callerSdp() }), ...callerCancels()]), ['-mp', String(await freeUdpPort())]);
  const callee = await uas;
  assert.equal(uac.code, 0, `caller: ${uac.output.slice(-3000)}`);
  assert.equal(callee.code, 0, `callee: ${callee.output.slice(-3000)}`);
  assert.equal(offload.counts.offloaded, before + 1);
  assert.ok(await waitFor(async () => (await rtpengineCalls()).length === 0 && offload.liveCount === 0, 3000), 'the cancelled call is still on rtpengine');
});

test('a hold re-INVITE from the caller is answered by the PBX and re-offered to rtpengine (its new address)', T, async () => {
  let endpoint: number | undefined;
  const callerMediaPort = await freeUdpPort();
  await call({
    callerMediaPort,
    middle: [pause(300), ...callerReinvite(3, 'sendonly', 'recvonly'), pause(1200)],
    during: async () => {
      assert.ok(await waitFor(async () => (await rtpengineCalls()).length === 1, 6000), 'rtpengine never held the call');
      const [id = ''] = await rtpengineCalls();
      // The re-INVITE names the caller's -mp port instead of its rtp_stream port: rtpengine must now send there.
      await waitFor(async () => {
        const state = await probe.request('query', { 'call-id': id });
        endpoint = state.ok ? streamOf(state.value, 'a').endpointPort : undefined;
        return endpoint === callerMediaPort;
      }, 5000);
    },
  });
  assert.equal(endpoint, callerMediaPort);
  assert.ok(await waitFor(async () => (await rtpengineCalls()).length === 0, 3000), 'the call is still on rtpengine');
});

test('a blind transfer of an offloaded call re-offers rtpengine to the new party', T, async () => {
  // 102 registers from a port of its own; 100 calls 101, and 100's channel is transferred to 102 (API TRANSFER).
  const other = { port: await freeUdpPort(), mediaPort: await freeUdpPort() };
  await store.objects('extension').insert(tenantId, { ex_number: '102', ex_username: '102-ACME', ex_secret: 'acme-102-secret', ex_tech: 'PJSIP', ex_name: 'Carol' });
  const registered = await sipp('register-102.xml', registerScenario({ username: '102-ACME', password: 'acme-102-secret' }), ['-p', String(other.port)]);
  assert.equal(registered.code, 0, registered.output.slice(-2000));
  const n = ++runs;
  const targetLog = join(dir, `target-${n}.log`);
  const target = sipp('uas-102.xml', scenario('target', calleeSteps()), ['-p', String(other.port), '-mp', String(other.mediaPort), '-rtp_echo', '-trace_logs', '-log_file', targetLog]);
  let transferred: string | undefined = 'not tried';
  let seen: ReturnType<typeof streamOf> | undefined;
  await call({
    middle: [loopTone, ...reinvitedThenBye(2500)],
    bye: byeWithSavedTo,
    during: async () => {
      assert.ok(await waitFor(async () => (await rtpengineCalls()).length === 1, 6000), 'rtpengine never held the call');
      const [id = ''] = await rtpengineCalls();
      await sleep(500);
      const caller = channels.list(tenantId).find((channel) => channel.account === '100-ACME');
      transferred = await channels.control(caller?.name ?? '')?.blindTransfer('102');
      // rtpengine's side b now sends to 102's media port, and 102's echo comes back through it.
      await waitFor(async () => {
        const state = await probe.request('query', { 'call-id': id });
        seen = state.ok ? streamOf(state.value, 'b') : undefined;
        return seen?.endpointPort === other.mediaPort && seen.packets > 60;
      }, 4000);
    },
  });
  const done = await target;
  assert.equal(done.code, 0, `102: ${done.output.slice(-3000)}`);
  assert.equal(transferred, undefined);
  assert.equal(seen?.endpointPort, other.mediaPort);
  // 102 was offered rtpengine's callee-facing port, the one 101 had.
  assert.equal(loggedPort(targetLog), seen?.localPort);
  assert.ok(await waitFor(async () => (await rtpengineCalls()).length === 0, 3000), 'the call is still on rtpengine');
});

test('a call with recording on stays on the built-in relay', T, async () => {
  await store.settings.set(tenantId, 'RECORDING', 'yes');
  try {
    const before = { offloaded: offload.counts.offloaded, relay: relaySessions };
    const ports = await call({ holdMs: 800 });
    assert.equal(offload.counts.offloaded, before.offloaded);
    assert.equal(relaySessions, before.relay + 1);
    assert.ok(ports.callerAnswer >= relayRange.min && ports.callerAnswer <= relayRange.max, `caller got ${ports.callerAnswer}`);
    assert.ok(ports.calleeOffer >= relayRange.min && ports.calleeOffer <= relayRange.max, `callee got ${ports.calleeOffer}`);
    assert.deepEqual(await rtpengineCalls(), []);
  } finally {
    await store.settings.set(tenantId, 'RECORDING', 'no');
  }
});

test('while rtpengine is down, a plain call falls back to the built-in relay', T, async () => {
  await rtpengine.stop();
  const before = { fallbacks: offload.counts.fallbacks, relay: relaySessions };
  const ports = await call({ holdMs: 800 });
  assert.equal(offload.counts.fallbacks, before.fallbacks + 1);
  assert.equal(relaySessions, before.relay + 1);
  assert.ok(ports.callerAnswer >= relayRange.min && ports.callerAnswer <= relayRange.max, `caller got ${ports.callerAnswer}`);
});
