// Recording on real SIP calls (SIPp phones and a SIPp carrier on loopback, a PbxNode on a SQLite store, the store's
// recording settings): ex_recording of the called extension and di_recording of a DID record the call; the tenant's
// RECORDING=no is overridden by neither DIAL nor a party's code here but refuses the code; `*1` in SIP INFO starts a
// recording, pauses it (the tone sent meanwhile is not in the file) and resumes it in the same file.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { toneLevel } from '../../../test/support/audio.ts';
import type { CdrRecord } from '../../domain/index.ts';
import { toneWav } from '../../services/recordings/recording.test-support.ts';
import { runSipp, skipWithoutSipp } from '../../../test/support/sipp.ts';
import { encodeMulaw, MediaRelay } from '../../media/index.ts';
import { silentLogger, systemClock } from '../../shared/index.ts';
import { openStore, type Store } from '../../store/index.ts';
import { CdrWriter } from '../cdr/index.ts';
import { StoreRoutingDirectory } from '../dialplan/index.ts';
import { PbxNode } from '../pbx-node.ts';
import { StoreAccountDirectory, StoreBindingStore } from '../registrar/index.ts';
import { freeUdpPort, registerScenario, sleep, waitFor } from './b2bua-sipp.test-support.ts';
import { callerAnswered, callerBye, callerSdp, calleeAnswers, calleeRings, challengedInvite, pause, playRtp, scenario } from './b2bua-scenarios.test-support.ts';
import type { FinishedRecording } from './call-recording.ts';
import { StoreCarrierDirectory } from './carrier-directory.ts';
import { ChannelRegistry } from './channel-registry.ts';
import { StoreCallDirectory } from './store-call-directory.ts';
import { StoreRecordingSettings } from './store-recording-settings.ts';

const SKIP = skipWithoutSipp('SIPp recording tests');
const T = { skip: SKIP, timeout: 30_000 };
const CALLER = { number: '100', username: '100-ACME', password: 'acme-100-secret' };
const CALLEE = { number: '101', username: '101-ACME', password: 'acme-101-secret' };
const DID = '3902555000';
const BOUNDS = ['-nostdin', '-timeout', '14s', '-timeout_error', '-recv_timeout', '8000', '-t', 'u1', '-i', '127.0.0.1', '-mi', '127.0.0.1', '-m', '1'];

let dir: string;
let store: Store;
let node: PbxNode;
let relay: MediaRelay;
let tenantId: number;
let calleeId: number;
let pbx: string;
let carrierPort: number;
const uasPort = { value: 0 };
const finished: FinishedRecording[] = [];

/** 1.5 s of a sine in PCMU, for SIPp's rtp_stream. */
function toneFile(name: string, hz: number): string {
  const samples = new Int16Array(12_000).map((_, i) => Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / 8000)));
  writeFileSync(join(dir, name), encodeMulaw(samples));
  return name;
}

before(async () => {
  if (SKIP) return;
  dir = mkdtempSync(join(tmpdir(), 'callgrid-sipp-recording-'));
  store = openStore(`sqlite:${join(dir, 'callgrid.db')}`);
  await store.migrate();
  tenantId = (await store.tenants.create({ te_code: 'ACME', te_name: 'Acme' }, '2026-01-01 00:00:00')).te_id;
  await store.objects('extension').insert(tenantId, { ex_number: CALLER.number, ex_username: CALLER.username, ex_secret: CALLER.password, ex_tech: 'PJSIP', ex_name: 'Alice' });
  calleeId = Number((await store.objects('extension').insert(tenantId, { ex_number: CALLEE.number, ex_username: CALLEE.username, ex_secret: CALLEE.password, ex_tech: 'PJSIP', ex_name: 'Bob' })).ex_id);
  carrierPort = await freeUdpPort();
  const did = await store.objects('did').insert(tenantId, { di_number: DID });
  // The DID plays a message first (the PBX answers), then rings 101.
  await store.objects('destination').insertMany(tenantId, [
    { de_type_src: 'DID', de_type_id_src: Number(did.di_id), de_type_dst: 'PLAYBACK', de_type_id_dst: 1, de_ord: 1 },
    { de_type_src: 'DID', de_type_id_src: Number(did.di_id), de_type_dst: 'EXT', de_type_id_dst: calleeId, de_ord: 2 },
  ]);
  writeFileSync(join(dir, 'message.wav'), toneWav(0.5));
  await store.objects('provider').insert(null, { pr_name: 'Carrier', pr_tech: 'PJSIP', pr_host: `127.0.0.1:${String(carrierPort)}` });
  const accounts = new StoreAccountDirectory(store, systemClock, { realm: 'callgrid', domains: [], tenantCacheMs: 0 });
  const bindings = new StoreBindingStore(store.registrations);
  const portMin = 12_000 + 2 * Math.floor(Math.random() * 8_000);
  relay = MediaRelay.create({ host: '127.0.0.1', portMin, portMax: portMin + 39, inactivityMs: 5000, clock: systemClock, logger: silentLogger });
  node = await PbxNode.start(
    {
      accounts, domains: accounts, bindings, clock: systemClock, logger: silentLogger,
      calls: {
        directory: new StoreCallDirectory(store, bindings, systemClock, 0), routing: new StoreRoutingDirectory(store), carriers: new StoreCarrierDirectory(store, systemClock, 0), channels: new ChannelRegistry(), relay, cdrs: new CdrWriter(store.cdrs, silentLogger),
        mediaFiles: { audioPath: async (_tenant, id) => (id === 1 ? join(dir, 'message.wav') : undefined) },
      },
    },
    {
      nodeName: 'node-r', host: '127.0.0.1', port: 0, realm: 'callgrid', nonceSecret: 'recording sipp test: nonce secret', digestAlgorithms: ['MD5'],
      qualifyIntervalMs: 3_600_000, ban: { maxFailures: 1000, windowMs: 60_000, banMs: 1000, trusted: [] }, userAgent: 'callgrid-test', ringTimeoutMs: 5000,
      recordings: { pathFor: (tenant, uniqueId, at) => join(dir, 'tenants', String(tenant), at.toISOString().slice(0, 10), `${uniqueId}.wav`), settings: new StoreRecordingSettings(store) },
      recordingLog: { recorded: async (recording) => void finished.push(recording) },
    },
  );
  pbx = `127.0.0.1:${String(node.stack.localEndpoint('udp')?.port ?? 0)}`;
  uasPort.value = await freeUdpPort();
  for (const [name, hz] of [['a.ulaw', 1000], ['b.ulaw', 2000], ['c.ulaw', 600]] as const) toneFile(name, hz);
  const registered = await sipp('register.xml', registerScenario(CALLEE), ['-p', String(uasPort.value), '-auth_uri', '127.0.0.1']);
  assert.equal(registered.code, 0, registered.output.slice(-2000));
});

