// Draining a node over real SIP: a PbxNode on loopback UDP with SIPp phones (101 answers, 100 calls). While a call is
// up the drain begins: a new INVITE gets 503 with Retry-After, the call goes on until a phone hangs up, then the
// drain ends with its CDR written; with a short limit the call still up gets BYE on both legs instead.
// Skipped, saying so, without sipp.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { skipWithoutSipp } from '../../test/support/sipp.ts';
import { silentLogger } from '../shared/index.ts';
import { CALLEE, freeUdpPort, startCallRig, waitFor, type CallRig, type SippRun } from './calls/b2bua-sipp.test-support.ts';
import { byeReceived, callerAnswered, callerBye, callerSdp, calleeAnswers, calleeRings, challengedInvite, pause, playRtp, scenario } from './calls/b2bua-scenarios.test-support.ts';
import { DRAIN_LIMIT_CAUSE, NodeDrainer } from './drain.ts';

const SKIP = skipWithoutSipp('SIPp drain tests');
const T = { skip: SKIP, timeout: 20_000 };

let rig: CallRig | undefined;

afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

/** A rig with 101 registered and a 3 s RTP file (the relay ends a call silent for 1.5 s). */
async function readyRig(): Promise<CallRig> {
  rig = await startCallRig();
  writeFileSync(join(rig.dir, 'audio.ulaw'), Buffer.alloc(160 * 150, 0xd5));
  const registered = await rig.register();
  assert.equal(registered.code, 0, `101 could not register:\n${registered.output.slice(-2000)}`);
  return rig;
}

function ok(run: SippRun, who: string): void {
  assert.equal(run.code, 0, `${who} sipp failed (exit ${String(run.code)}):\n${run.output.slice(-3000)}`);
}

const answered = (r: CallRig) => waitFor(() => r.node.b2bua.activeCalls === 1 && r.channels.list().length === 2 && r.channels.list().every((c) => c.state === 'Up'), 5000);

/** A new call while draining: INVITE (no credentials: the refusal comes before any challenge), 503 with Retry-After, ACK. */
const REFUSED_INVITE = (() => {
  const ruri = `sip:${CALLEE.number}@[remote_ip]:[remote_port]`;
  const via = 'Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=z9hG4bK[pid]drain[call_number];rport';
  const from = 'From: <sip:100-ACME@[remote_ip]>;tag=[pid]drain[call_number]';
  const cdata = (lines: string[]) => `<![CDATA[\n${lines.join('\n')}\n]]>`;
  return scenario('refused-while-draining', [
    `  <send retrans="500">${cdata([`INVITE ${ruri} SIP/2.0`, via, from, `To: <${ruri}>`, 'Call-ID: [call_id]', 'CSeq: 1 INVITE', 'Contact: <sip:100-ACME@[local_ip]:[local_port]>', 'Max-Forwards: 70', 'Content-Length: 0', ''])}</send>`,
    '  <recv response="100" optional="true" />',
    '  <recv response="503"><action><ereg regexp="[0-9]+" search_in="hdr" header="Retry-After:" check_it="true" assign_to="retry" /></action></recv>',
    `  <send>${cdata([`ACK ${ruri} SIP/2.0`, via, from, '[last_To:]', 'Call-ID: [call_id]', 'CSeq: 1 ACK', 'Max-Forwards: 70', 'Content-Length: 0', ''])}</send>`,
  ]);
})();

