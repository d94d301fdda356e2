// Plain calls handed to a real rtpengine (Debian rtpengine-daemon, userspace) between two SIPp phones on loopback:
// each phone's SDP names rtpengine's ports (not the relay's), RTP flows through rtpengine both ways, and the BYE
// deletes the call there. A recorded call stays on the built-in relay, and so does every call while rtpengine is down.
// An offloaded call whose media stops is hung up after the node's RTP timeout, as a relayed one is. A phone's own
// attended transfer (REFER with Replaces) of two offloaded calls moves both back to the relay and joins the parties;
// a blind transfer (REFER without Replaces, API TRANSFER) to a destination that needs the PBX's media moves the caller.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runSipp, skipWithoutSipp } from '../../../test/support/sipp.ts';
import { SipPhone, type PhoneDialog } from '../../../test/support/sip-phone.ts';
import { SipText } from '../../../test/support/sip-text.ts';
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
import { answerUpdate, nextUpdate } from './connected-line.test-support.ts';
import { ChannelRegistry } from './channel-registry.ts';
import { MediaOffload, OffloadingRelay } from './media-offload.ts';
import { StoreCallDirectory } from './store-call-directory.ts';
import { StoreRecordingSettings } from './store-recording-settings.ts';

const SKIP = skipWithoutSipp('rtpengine offload tests') || skipWithoutRtpengine('rtpengine offload tests');
const T = { skip: SKIP, timeout: 40_000 };
const CALLEE = { number: '101', username: '101-ACME', password: 'acme-101-secret' };
/** The offloaded calls' RTP timeout here (the node's CALLGRID_RTP_TIMEOUT_SECONDS); the relay's is longer (5 s). */
const OFFLOAD_INACTIVITY_MS = 3000;
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
  offload = new MediaOffload(client, { extensions: directory, forwarding: routing }, silentLogger, { inactivityMs: OFFLOAD_INACTIVITY_MS });
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

test('an offloaded call whose media stops is hung up after the RTP timeout: BYE to both (rtp-timeout), CDR, deleted', T, async () => {
  const before = { offloaded: offload.counts.offloaded, relay: relaySessions, cdrs: (await store.cdrs.list({ tenantIds: [tenantId] })).length };
  // 101 echoes what it gets; 100 plays its tone once (1.5 s) and then sends nothing: media stops both ways. Neither
  // hangs up: each waits for the PBX's BYE, and 101's must say why (Reason: Q.850 cause 16, text rtp-timeout).
  const byeWithReason = [
    '  <recv request="BYE"><action><ereg regexp="Q.850;cause=16;text=.rtp-timeout." search_in="hdr" header="Reason:" check_it="true" assign_to="reason" /></action></recv>',
    ...byeReceived().slice(1),
  ];
  const uas = sipp('uas-silent.xml', scenario('callee', [...calleeRings(), ...calleeAnswers(), ...byeWithReason]), ['-p', String(uasPort.value), '-mp', String(await freeUdpPort()), '-rtp_echo']);
  await sleep(300);
  const uac = sipp('uac-silent.xml', scenario('caller', [...challengedInvite({ body: callerSdp({ rtpstream: true }) }), ...callerAnswered(), playRtp('tone.ulaw'), ...byeReceived()]), ['-mp', String(await freeUdpPort())]);
  assert.ok(await waitFor(async () => (await rtpengineCalls()).length === 1, 6000), 'rtpengine never held the call');
  const answeredAt = Date.now();
  const [id = ''] = await rtpengineCalls();
  // Media flowed through rtpengine first: it is the stop that ends the call, not a call that never had any.
  let packets = 0;
  await waitFor(async () => {
    const state = await probe.request('query', { 'call-id': id });
    packets = state.ok ? streamOf(state.value, 'a').packets + streamOf(state.value, 'b').packets : 0;
    return packets > 40;
  }, 3000);
  assert.ok(packets > 40, `packets through rtpengine: ${packets}`);
  assert.ok(await waitFor(async () => (await rtpengineCalls()).length === 0, 10_000), 'the silent call is still on rtpengine');
  const endedAfter = Date.now() - answeredAt;
  const [caller, callee] = await Promise.all([uac, uas]);
  assert.equal(caller.code, 0, `caller: ${caller.output.slice(-3000)}`);
  assert.equal(callee.code, 0, `callee: ${callee.output.slice(-3000)}`);
  assert.equal(offload.counts.offloaded, before.offloaded + 1);
  assert.equal(relaySessions, before.relay, 'the call was on the relay, whose own timeout is longer');
  // The tone (1.5 s), then the timeout, then at most a poll or two of rtpengine and the BYEs.
  assert.ok(endedAfter >= 1500 + OFFLOAD_INACTIVITY_MS - 500, `ended ${endedAfter} ms after the answer`);
  assert.ok(endedAfter <= 1500 + OFFLOAD_INACTIVITY_MS + 3000, `ended ${endedAfter} ms after the answer`);
  assert.ok(await waitFor(() => offload.liveCount === 0, 3000), `${offload.liveCount} offloaded calls still live`);
  // The CDR is a relayed timeout's: answered, billed for the time the call was up.
  assert.ok(await waitFor(async () => (await store.cdrs.list({ tenantIds: [tenantId] })).length > before.cdrs, 3000), 'no CDR');
  const cdr = (await store.cdrs.list({ tenantIds: [tenantId] })).at(-1);
  assert.equal(cdr?.disposition, 'ANSWERED');
  assert.equal(cdr?.peeraccount, CALLEE.username);
  assert.ok((cdr?.billsec ?? 0) >= 4 && (cdr?.billsec ?? 0) <= 9, `billsec ${String(cdr?.billsec)}`);
});

