// The B2BUA black-box over loopback UDP with SIPp as the phones: 101-ACME registers (digest), 100-ACME calls it
// through a PbxNode on a real SQLite store; each test checks what both phones saw, the channel registry and the CDR.
// Skipped, saying so, without sipp.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { skipWithoutSipp } from '../../../test/support/sipp.ts';
import type { CdrRecord } from '../../domain/index.ts';
import { CALLEE, CALLER, RING_TIMEOUT_MS, startCallRig, waitFor, type CallRig, type SippRun } from './b2bua-sipp.test-support.ts';
import {
  byeReceived,
  callerAnswered,
  callerBye,
  callerCancels,
  callerRejected,
  callerReinvite,
  callerSdp,
  calleeAnswers,
  calleeAnswersTwice,
  calleeRingsKeepingVia,
  calleeBye,
  calleeCancelled,
  calleeRejects,
  calleeRings,
  challengedInvite,
  pause,
  playRtp,
  scenario,
} from './b2bua-scenarios.test-support.ts';

const SKIP = skipWithoutSipp('SIPp B2BUA tests');
const T = { skip: SKIP, timeout: 20_000 };

let rig: CallRig;

before(async () => {
  if (SKIP) return;
  rig = await startCallRig();
  // 50 packets of PCMU silence-ish bytes: one second of RTP from SIPp's rtp_stream.
  writeFileSync(join(rig.dir, 'audio.ulaw'), Buffer.alloc(160 * 50, 0xd5));
  const registered = await rig.register();
  assert.equal(registered.code, 0, `101 could not register:\n${registered.output.slice(-2000)}`);
});

after(async () => {
  await rig?.close();
});

function ok(run: SippRun, who: string): void {
  assert.equal(run.code, 0, `${who} sipp failed (exit ${String(run.code)}):\n${run.output.slice(-3000)}`);
}

/** The CDR rows of the call that just ended (the writer is asynchronous: waits for the next row). */
async function nextCdr(before: number): Promise<CdrRecord> {
  let rows: CdrRecord[] = [];
  await waitFor(async () => (rows = await rig.store.cdrs.list({ tenantIds: [rig.tenantId] })).length > before);
  const row = rows[before];
  assert.ok(row, 'no CDR row was written');
  return row;
}

const cdrCount = async (): Promise<number> => (await rig.store.cdrs.list({ tenantIds: [rig.tenantId] })).length;

async function assertNoCallsLeft(): Promise<void> {
  assert.ok(await waitFor(() => rig.channels.list().length === 0 && rig.node.b2bua.activeCalls === 0), `channels left: ${JSON.stringify(rig.channels.list().map((c) => c.name))}`);
}

test('happy path: challenged INVITE, 180, 200, ACK, RTP both ways through the relay, BYE from the caller', T, async () => {
  const cdrs = await cdrCount();
  const sessions = rig.sessions.length;
  const { uas, uac } = await rig.call(
    scenario('callee-answers', [...calleeRings(), pause(100), ...calleeAnswers(), ...byeReceived()]),
    scenario('caller-hangs-up', [...challengedInvite({ body: callerSdp({ rtpstream: true }) }), ...callerAnswered(), playRtp('audio.ulaw'), pause(1200), ...callerBye(3)]),
    { uas: ['-rtp_echo'] },
  );
  ok(uac, 'caller');
  ok(uas, 'callee');
  await assertNoCallsLeft();
  const session = rig.sessions[sessions];
  assert.ok(session, 'no relay session was opened');
  assert.ok(session.side('a').packetsIn >= 20, `caller RTP into the relay: ${String(session.side('a').packetsIn)}`);
  assert.ok(session.side('b').packetsIn >= 20, `callee RTP (echo) into the relay: ${String(session.side('b').packetsIn)}`);
  assert.ok(session.side('b').packetsOut >= 20, 'RTP out to the callee');
  assert.ok(session.side('a').packetsOut >= 20, 'RTP out to the caller');
  const cdr = await nextCdr(cdrs);
  assert.equal(cdr.disposition, 'ANSWERED');
  assert.equal(cdr.src, CALLER.number);
  assert.equal(cdr.dst, CALLEE.number);
});

