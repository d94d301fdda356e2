// End-to-end: a node killed with SIGKILL in the middle of an answered call. Started again on the same data folder
// and SIP port, it must send BYE to both phones (SIPp as caller 100 and callee 101) and INFO cdrs must hold the
// call, ended at the last heartbeat: no longer than it was up, and no shorter than that less the heartbeat interval.
// And its graceful twin: SIGTERM with a call up drains the node (new INVITEs 503, /healthz 503 draining) until the
// caller hangs up, then it exits 0 and the call's CDR is an ordinary one. In the killed case a BLF subscription (100
// watching 101, raw-subscriber.ts) is up too: the restarted node must NOTIFY it terminated;reason=deactivated.
// Their own server starts: stopping the shared one (pbx-server.ts) would break every other case of its suite.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSipp, skipWithoutSipp } from '../support/sipp.ts';
import { DEFAULT_HEARTBEAT_MS } from '../../src/pbx/calls/live-call-journal.ts';
import { CALLEE, CALLER } from '../../src/pbx/calls/b2bua-sipp.test-support.ts';
import { byeReceived, calleeAnswers, calleeRings, callerAnswered, callerBye, callerSdp, challengedInvite, pause, scenario } from '../../src/pbx/calls/b2bua-scenarios.test-support.ts';
import { expectDeactivated, subscribeRaw, type RawSubscriber } from './raw-subscriber.ts';
import { api, cleanEnv, delay, eventually, freePort, spawnChild, stopAll, tempDir, REPO, type Child } from './process.ts';

// Long enough for the phones to wait through the kill and the restart for their BYE.
const SIPP_BOUNDS = ['-nostdin', '-timeout', '28s', '-timeout_error', '-recv_timeout', '20000', '-t', 'u1', '-i', '127.0.0.1', '-mi', '127.0.0.1', '-m', '1'];
/** How long the call stays up before the kill: more than one heartbeat, so the lower bound below can fail. */
const UP_MS = DEFAULT_HEARTBEAT_MS + 3_000;

function register101(): string {
  const request = (cseq: number, auth: string) => `<![CDATA[
REGISTER sip:127.0.0.1 SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
From: <sip:${CALLEE.username}@127.0.0.1>;tag=[pid]reg[call_number]
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
    `  <send retrans="500">${request(2, `\n[authentication username=${CALLEE.username} password=${CALLEE.password}]`)}</send>`,
    '  <recv response="200" />',
  ]);
}

/** A node of these tests: its data folder and ports stay the same across its restarts. */
interface NodeSetup {
  readonly data: string;
  readonly httpPort: number;
  readonly sipPort: number;
  readonly name: string;
}

type Row = Record<string, string | number>;

/** The running node of each setup, by name (the killed test kills it). */
const children = new Map<string, Child>();

async function newSetup(data: string, name: string): Promise<NodeSetup> {
  return { data, httpPort: await freePort(), sipPort: await freePort(), name };
}

const baseOf = (node: NodeSetup) => `http://127.0.0.1:${String(node.httpPort)}`;
const pbxOf = (node: NodeSetup) => `127.0.0.1:${String(node.sipPort)}`;
const file = (node: NodeSetup, name: string, xml: string) => (writeFileSync(join(node.data, name), xml), name);

async function startNode(node: NodeSetup, label: string): Promise<Child> {
  const child = spawnChild(label, process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'start'], {
    cwd: REPO,
    env: cleanEnv({ CALLGRID_DATA_DIR: node.data, CALLGRID_HTTP_PORT: String(node.httpPort), CALLGRID_HTTP_HOST: '127.0.0.1', CALLGRID_SIP_PORT: String(node.sipPort), CALLGRID_NODE_NAME: node.name, CALLGRID_DEMO_TENANT: 'ACME', CALLGRID_LOOKUP_CACHE_SECONDS: '0', CALLGRID_LOG_LEVEL: 'info' }),
  });
  await child.waitForOutput(/Callgrid listening/, 30_000);
  return child;
}

/** Adds 100 and 101 to ACME and registers 101 (SIPp on `uasPort`); returns the admin key. */
async function addPhones(node: NodeSetup, uasPort: number): Promise<string> {
  const key = (JSON.parse(readFileSync(join(node.data, 'credentials.json'), 'utf8')) as { adminKey: string }).adminKey;
  for (const ext of [CALLER, CALLEE]) {
    const body = new URLSearchParams({ key, tenant: 'ACME', reqtype: 'MANAGEDB', object: 'extension', action: 'add', jsondata: JSON.stringify({ ex_number: ext.number, ex_name: ext.name, secret: ext.password }) });
    const added = await api(baseOf(node), {}, { method: 'POST', body });
    assert.equal(added.headers.get('x-callgrid-error'), null, added.text);
  }
  const registered = await runSipp([pbxOf(node), '-sf', file(node, 'register.xml', register101()), ...SIPP_BOUNDS, '-p', String(uasPort)], node.data);
  assert.equal(registered.code, 0, registered.output.slice(-2000));
  return key;
}