/** `from` calls `to`'s number; both dialogs once answered, each phone talking on it with its own payload byte. */
async function connect(from: SipPhone, fromMark: number, to: SipPhone, toMark: number): Promise<{ caller: PhoneDialog; callee: PhoneDialog }> {
  const answered = to.answer();
  const caller = await from.call(to.account.number);
  const callee = await answered;
  from.talk(caller, fromMark);
  to.talk(callee, toMark);
  return { caller, callee };
}

/** The PBX's re-INVITE on `dialog`, answered by the phone, which then sends its RTP where the re-INVITE says. */
async function takeReinvite(phone: SipPhone, dialog: PhoneDialog): Promise<number> {
  const reinvite = await nextUpdate(phone, dialog.callId);
  dialog.media = SipText.mediaOf(reinvite.body);
  await answerUpdate(phone, reinvite, node.stack.localEndpoint('udp')?.port ?? 0);
  return dialog.media.port;
}

/** The PBX's re-INVITE on `dialog`, refused 488 by the phone (from a socket of its own: matched by its Via branch). */
async function refuseReinvite(phone: SipPhone, dialog: PhoneDialog): Promise<void> {
  const reinvite = await nextUpdate(phone, dialog.callId);
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => socket.send(SipText.serialize(SipText.response(reinvite, 488, 'Not Acceptable Here')), node.stack.localEndpoint('udp')?.port ?? 0, '127.0.0.1', (error) => (error ? reject(error) : resolve())));
  socket.close();
}

/** Extensions A, X and C (numbers `first`, +1, +2) and a scripted phone of each, registered. */
async function threePhones(first: number): Promise<[SipPhone, SipPhone, SipPhone]> {
  const pbxPort = node.stack.localEndpoint('udp')?.port ?? 0;
  const phones: SipPhone[] = [];
  for (const [offset, name] of ['Ann', 'Xavier', 'Cleo'].entries()) {
    const account = { number: String(first + offset), username: `${first + offset}-ACME`, password: `acme-${first + offset}-secret` };
    await store.objects('extension').insert(tenantId, { ex_number: account.number, ex_username: account.username, ex_secret: account.password, ex_tech: 'PJSIP', ex_name: name });
    const phone = await SipPhone.open(account, pbxPort);
    phones.push(phone);
    await phone.register();
  }
  const [a, x, c] = phones;
  assert.ok(a !== undefined && x !== undefined && c !== undefined);
  return [a, x, c];
}

const [A_AUDIO, X_AUDIO, C_AUDIO] = [0x11, 0x33, 0x22];