test('a caller that never sends RTP still hears the callee: its side sends to the address its offer names', T, async () => {
  const sessions = rig.sessions.length;
  const { uas, uac } = await rig.call(
    scenario('callee-talks', [...calleeRings(), ...calleeAnswers({ rtpstream: true }), playRtp('audio.ulaw'), pause(1000), ...calleeBye(rig.pbxPort)]),
    scenario('caller-listens', [...challengedInvite({ body: callerSdp() }), ...callerAnswered(), ...byeReceived()]),
  );
  ok(uas, 'callee');
  ok(uac, 'caller');
  await assertNoCallsLeft();
  const session = rig.sessions[sessions];
  assert.ok(session, 'no relay session was opened');
  assert.equal(session.side('a').packetsIn, 0, 'the caller sent nothing');
  assert.ok(session.side('b').packetsIn >= 20, `callee RTP into the relay: ${String(session.side('b').packetsIn)}`);
  assert.ok(session.side('a').packetsOut >= 20, `RTP out to the silent caller: ${String(session.side('a').packetsOut)}`);
  assert.equal(session.side('a').latched, false);
});

test('the callee hangs up: its BYE is answered and the caller gets BYE', T, async () => {
  const cdrs = await cdrCount();
  const { uas, uac } = await rig.call(
    scenario('callee-hangs-up', [...calleeRings(), ...calleeAnswers(), pause(300), ...calleeBye(rig.pbxPort)]),
    scenario('caller-gets-bye', [...challengedInvite({ body: callerSdp() }), ...callerAnswered(), ...byeReceived()]),
  );
  ok(uas, 'callee');
  ok(uac, 'caller');
  await assertNoCallsLeft();
  const cdr = await nextCdr(cdrs);
  assert.equal(cdr.disposition, 'ANSWERED');
  assert.equal(cdr.src, CALLER.number);
  assert.equal(cdr.dst, CALLEE.number);
});

test('CANCEL by the caller while 101 rings: 487 to the caller, CANCEL reaches 101, CDR NO ANSWER', T, async () => {
  const cdrs = await cdrCount();
  const { uas, uac } = await rig.call(scenario('callee-cancelled', [...calleeRings(), ...calleeCancelled(5000)]), scenario('caller-cancels', [...challengedInvite({ body: callerSdp() }), ...callerCancels()]));
  ok(uac, 'caller');
  ok(uas, 'callee');
  await assertNoCallsLeft();
  const cdr = await nextCdr(cdrs);
  assert.equal(cdr.disposition, 'NO ANSWER');
  assert.equal(cdr.dst, CALLEE.number);
});

test('101 answers 486: the caller gets 486, CDR BUSY', T, async () => {
  const cdrs = await cdrCount();
  const { uas, uac } = await rig.call(scenario('callee-busy', [...calleeRings(), ...calleeRejects('486 Busy Here')]), scenario('caller-busy', [...challengedInvite({ body: callerSdp() }), ...callerRejected(486)]));
  ok(uac, 'caller');
  ok(uas, 'callee');
  await assertNoCallsLeft();
  const cdr = await nextCdr(cdrs);
  assert.equal(cdr.disposition, 'BUSY');
});

test('an INVITE with malformed SDP or without a body is answered 488 with a Warning, and no call starts', T, async () => {
  const channels = rig.channelLog.length;
  const warning = { header: 'Warning:', regexp: '^ *399 callgrid "' };
  const malformed = await rig.uac(scenario('bad-sdp', [...challengedInvite({ body: 'v=0\nthis is no SDP\nm=audio many RTP/AVP 0' }), ...callerRejected(488, warning)]));
  ok(malformed, 'caller (malformed SDP)');
  const empty = await rig.uac(scenario('no-sdp', [...challengedInvite({ body: undefined }), ...callerRejected(488, warning)]));
  ok(empty, 'caller (no body)');
  assert.equal(rig.channelLog.length, channels, 'no channel was created');
  await assertNoCallsLeft();
});

test('a re-INVITE with a=sendonly from the caller (hold) is answered 200 with a=recvonly', T, async () => {
  const cdrs = await cdrCount();
  const { uas, uac } = await rig.call(
    scenario('callee-held', [...calleeRings(), ...calleeAnswers(), ...byeReceived()]),
    scenario('caller-holds', [...challengedInvite({ body: callerSdp() }), ...callerAnswered(), ...callerReinvite(3, 'sendonly', 'recvonly'), ...callerBye(4)]),
  );
  ok(uac, 'caller');
  ok(uas, 'callee');
  await assertNoCallsLeft();
  assert.equal((await nextCdr(cdrs)).disposition, 'ANSWERED');
});