async function cdrsOf(node: NodeSetup, key: string): Promise<Row[]> {
  return JSON.parse((await api(baseOf(node), { key, tenant: 'ACME', reqtype: 'INFO', info: 'cdrs', format: 'json' })).text) as Row[];
}

describe('a node killed mid-call ends the call when it starts again', { skip: skipWithoutSipp('crash recovery e2e') }, () => {
  const data = tempDir('callgrid-crash-');
  after(async () => {
    await stopAll();
    data.remove();
  });

  test('both phones get BYE after the restart; INFO cdrs has the call ended at the last heartbeat', async () => {
    // The same folder and ports each time: the restarted node is the one that was killed.
    const node = await newSetup(data.path, 'crashnode');
    const uasPort = await freePort();
    children.set(node.name, await startNode(node, 'callgrid (before the kill)'));
    const key = await addPhones(node, uasPort);
    const subscriber = await subscribeRaw(node.sipPort, CALLER, CALLEE.number);
    try {
      await killedMidCall(node, key, uasPort, subscriber);
    } finally {
      subscriber.close();
    }
  });
});

async function killedMidCall(node: NodeSetup, key: string, uasPort: number, subscriber: RawSubscriber): Promise<void> {
  const pbx = pbxOf(node);
  const first = children.get(node.name);
  assert.ok(first);
  const callee = runSipp(['-sf', file(node, 'uas.xml', scenario('callee', [...calleeRings(), ...calleeAnswers(), ...byeReceived()])), ...SIPP_BOUNDS, '-p', String(uasPort), '-mp', String(await freePort())], node.data, 32_000);
  await delay(300);
  const setUpAt = Date.now();
  const caller = runSipp([pbx, '-sf', file(node, 'uac.xml', scenario('caller', [...challengedInvite({ body: callerSdp() }), ...callerAnswered(), ...byeReceived()])), ...SIPP_BOUNDS, '-p', String(await freePort()), '-mp', String(await freePort())], node.data, 32_000);
  await delay(UP_MS);
  first.signal('SIGKILL');
  await first.waitForExit(5_000);
  const upMs = Date.now() - setUpAt;

  await startNode(node, 'callgrid (restarted)');
  const [uas, uac] = await Promise.all([callee, caller]);
  // SIPp exits 0 only when its whole scenario ran: the BYE came and was answered.
  assert.equal(uac.code, 0, `caller got no BYE:\n${uac.output.slice(-2000)}`);
  assert.equal(uas.code, 0, `callee got no BYE:\n${uas.output.slice(-2000)}`);
  await expectDeactivated(subscriber);

  await eventually(async () => (await cdrsOf(node, key)).length > 0, 5_000, 'the CDR of the lost call');
  const [row, ...others] = await cdrsOf(node, key);
  assert.equal(others.length, 0, 'one call, one row');
  assert.equal(row?.disposition, 'ANSWERED');
  assert.match(String(row?.userfield), /\[node-restart\]/);
  const duration = Number(row?.duration);
  // Whole seconds, truncated; the call set up (challenge, ring, answer) within the first second of `upMs`.
  assert.ok(duration <= Math.ceil(upMs / 1000), `duration ${String(duration)} s is longer than the ${String(upMs)} ms the call was up`);
  assert.ok(duration >= Math.floor((upMs - DEFAULT_HEARTBEAT_MS) / 1000) - 2, `duration ${String(duration)} s lost more than a heartbeat of the ${String(upMs)} ms`);
}

/** How long the caller talks after its answer before hanging up: the drain checks below run well within it. */
const HOLD_MS = 5_000;

/**
 * A new INVITE sent raw over UDP (no credentials: a draining node refuses before any challenge); resolves with the
 * final answer's status and its header lines, after ACKing it so the node stops retransmitting.
 */