test("a phone's attended transfer (REFER with Replaces) of two offloaded calls: both come back to the relay, A and C talk", T, async () => {
  // X (104) is called by A (103) and calls C (105), both plain calls on rtpengine; X holds A and refers it to C.
  const [a, x, c] = await threePhones(103);
  try {
    const before = { offloaded: offload.counts.offloaded, relay: relaySessions, cdrs: (await store.cdrs.list({ tenantIds: [tenantId] })).length };
    const p = await connect(a, A_AUDIO, x, X_AUDIO);
    const q = await connect(x, X_AUDIO, c, C_AUDIO);
    assert.equal(offload.counts.offloaded, before.offloaded + 2);
    assert.equal(relaySessions, before.relay);
    assert.ok(await waitFor(async () => (await rtpengineCalls()).length === 2, 3000), 'rtpengine does not hold both calls');
    // Through rtpengine: A hears X, and C hears X.
    assert.ok(await waitFor(() => (a.rtpIn.get(X_AUDIO) ?? 0) > 10 && (c.rtpIn.get(X_AUDIO) ?? 0) > 10, 3000), 'no audio through rtpengine');
    assert.equal((await x.hold(p.callee)).status, 200);

    const referTo = `<sip:105@127.0.0.1?Replaces=${encodeURIComponent(`${q.caller.callId};to-tag=${q.caller.remoteTag};from-tag=${q.caller.localTag}`)}>`;
    const referred = await x.request(p.callee, 'REFER', [['Refer-To', referTo], ['Contact', `<sip:104-ACME@127.0.0.1:${String(x.sipPort)}>`]]);
    assert.equal(referred.status, 202);
    // Each party of each call is re-INVITEd onto the relay's ports (the relay opened a session per call).
    const ports = await Promise.all([takeReinvite(a, p.caller), takeReinvite(x, p.callee), takeReinvite(x, q.caller), takeReinvite(c, q.callee)]);
    for (const port of ports) assert.ok(port >= relayRange.min && port <= relayRange.max, `re-INVITE named ${port}, not the relay's`);
    assert.equal(relaySessions, before.relay + 2);
    const notify = await x.nextRequest((m) => m.method === 'NOTIFY' && m.header('call-id') === p.callee.callId && !/^SIP\/2\.0 1\d\d/.test(m.body));
    assert.equal(notify.body.trim(), 'SIP/2.0 200 OK');
    // rtpengine forgot both calls once every party had moved.
    assert.ok(await waitFor(async () => (await rtpengineCalls()).length === 0 && offload.liveCount === 0, 3000), 'the calls are still on rtpengine');
    // A and C are told whom they talk to now (connected line), and hear each other through the relay.
    await Promise.all([takeReinvite(a, p.caller), takeReinvite(c, q.callee)]);
    const [fromC, fromA] = [a.rtpIn.get(C_AUDIO) ?? 0, c.rtpIn.get(A_AUDIO) ?? 0];
    assert.ok(await waitFor(() => (a.rtpIn.get(C_AUDIO) ?? 0) > fromC + 20 && (c.rtpIn.get(A_AUDIO) ?? 0) > fromA + 20, 4000), `A heard C ${String(a.rtpIn.get(C_AUDIO))}, C heard A ${String(c.rtpIn.get(A_AUDIO))}`);
    const live = channels.list(tenantId);
    assert.deepEqual(live.map((channel) => channel.account).sort(), ['103-ACME', '105-ACME']);
    // X leaves (the PBX ended its dialog with C itself); A's BYE ends C's side.
    await x.nextRequest((m) => m.method === 'BYE' && m.header('call-id') === q.caller.callId);
    assert.equal((await x.request(p.callee, 'BYE')).status, 200);
    const heard = a.rtpIn.get(C_AUDIO) ?? 0;
    assert.ok(await waitFor(() => (a.rtpIn.get(C_AUDIO) ?? 0) > heard + 20, 3000), 'A and C stopped talking when X left');
    assert.equal((await a.request(p.caller, 'BYE')).status, 200);
    await c.nextRequest((m) => m.method === 'BYE' && m.header('call-id') === q.callee.callId);
    assert.ok(await waitFor(() => channels.list(tenantId).length === 0, 3000));
    // The CDRs are a relayed transfer's: A's call to X, then its joined talk with C; X's call to C.
    let rows: Awaited<ReturnType<typeof store.cdrs.list>> = [];
    assert.ok(await waitFor(async () => (rows = (await store.cdrs.list({ tenantIds: [tenantId] })).slice(before.cdrs)).length === 3, 3000), `${rows.length} CDRs`);
    assert.deepEqual(rows.filter((r) => r.src === '103').map((r) => [r.dst, r.disposition]), [['104', 'ANSWERED'], ['105', 'ANSWERED']]);
    assert.deepEqual(rows.filter((r) => r.src === '104').map((r) => [r.dst, r.disposition]), [['105', 'ANSWERED']]);
  } finally {
    for (const phone of [a, x, c]) phone.close();
  }
});