test('the callee never answers: after the ring time the caller gets 480 and 101 gets CANCEL', T, async () => {
  const cdrs = await cdrCount();
  const started = Date.now();
  const { uas, uac } = await rig.call(
    scenario('callee-rings-forever', [...calleeRings(), ...calleeCancelled(RING_TIMEOUT_MS + 4000)]),
    scenario('caller-unanswered', [...challengedInvite({ body: callerSdp() }), ...callerRejected(480)]),
  );
  ok(uac, 'caller');
  ok(uas, 'callee');
  assert.ok(Date.now() - started >= RING_TIMEOUT_MS - 100, `the call gave up after ${String(Date.now() - started)} ms`);
  await assertNoCallsLeft();
  assert.equal((await nextCdr(cdrs)).disposition, 'NO ANSWER');
});

test('no RTP after the answer: the relay times out and both phones get BYE', T, async () => {
  const cdrs = await cdrCount();
  const { uas, uac } = await rig.call(scenario('callee-silent', [...calleeRings(), ...calleeAnswers(), ...byeReceived()]), scenario('caller-silent', [...challengedInvite({ body: callerSdp() }), ...callerAnswered(), ...byeReceived()]));
  ok(uac, 'caller');
  ok(uas, 'callee');
  await assertNoCallsLeft();
  assert.equal((await nextCdr(cdrs)).disposition, 'ANSWERED');
});

test('a wrong password on the INVITE is challenged again (407) and no call starts', T, async () => {
  const channels = rig.channelLog.length;
  const cdrs = await cdrCount();
  const run = await rig.uac(scenario('wrong-password', [...challengedInvite({ body: callerSdp(), password: 'not-the-secret' }), ...callerRejected(407)]));
  ok(run, 'caller');
  assert.equal(rig.channelLog.length, channels, 'no channel was created');
  assert.equal(await cdrCount(), cdrs, 'no CDR');
});

test("the callee's 200 comes twice (a retransmission): the PBX ACKs each one and the call goes on", T, async () => {
  const cdrs = await cdrCount();
  const trace = 'uas-retransmit-messages.log';
  const { uas, uac } = await rig.call(
    scenario('callee-retransmits', [...calleeRingsKeepingVia(), ...calleeAnswersTwice(), pause(500), ...byeReceived()]),
    scenario('caller-normal', [...challengedInvite({ body: callerSdp() }), ...callerAnswered(), pause(600), ...callerBye(3)]),
    { uas: ['-trace_msg', '-message_file', trace, '-nr'] },
  );
  const log = readFileSync(join(rig.dir, trace), 'utf8');
  ok(uac, 'caller');
  ok(uas, 'callee');
  const acks = log.split(/(?=UDP message (?:received|sent))/).filter((m) => /^UDP message received/.test(m) && /^ACK /m.test(m));
  assert.equal(acks.length, 2, `ACKs received by 101: ${String(acks.length)}\n${log.slice(-3000)}`);
  await assertNoCallsLeft();
  assert.equal((await nextCdr(cdrs)).disposition, 'ANSWERED');
});

test(
  "101's own ring time (ex_dialtimeout 1 s) ends the ringing before the node's 2 s",
  T,
  async () => {
    await rig.store.objects('extension').update(rig.tenantId, rig.calleeId, { ex_dialtimeout: '1' });
    try {
      const started = Date.now();
      const { uas, uac } = await rig.call(
        scenario('callee-short-ring', [...calleeRings(), ...calleeCancelled(RING_TIMEOUT_MS + 4000)]),
        scenario('caller-short-ring', [...challengedInvite({ body: callerSdp() }), ...callerRejected(480)]),
      );
      ok(uac, 'caller');
      ok(uas, 'callee');
      const elapsed = Date.now() - started;
      assert.ok(elapsed < RING_TIMEOUT_MS - 300, `rang ${String(elapsed)} ms: the node's ${String(RING_TIMEOUT_MS)} ms, not the extension's 1000 ms`);
    } finally {
      await rig.store.objects('extension').update(rig.tenantId, rig.calleeId, { ex_dialtimeout: '' });
      await assertNoCallsLeft();
    }
  },
);