test('draining with a call up: a new INVITE gets 503 with Retry-After, the call goes on until hung up, its CDR is written', T, async () => {
  const r = await readyRig();
  const drainer = new NodeDrainer(r.node.b2bua, silentLogger);
  const call = r.call(
    scenario('callee-answers', [...calleeRings(), ...calleeAnswers(), ...byeReceived()]),
    scenario('caller-talks-then-hangs-up', [...challengedInvite({ body: callerSdp({ rtpstream: true }) }), ...callerAnswered(), playRtp('audio.ulaw'), pause(2500), ...callerBye(3)]),
    { uas: ['-rtp_echo'] },
  );
  assert.ok(await answered(r), 'the call was answered');

  const drained = drainer.run(15_000);
  assert.equal(r.node.b2bua.drain.draining, true);
  // Its own media port: the caller above holds the rig's.
  const refused = await r.uac(REFUSED_INVITE, ['-mp', String(await freeUdpPort())]);
  ok(refused, 'new caller while draining');
  assert.equal(r.node.b2bua.activeCalls, 1, 'the call in progress is still up after the refusal');
  const originate = await r.node.b2bua.originate({ tenantId: r.tenantId, source: '100', destination: '101', dialTimeoutMs: 1000, autoAnswer: false, variables: {}, originateId: 'drain-1' });
  assert.equal(originate.ok, false);
  assert.match(originate.ok ? '' : originate.error, /draining/);

  const { uas, uac } = await call;
  ok(uac, 'caller');
  ok(uas, 'callee');
  assert.equal(await drained, 'idle', 'the drain ended when the last call did');
  let rows: Awaited<ReturnType<typeof r.store.cdrs.list>> = [];
  assert.ok(await waitFor(async () => (rows = await r.store.cdrs.list({ tenantIds: [r.tenantId] })).length > 0), 'the CDR was written');
  assert.equal(rows[0]?.disposition, 'ANSWERED');
  assert.equal(rows.length, 1, 'the refused INVITE left no CDR');
});

test('the drain limit passes with a call up: both legs get BYE (with the cause), the CDR is written, the drain ends', T, async () => {
  const r = await readyRig();
  const drainer = new NodeDrainer(r.node.b2bua, silentLogger);
  const reason = `<action><ereg regexp="${DRAIN_LIMIT_CAUSE}" search_in="hdr" header="Reason:" check_it="true" assign_to="reason" /></action>`;
  const call = r.call(
    scenario('callee-cut', [...calleeRings(), ...calleeAnswers(), ...byeReceived().map((step) => step.replace('<recv request="BYE" />', `<recv request="BYE">${reason}</recv>`))]),
    scenario('caller-cut', [...challengedInvite({ body: callerSdp({ rtpstream: true }) }), ...callerAnswered(), playRtp('audio.ulaw'), ...byeReceived()]),
    { uas: ['-rtp_echo'] },
  );
  assert.ok(await answered(r), 'the call was answered');
  assert.equal(await drainer.run(300), 'limit');
  const { uas, uac } = await call;
  ok(uac, 'caller got BYE');
  ok(uas, 'callee got BYE with the drain cause');
  assert.ok(await waitFor(() => r.node.b2bua.activeCalls === 0 && r.channels.list().length === 0), 'no call left');
  assert.ok(await waitFor(async () => (await r.store.cdrs.list({ tenantIds: [r.tenantId] })).length > 0), 'the CDR was written');
});

test('interrupted (a second SIGTERM, SIGINT): the drain ends at once with the call still up, for the stop to hang it up', T, async () => {
  const r = await readyRig();
  const drainer = new NodeDrainer(r.node.b2bua, silentLogger);
  const call = r.call(
    scenario('callee-stopped', [...calleeRings(), ...calleeAnswers(), ...byeReceived()]),
    scenario('caller-stopped', [...challengedInvite({ body: callerSdp({ rtpstream: true }) }), ...callerAnswered(), playRtp('audio.ulaw'), ...byeReceived()]),
    { uas: ['-rtp_echo'] },
  );
  assert.ok(await answered(r), 'the call was answered');
  // The node sees the call up when it sends its 200; SIPp's ACK and its next step follow. A BYE sent in that gap was
  // lost once in four runs (the BYE-before-ACK case is noted for the call engine: RFC 3261 §15 wants the ACK first),
  // which is not what this test is about: let the caller settle first.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const drained = drainer.run(15_000);
  drainer.interrupt();
  assert.equal(await drained, 'interrupted');
  assert.equal(r.node.b2bua.activeCalls, 1, 'the drainer itself hangs up nothing when interrupted');
  r.node.b2bua.hangupAll('node-shutdown'); // what PbxNode.stop does next
  const { uas, uac } = await call;
  ok(uac, 'caller got BYE');
  ok(uas, 'callee got BYE');
  assert.ok(await waitFor(async () => (await r.store.cdrs.list({ tenantIds: [r.tenantId] })).length > 0), 'the CDR was written');
});