test('a party refusing to move: the REFER gets NOTIFY 488 and the phone keeps both calls, each with its audio', T, async () => {
  const [a, x, c] = await threePhones(110);
  try {
    const p = await connect(a, A_AUDIO, x, X_AUDIO);
    const q = await connect(x, X_AUDIO, c, C_AUDIO);
    assert.ok(await waitFor(async () => (await rtpengineCalls()).length === 2, 3000), 'rtpengine does not hold both calls');
    const referTo = `<sip:112@127.0.0.1?Replaces=${encodeURIComponent(`${q.caller.callId};to-tag=${q.caller.remoteTag};from-tag=${q.caller.localTag}`)}>`;
    assert.equal((await x.request(p.callee, 'REFER', [['Refer-To', referTo]])).status, 202);
    // A and X move on the first call, X on the second; C refuses its re-INVITE.
    await Promise.all([takeReinvite(a, p.caller), takeReinvite(x, p.callee), takeReinvite(x, q.caller), refuseReinvite(c, q.callee)]);
    const notify = await x.nextRequest((m) => m.method === 'NOTIFY' && m.header('call-id') === p.callee.callId && !/^SIP\/2\.0 1\d\d/.test(m.body));
    assert.equal(notify.body.trim(), 'SIP/2.0 488 Not Acceptable Here');
    // Nothing was joined: each call goes on with its own two parties, audio both ways (C's still through rtpengine).
    const heard = { ax: a.rtpIn.get(X_AUDIO) ?? 0, xa: x.rtpIn.get(A_AUDIO) ?? 0, cx: c.rtpIn.get(X_AUDIO) ?? 0, xc: x.rtpIn.get(C_AUDIO) ?? 0 };
    assert.ok(
      await waitFor(() => (a.rtpIn.get(X_AUDIO) ?? 0) > heard.ax + 20 && (x.rtpIn.get(A_AUDIO) ?? 0) > heard.xa + 20 && (c.rtpIn.get(X_AUDIO) ?? 0) > heard.cx + 20 && (x.rtpIn.get(C_AUDIO) ?? 0) > heard.xc + 20, 4000),
      `audio after the refusal: ${JSON.stringify({ ax: a.rtpIn.get(X_AUDIO), xa: x.rtpIn.get(A_AUDIO), cx: c.rtpIn.get(X_AUDIO), xc: x.rtpIn.get(C_AUDIO), heard })}`,
    );
    assert.equal((a.rtpIn.get(C_AUDIO) ?? 0) + (c.rtpIn.get(A_AUDIO) ?? 0), 0, 'A and C were joined');
    assert.equal(channels.list(tenantId).length, 4);
    // Both calls end as usual, and rtpengine forgets the one it still held for C.
    assert.equal((await x.request(p.callee, 'BYE')).status, 200);
    assert.equal((await x.request(q.caller, 'BYE')).status, 200);
    assert.ok(await waitFor(async () => channels.list(tenantId).length === 0 && (await rtpengineCalls()).length === 0 && offload.liveCount === 0, 3000), 'calls left');
  } finally {
    for (const phone of [a, x, c]) phone.close();
  }
});