async function rawInvite(node: NodeSetup): Promise<{ status: number; header(name: string): string | undefined }> {
  const socket = createSocket('udp4');
  await new Promise<void>((bound) => socket.bind(0, '127.0.0.1', bound));
  try {
    const local = `127.0.0.1:${String(socket.address().port)}`;
    const ruri = `sip:${CALLEE.number}@${pbxOf(node)}`;
    const via = `Via: SIP/2.0/UDP ${local};branch=z9hG4bK-drain-${String(Date.now())};rport`;
    const from = `From: <sip:${CALLER.username}@127.0.0.1>;tag=drain-new`;
    const callId = `Call-ID: drain-new-${String(Date.now())}@127.0.0.1`;
    const send = (lines: string[]) => socket.send(`${lines.join('\r\n')}\r\n\r\n`, node.sipPort, '127.0.0.1');
    const final = new Promise<string[]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no final answer to the raw INVITE within 5 s')), 5_000);
      socket.on('message', (message) => {
        const lines = message.toString('utf8').split('\r\n');
        if (/^SIP\/2\.0 1\d\d /.test(lines[0] ?? '')) return;
        clearTimeout(timer);
        resolve(lines);
      });
    });
    send([`INVITE ${ruri} SIP/2.0`, via, from, `To: <${ruri}>`, callId, 'CSeq: 1 INVITE', `Contact: <sip:${CALLER.username}@${local}>`, 'Max-Forwards: 70', 'Content-Length: 0']);
    const lines = await final;
    const header = (name: string) => lines.find((line) => line.toLowerCase().startsWith(`${name.toLowerCase()}:`))?.replace(/^[^:]*:\s*/, '');
    // The ACK of a non-2xx: the INVITE's branch, the answer's To (RFC 3261 §17.1.1.3).
    send([`ACK ${ruri} SIP/2.0`, via, from, `To: ${header('To') ?? `<${ruri}>`}`, callId, 'CSeq: 1 ACK', 'Max-Forwards: 70', 'Content-Length: 0']);
    return { status: Number(/^SIP\/2\.0 (\d{3}) /.exec(lines[0] ?? '')?.[1]), header };
  } finally {
    socket.close();
  }
}

describe('a node sent SIGTERM mid-call drains, then exits 0', { skip: skipWithoutSipp('drain e2e') }, () => {
  const data = tempDir('callgrid-drain-');
  after(async () => {
    await stopAll();
    data.remove();
  });

  test('new INVITE 503 with Retry-After, /healthz 503 draining, the call goes on until the caller hangs up; its CDR is ordinary', async () => {
    const node = await newSetup(data.path, 'drainnode');
    const uasPort = await freePort();
    const first = await startNode(node, 'callgrid (drained)');
    const key = await addPhones(node, uasPort);

    const callee = runSipp(['-sf', file(node, 'uas.xml', scenario('callee', [...calleeRings(), ...calleeAnswers(), ...byeReceived()])), ...SIPP_BOUNDS, '-p', String(uasPort), '-mp', String(await freePort())], data.path, 32_000);
    await delay(300);
    const talks = scenario('caller-talks-then-hangs-up', [...challengedInvite({ body: callerSdp() }), ...callerAnswered(), pause(HOLD_MS), ...callerBye(3)]);
    let callerDone = false;
    const caller = runSipp([pbxOf(node), '-sf', file(node, 'uac.xml', talks), ...SIPP_BOUNDS, '-p', String(await freePort()), '-mp', String(await freePort())], data.path, 32_000).finally(() => (callerDone = true));
    const channels = async () => JSON.parse((await api(baseOf(node), { key, tenant: 'ACME', reqtype: 'CHANNELS', format: 'json' })).text) as Row[];
    await eventually(async () => ((list) => list.length === 2 && list.every((c) => c.State === 'Up'))(await channels()), 5_000, 'both legs of the call up');

    first.signal('SIGTERM');
    await first.waitForOutput(/draining: new calls are refused/, 5_000);
    const refused = await rawInvite(node);
    assert.equal(refused.status, 503, 'a new call is refused while draining');
    assert.match(refused.header('Retry-After') ?? '', /^\d+/, 'the 503 says when to come back');
    const health = await fetch(`${baseOf(node)}/healthz`, { signal: AbortSignal.timeout(5_000) });
    assert.equal(health.status, 503);
    assert.equal(((await health.json()) as { status?: string }).status, 'draining');
    // The checks above ran with the call still up: otherwise they proved nothing about a drain with a call in it.
    assert.equal(callerDone, false, 'the caller hung up before the drain checks ran; raise HOLD_MS');
    assert.equal(first.exited(), undefined, 'the node waits for the call in progress');
    assert.equal((await channels()).length, 2, 'the call in progress goes on');

    const [uas, uac] = await Promise.all([callee, caller]);
    // The caller's scenario fails on a BYE it did not expect; the callee's ends only with the BYE its hangup caused.
    assert.equal(uac.code, 0, `caller's call did not go on to its own hangup:\n${uac.output.slice(-2000)}`);
    assert.equal(uas.code, 0, `callee got no BYE after the caller's:\n${uas.output.slice(-2000)}`);
    assert.deepEqual(await first.waitForExit(10_000), { code: 0, signal: null }, 'the drained node exits 0 once its last call ended');

    await startNode(node, 'callgrid (after the drain)');
    const [row, ...others] = await cdrsOf(node, key);
    assert.equal(others.length, 0, 'one call, one row: the refused INVITE left none');
    assert.equal(row?.disposition, 'ANSWERED');
    assert.doesNotMatch(String(row?.userfield), /\[node-restart\]/, 'a drained call ends normally, not by crash recovery');
  });
});
