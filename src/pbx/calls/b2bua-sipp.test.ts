// The B2BUA black-box over loopback UDP with SIPp as the phones: 101-ACME registers (digest), 100-ACME calls it
// through a PbxNode on a real SQLite store; each test checks what both phones saw, the channel registry and the CDR.
// Skipped, saying so, without sipp.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
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
  assert.ok(session.side('a').packetsOut >= 20, 'RTP out to the caller');
  const cdr = await nextCdr(cdrs);
  assert.equal(cdr.disposition, 'ANSWERED');
  assert.equal(cdr.src, CALLER.number);
  assert.equal(cdr.dst, CALLEE.number);
});