test('ATXTRANSFER of an offloaded call: its parties come back to the relay, the consultation and the hand-over work', T, async () => {
  // A (106) calls X (107) on rtpengine; the API's attended transfer of X's channel consults C (108), X hangs up.
  const [a, x, c] = await threePhones(106);
  try {
    const before = { offloaded: offload.counts.offloaded, relay: relaySessions };
    const p = await connect(a, A_AUDIO, x, X_AUDIO);
    assert.equal(offload.counts.offloaded, before.offloaded + 1);
    assert.ok(await waitFor(async () => (await rtpengineCalls()).length === 1, 3000), 'rtpengine does not hold the call');
    const xChannel = channels.list(tenantId).find((channel) => channel.account === '107-ACME' && channel.bridgedTo !== undefined);
    assert.ok(xChannel !== undefined, "X's channel, bridged to A");
    const ringing = c.answer();
    const transfer = channels.control(xChannel.name)?.attendedTransfer?.('108');
    // Before the consultation rings, A and X are re-INVITEd onto the relay.
    const ports = await Promise.all([takeReinvite(a, p.caller), takeReinvite(x, p.callee)]);
    for (const port of ports) assert.ok(port >= relayRange.min && port <= relayRange.max, `re-INVITE named ${port}, not the relay's`);
    assert.equal(await transfer, undefined);
    const consult = await ringing;
    c.talk(consult, C_AUDIO);
    assert.ok(await waitFor(async () => (await rtpengineCalls()).length === 0 && offload.liveCount === 0, 3000), 'the call is still on rtpengine');
    // X talks with C on the relay; its hang-up joins A to C.
    assert.ok(await waitFor(() => (c.rtpIn.get(X_AUDIO) ?? 0) > 20, 3000), 'C does not hear X');
    assert.equal((await x.request(p.callee, 'BYE')).status, 200);
    await Promise.all([takeReinvite(a, p.caller), takeReinvite(c, consult)]);
    const [fromC, fromA] = [a.rtpIn.get(C_AUDIO) ?? 0, c.rtpIn.get(A_AUDIO) ?? 0];
    assert.ok(await waitFor(() => (a.rtpIn.get(C_AUDIO) ?? 0) > fromC + 20 && (c.rtpIn.get(A_AUDIO) ?? 0) > fromA + 20, 4000), `A heard C ${String(a.rtpIn.get(C_AUDIO))}, C heard A ${String(c.rtpIn.get(A_AUDIO))}`);
    assert.equal((await a.request(p.caller, 'BYE')).status, 200);
    await c.nextRequest((m) => m.method === 'BYE' && m.header('call-id') === consult.callId);
    assert.ok(await waitFor(() => channels.list(tenantId).length === 0, 3000));
  } finally {
    for (const phone of [a, x, c]) phone.close();
  }
});

/** `promise`, or a failure naming `what` after `ms`: a step that never comes fails the test instead of hanging it. */
async function within<V>(promise: Promise<V>, ms: number, what: string): Promise<V> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${String(ms)} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

const onRelay = (port: number): boolean => port >= relayRange.min && port <= relayRange.max;

/** The PBX's final NOTIFY of a REFER on `dialog` (after 100 Trying): its sipfrag status line. */
async function referOutcome(phone: SipPhone, dialog: PhoneDialog): Promise<string> {
  const notify = await within(phone.nextRequest((m) => m.method === 'NOTIFY' && m.header('call-id') === dialog.callId && !/^SIP\/2\.0 1\d\d/.test(m.body)), 4000, 'the REFER\'s final NOTIFY');
  return notify.body.trim();
}

/** A short number whose destination is SPECIAL-7 (RINGING): the PBX answers and plays ringback, which only the relay can. */
const RINGING_NUMBER = '7007';
let ringingNumberMade = false;
async function ringingNumber(): Promise<string> {
  if (!ringingNumberMade) await store.objects('shortnumber').insert(tenantId, { sn_number: RINGING_NUMBER, sn_destnumber: 'SPECIAL-7' });
  ringingNumberMade = true;
  return RINGING_NUMBER;
}