after(async () => {
  await node?.stop();
  relay?.close();
  await store?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

let runs = 0;
function sipp(name: string, xml: string, extra: string[]): Promise<{ code: number | null; output: string }> {
  const file = `${String(++runs)}-${name}`;
  writeFileSync(join(dir, file), xml);
  return runSipp([pbx, '-sf', file, ...BOUNDS, ...extra], dir, 20_000);
}

/** 101 answers and waits for the PBX's BYE; the caller's scenario runs beside it. */
async function call(caller: string, callerArgs: string[], recorded = true): Promise<void> {
  const before = finished.length;
  const uas = sipp('uas.xml', scenario('callee', [...calleeRings(), ...calleeAnswers(), ...keysThenBye()]), ['-p', String(uasPort.value), '-mp', String(await freeUdpPort()), '-trace_err', '-error_file', 'callee-errors.log']);
  await sleep(300);
  const uac = await sipp('uac.xml', caller, ['-mp', String(await freeUdpPort()), ...callerArgs]);
  const callee = await uas;
  assert.equal(uac.code, 0, `caller: ${uac.output.slice(-3000)}`);
  assert.equal(callee.code, 0, `callee: ${existsSync(join(dir, 'callee-errors.log')) ? readFileSync(join(dir, 'callee-errors.log'), 'utf8').slice(-3000) : callee.output.slice(-3000)}`);
  // A recording is reported once the relay has closed its file, just after the call.
  if (recorded) await waitFor(() => finished.length > before, 5000);
  else await sleep(500);
}

/** 101 takes the keys the PBX passes on in INFO (it has no telephone-event), then the BYE. */
function keysThenBye(): string[] {
  const ok = `<![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:]
[last_Call-ID:]
[last_CSeq:]
Content-Length: 0

]]>`;
  // Jumps are on the messages themselves: a key arriving while SIPp stood on a <nop> would be unexpected.
  return ['  <label id="1" />', '  <recv request="INFO" optional="true" next="2" />', '  <recv request="BYE" next="3" />', '  <label id="2" />', `  <send next="1">${ok}</send>`, '  <label id="3" />', `  <send>${ok}</send>`];
}

/** A key in SIP INFO from the caller (application/dtmf-relay), and the 200 for it. */
function info(cseq: number, digit: string): string[] {
  const body = `Signal=${digit}\nDuration=160\n`;
  return [
    `  <send retrans="500"><![CDATA[
INFO sip:callgrid@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=z9hG4bK[pid]k${String(cseq)};rport
From: <sip:${CALLER.username}@[remote_ip]>;tag=[pid]uac[call_number]
[last_To:]
Call-ID: [call_id]
CSeq: ${String(cseq)} INFO
Max-Forwards: 70
Content-Type: application/dtmf-relay
Content-Length: [len]

${body}]]></send>`,
    '  <recv response="200" />',
  ];
}

const phoneCall = (middle: string[], byeCseq: number): string =>
  scenario('caller', [...challengedInvite({ body: callerSdp({ rtpstream: true }) }), ...callerAnswered(), ...middle, ...callerBye(byeCseq)]);

test('ex_recording=yes on the called extension records the call: both tones are in the file', T, async () => {
  await store.objects('extension').update(tenantId, calleeId, { ex_recording: 'yes' });
  try {
    await call(phoneCall([playRtp('a.ulaw'), pause(1700)], 3), ['-p', String(await freeUdpPort()), '-auth_uri', `${CALLEE.number}@${pbx}`]);
  } finally {
    await store.objects('extension').update(tenantId, calleeId, { ex_recording: '' });
  }
  const recording = finished.at(-1);
  assert.ok(recording !== undefined && existsSync(recording.path), 'no recording was finished');
  assert.equal(recording.tenantId, tenantId);
  assert.ok(toneLevel(recording.path, 1000).toneSeconds > 0.5, 'the caller\'s tone is in the recording');
});

test('di_recording=yes records a carrier\'s call to the DID; its CDR rows name the message, then the extension, both answered', T, async () => {
  await store.objects('did').list(tenantId, { di_number: DID }).then(([row]) => store.objects('did').update(tenantId, Number(row?.di_id), { di_recording: 'yes' }));
  const count = finished.length;
  const invite = `  <send retrans="500"><![CDATA[
INVITE sip:${DID}@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=z9hG4bK[pid]d1;rport
From: <sip:5551234@[local_ip]>;tag=[pid]carrier[call_number]
To: <sip:${DID}@[remote_ip]>
Call-ID: [call_id]
CSeq: 1 INVITE
Contact: <sip:5551234@[local_ip]:[local_port]>
Max-Forwards: 70
Content-Type: application/sdp
Content-Length: [len]

${callerSdp({ rtpstream: true })}
]]></send>`;
  const carrier = scenario('carrier', [invite, '  <recv response="100" optional="true" />', ...callerAnswered(1).map((s) => s.replace(/uac\[call_number\]/g, 'carrier[call_number]')), playRtp('c.ulaw'), pause(1700), ...callerBye(2).map((s) => s.replace(/uac\[call_number\]/g, 'carrier[call_number]'))]);
  await call(carrier, ['-p', String(carrierPort)]);
  assert.ok(finished.length > count, 'the DID call was recorded');
  const recording = finished.at(-1);
  assert.ok(recording !== undefined && toneLevel(recording.path, 600).toneSeconds > 0.5, 'the carrier\'s tone is in the recording');
  let rows: CdrRecord[] = [];
  await waitFor(async () => (rows = (await store.cdrs.list({ tenantIds: [tenantId] })).filter((r) => r.linkedid === recording?.linkedId)).length >= 2);
  assert.deepEqual(
    rows.map((r) => [r.lastapp, r.wherelanded, r.disposition, r.dst, r.lastdst, r.userfield]),
    [['Playback', 'PLAYBACK:1', 'ANSWERED', DID, CALLEE.number, '[inbound]'], ['Dial', `EXT:${CALLEE.number}`, 'ANSWERED', CALLEE.number, CALLEE.number, '[inbound]']],
  );
});

test('*1 in SIP INFO starts recording, pauses it (what is said meanwhile is not in the file) and resumes it', T, async () => {
  const count = finished.length;
  const middle = [...info(3, '*'), ...info(4, '1'), playRtp('a.ulaw'), pause(1700), ...info(5, '*'), ...info(6, '1'), playRtp('b.ulaw'), pause(1700), ...info(7, '*'), ...info(8, '1'), playRtp('c.ulaw'), pause(1700)];
  await call(phoneCall(middle, 9), ['-p', String(await freeUdpPort()), '-auth_uri', `${CALLEE.number}@${pbx}`]);
  assert.equal(finished.length, count + 1, 'one file for the call');
  const path = finished.at(-1)?.path ?? '';
  assert.ok(toneLevel(path, 1000).toneSeconds > 0.8, 'recorded before the pause');
  assert.ok(toneLevel(path, 600).toneSeconds > 0.8, 'recorded after the resume');
  assert.ok(toneLevel(path, 2000).toneSeconds < 0.3, `the paused tone is not in the file (${String(toneLevel(path, 2000).toneSeconds)} s)`);
});

test('the tenant\'s RECORDING=no refuses the code: the call is not recorded', T, async () => {
  await store.settings.set(tenantId, 'RECORDING', 'no');
  const count = finished.length;
  try {
    await call(phoneCall([...info(3, '*'), ...info(4, '1'), playRtp('a.ulaw'), pause(1700)], 5), ['-p', String(await freeUdpPort()), '-auth_uri', `${CALLEE.number}@${pbx}`], false);
  } finally {
    await store.settings.remove(tenantId, 'RECORDING');
  }
  assert.equal(finished.length, count, 'nothing recorded');
});