test("a phone's blind transfer (REFER) of an offloaded call to a destination that needs the relay: the caller moves there and hears it", T, async () => {
  // A (120) calls X (121) on rtpengine; X holds A and refers it to a short number for SPECIAL-7 (ringback by the PBX).
  const [a, x, unused] = await threePhones(120);
  unused.close();
  const destination = await ringingNumber();
  try {
    const before = { offloaded: offload.counts.offloaded, relay: relaySessions };
    const p = await connect(a, A_AUDIO, x, X_AUDIO);
    assert.equal(offload.counts.offloaded, before.offloaded + 1);
    assert.ok(await waitFor(async () => (await rtpengineCalls()).length === 1, 3000), 'rtpengine does not hold the call');
    assert.ok(await waitFor(() => (a.rtpIn.get(X_AUDIO) ?? 0) > 10, 3000), 'A does not hear X through rtpengine');
    assert.equal((await x.hold(p.callee)).status, 200);
    assert.equal((await x.request(p.callee, 'REFER', [['Refer-To', `<sip:${destination}@127.0.0.1>`]])).status, 202);
    // A, the party that stays, is re-INVITEd onto a relay port; then X is told the transfer worked and released.
    const port = await within(takeReinvite(a, p.caller), 4000, "A's re-INVITE to the relay");
    assert.ok(onRelay(port), `A's re-INVITE named ${port}, not a relay port`);
    assert.equal(relaySessions, before.relay + 1);
    assert.equal(await referOutcome(x, p.callee), 'SIP/2.0 200 OK');
    await within(x.nextRequest((m) => m.method === 'BYE' && m.header('call-id') === p.callee.callId), 3000, "X's BYE");
    // rtpengine forgot the call, and A hears the destination's ringback from the relay port it was given.
    assert.ok(await waitFor(async () => (await rtpengineCalls()).length === 0 && offload.liveCount === 0, 3000), 'the call is still on rtpengine');
    const heard = a.rtpFrom.get(port) ?? 0;
    assert.ok(await waitFor(() => (a.rtpFrom.get(port) ?? 0) > heard + 25, 3000), `A got ${String(a.rtpFrom.get(port) ?? 0)} packets from the relay`);
    // X, who left, was never re-INVITEd; A alone is left, talking to the PBX.
    assert.equal(x.received.filter((m) => m.method === 'INVITE').length, 0, 'X was re-INVITEd');
    assert.deepEqual(channels.list(tenantId).map((channel) => channel.account), ['120-ACME']);
    assert.equal((await a.request(p.caller, 'BYE')).status, 200);
    assert.ok(await waitFor(() => channels.list(tenantId).length === 0, 3000));
  } finally {
    for (const phone of [a, x]) phone.close();
  }
});

test('API TRANSFER of an offloaded call to an extension that records: the caller moves to the relay and talks with it there', T, async () => {
  // A (123) calls X (124) on rtpengine; the API transfers A's channel to C (125), whose calls are recorded.
  const [a, x, c] = await threePhones(123);
  const [cRow] = await store.objects('extension').list(tenantId, { ex_number: '125' }, { limit: 1 });
  await store.objects('extension').update(tenantId, Number(cRow?.ex_id), { ex_recording: 'yes' });
  const recordings = join(dir, 'recordings', String(tenantId));
  const recorded = existsSync(recordings) ? readdirSync(recordings).length : 0;
  try {
    const before = { offloaded: offload.counts.offloaded, relay: relaySessions };
    const p = await connect(a, A_AUDIO, x, X_AUDIO);
    assert.equal(offload.counts.offloaded, before.offloaded + 1);
    assert.ok(await waitFor(async () => (await rtpengineCalls()).length === 1, 3000), 'rtpengine does not hold the call');
    const aChannel = channels.list(tenantId).find((channel) => channel.account === '123-ACME');
    assert.ok(aChannel !== undefined);
    const ringing = c.answer();
    const transfer = channels.control(aChannel.name)?.blindTransfer('125');
    const port = await within(takeReinvite(a, p.caller), 4000, "A's re-INVITE to the relay");
    assert.ok(onRelay(port), `A's re-INVITE named ${port}, not a relay port`);
    assert.equal(await transfer, undefined);
    await within(x.nextRequest((m) => m.method === 'BYE' && m.header('call-id') === p.callee.callId), 3000, "X's BYE");
    // C is offered the relay's port, not rtpengine's; once it answers, A is told whom it talks to.
    const target = await within(ringing, 4000, 'C ringing');
    assert.ok(onRelay(target.media.port), `C was offered ${target.media.port}, not a relay port`);
    c.talk(target, C_AUDIO);
    await within(takeReinvite(a, p.caller), 4000, "A's connected line update");
    assert.ok(await waitFor(async () => (await rtpengineCalls()).length === 0 && offload.liveCount === 0, 3000), 'the call is still on rtpengine');
    const [fromC, fromA, fromRelay] = [a.rtpIn.get(C_AUDIO) ?? 0, c.rtpIn.get(A_AUDIO) ?? 0, a.rtpFrom.get(port) ?? 0];
    assert.ok(
      await waitFor(() => (a.rtpIn.get(C_AUDIO) ?? 0) > fromC + 20 && (c.rtpIn.get(A_AUDIO) ?? 0) > fromA + 20 && (a.rtpFrom.get(port) ?? 0) > fromRelay + 20, 4000),
      `A heard C ${String(a.rtpIn.get(C_AUDIO))} (from the relay ${String(a.rtpFrom.get(port))}), C heard A ${String(c.rtpIn.get(A_AUDIO))}`,
    );
    assert.equal((await a.request(p.caller, 'BYE')).status, 200);
    await within(c.nextRequest((m) => m.method === 'BYE' && m.header('call-id') === target.callId), 3000, "C's BYE");
    assert.ok(await waitFor(() => channels.list(tenantId).length === 0, 3000));
    // The relay recorded the talk with C, as it records a call to C that never was on rtpengine.
    assert.ok(await waitFor(() => existsSync(recordings) && readdirSync(recordings).length > recorded, 3000), 'no recording');
  } finally {
    for (const phone of [a, x, c]) phone.close();
  }
});

test('a blind transfer whose re-INVITE the caller refuses: NOTIFY 503, and the call goes on on rtpengine as before', T, async () => {
  const [a, x, unused] = await threePhones(126);
  unused.close();
  const destination = await ringingNumber();
  try {
    const before = { relay: relaySessions };
    const p = await connect(a, A_AUDIO, x, X_AUDIO);
    assert.ok(await waitFor(async () => (await rtpengineCalls()).length === 1, 3000), 'rtpengine does not hold the call');
    assert.equal((await x.request(p.callee, 'REFER', [['Refer-To', `<sip:${destination}@127.0.0.1>`]])).status, 202);
    await within(refuseReinvite(a, p.caller), 4000, "A's re-INVITE to the relay");
    assert.equal(await referOutcome(x, p.callee), 'SIP/2.0 503 Service Unavailable');
    assert.equal(relaySessions, before.relay + 1);
    // Both parties still talk through rtpengine, past the relay's own RTP timeout (5 s): the relay took nothing over.
    await sleep(5500);
    const heard = { ax: a.rtpIn.get(X_AUDIO) ?? 0, xa: x.rtpIn.get(A_AUDIO) ?? 0 };
    assert.ok(await waitFor(() => (a.rtpIn.get(X_AUDIO) ?? 0) > heard.ax + 20 && (x.rtpIn.get(A_AUDIO) ?? 0) > heard.xa + 20, 3000), `audio after the refusal: ${JSON.stringify({ ax: a.rtpIn.get(X_AUDIO), xa: x.rtpIn.get(A_AUDIO), heard })}`);
    assert.equal((await rtpengineCalls()).length, 1);
    assert.equal(channels.list(tenantId).length, 2);
    assert.equal((await x.request(p.callee, 'BYE')).status, 200);
    await within(a.nextRequest((m) => m.method === 'BYE' && m.header('call-id') === p.caller.callId), 3000, "A's BYE");
    assert.ok(await waitFor(async () => channels.list(tenantId).length === 0 && (await rtpengineCalls()).length === 0 && offload.liveCount === 0, 3000), 'calls left');
  } finally {
    for (const phone of [a, x]) phone.close();
  }
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
