// A phone's own attended transfer through the B2BUA, over loopback UDP: phone X (101) talks with A (100) and with
// C (102), each a call through a PbxNode on a real SQLite store, holds A and sends REFER with Refer-To ...?Replaces=
// naming its dialog with C. The phones are scripted SIP peers (test/support/sip-phone.ts) streaming RTP, so the
// tests see the join in the relay by whose audio each phone receives.
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SipPhone, type PhoneDialog } from '../../../test/support/sip-phone.ts';
import type { CdrRecord } from '../../domain/index.ts';
import { CALLEE, CALLER, TENANT, startCallRig, waitFor, type CallRig } from './b2bua-sipp.test-support.ts';
import { answerUpdate, nextUpdate } from './connected-line.test-support.ts';

const T = { timeout: 20_000 };
const OTHER = 'GLOBEX';
const TARGET = { tenant: TENANT, number: '102', username: `102-${TENANT}`, password: 'acme-102-secret', name: 'Carol' };
const OTHER_A = { tenant: OTHER, number: '100', username: `100-${OTHER}`, password: 'globex-100-secret', name: 'Gina' };
const OTHER_B = { tenant: OTHER, number: '101', username: `101-${OTHER}`, password: 'globex-101-secret', name: 'Gus' };
// Each phone's RTP payload bytes: whose audio a phone hears.
const A_AUDIO = 0x11;
const C_AUDIO = 0x22;
const X_AUDIO = 0x33;
const G_AUDIO = 0x44;

let rig: CallRig;
let phones: SipPhone[] = [];

before(async () => {
  rig = await startCallRig({ accounts: [TARGET, OTHER_A, OTHER_B] });
});

after(async () => {
  await rig?.close();
});

afterEach(async () => {
  // Calls a test leaves up (or a failed one left) must not leak into the next one; the phones still answer the BYEs.
  rig.node.b2bua.hangupAll('test-cleanup');
  await waitFor(() => rig.node.b2bua.activeCalls === 0);
  for (const phone of phones) phone.close();
  phones = [];
});

async function phone(account: { username: string; password: string; number: string }): Promise<SipPhone> {
  const opened = await SipPhone.open(account, rig.pbxPort);
  phones.push(opened);
  await opened.register();
  return opened;
}

/** `from` calls `to`'s number; both dialogs once answered, each phone talking on it. */
async function connect(from: SipPhone, fromMark: number, to: SipPhone, toMark: number): Promise<{ caller: PhoneDialog; callee: PhoneDialog }> {
  const answered = to.answer();
  const caller = await from.call(to.account.number);
  const callee = await answered;
  from.talk(caller, fromMark);
  to.talk(callee, toMark);
  return { caller, callee };
}

function refer(x: SipPhone, on: PhoneDialog, replaces: string): ReturnType<SipPhone['request']> {
  const referTo = `<sip:102@127.0.0.1?Replaces=${encodeURIComponent(replaces)}>`;
  return x.request(on, 'REFER', [['Refer-To', referTo], ['Contact', `<sip:${x.account.username}@127.0.0.1:${String(x.sipPort)}>`]]);
}

/** X's Replaces for its dialog `d` as phones write it: its Call-ID, the PBX's tag as to-tag, its own as from-tag. */
const replacesOf = (d: PhoneDialog): string => `${d.callId};to-tag=${d.remoteTag};from-tag=${d.localTag}`;

/** The sipfrag of the first NOTIFY on `dialog` whose status is final (RFC 3515 §2.4.5). */
async function finalNotify(x: SipPhone, dialog: PhoneDialog): Promise<string> {
  const notify = await x.nextRequest((m) => m.method === 'NOTIFY' && m.header('call-id') === dialog.callId && !/^SIP\/2\.0 1\d\d/.test(m.body));
  assert.equal(notify.header('event'), 'refer');
  assert.match(notify.header('content-type') ?? '', /^message\/sipfrag/);
  return notify.body.trim();
}

const heard = (p: SipPhone, mark: number): number => p.rtpIn.get(mark) ?? 0;

/** Both parties hear each other through the relay, at counts above what they had heard before. */
async function assertTalking(a: SipPhone, c: SipPhone): Promise<void> {
  const [fromC, fromA] = [heard(a, C_AUDIO), heard(c, A_AUDIO)];
  assert.ok(await waitFor(() => heard(a, C_AUDIO) > fromC + 10 && heard(c, A_AUDIO) > fromA + 10, 5000), `A heard C ${String(heard(a, C_AUDIO))}, C heard A ${String(heard(c, A_AUDIO))}`);
}

const cdrRows = async (): Promise<CdrRecord[]> => rig.store.cdrs.list({ tenantIds: [rig.tenantId] });

test("X (called by A, calling C) refers A to C with Replaces: 202, NOTIFY 200, A and C talk, X's BYEs end nothing, A's BYE ends C", T, async () => {
  const [a, x, c] = [await phone(CALLER), await phone(CALLEE), await phone(TARGET)];
  const rowsBefore = (await cdrRows()).length;
  const p = await connect(a, A_AUDIO, x, X_AUDIO);
  const q = await connect(x, X_AUDIO, c, C_AUDIO);
  assert.equal((await x.hold(p.callee)).status, 200);

  const answer = await refer(x, p.callee, replacesOf(q.caller));
  assert.equal(answer.status, 202);
  assert.equal(await finalNotify(x, p.callee), 'SIP/2.0 200 OK');
  await assertTalking(a, c);
  // Each is told whom it talks to now (connected line): one re-INVITE in its own dialog naming the other in
  // P-Asserted-Identity, offering the media it already has (the relay's port it sends to), ACKed once answered.
  const [toA, toC] = await Promise.all([nextUpdate(a, p.caller.callId), nextUpdate(c, q.callee.callId)]);
  assert.match(toA.header('p-asserted-identity') ?? '', /^"Carol" <sip:102@/);
  assert.match(toC.header('p-asserted-identity') ?? '', /^"Alice" <sip:100@/);
  assert.equal(toA.header('remote-party-id'), undefined, 'P-Asserted-Identity alone by default');
  for (const update of [toA, toC]) assert.match(update.body, /m=audio [1-9]\d* RTP\/AVP/);
  const acks = await Promise.all([answerUpdate(a, toA, rig.pbxPort), answerUpdate(c, toC, rig.pbxPort)]);
  assert.deepEqual(acks.map((ack) => ack?.header('cseq')), [toA.header('cseq')?.replace('INVITE', 'ACK'), toC.header('cseq')?.replace('INVITE', 'ACK')]);
  await assertTalking(a, c);
  assert.equal(a.received.filter((m) => m.method === 'INVITE').length + c.received.filter((m) => m.method === 'INVITE').length, 0, 'one update each');

  // RFC 5589 §6.1: the transferor ends both of its dialogs; A and C go on talking.
  assert.equal((await x.request(p.callee, 'BYE')).status, 200);
  assert.equal((await x.request(q.caller, 'BYE')).status, 200);
  await assertTalking(a, c);
  const live = rig.channels.list(rig.tenantId);
  assert.deepEqual(live.map((ch) => ch.account).sort(), [CALLER.username, TARGET.username]);
  const [chA, chC] = [live.find((ch) => ch.account === CALLER.username), live.find((ch) => ch.account === TARGET.username)];
  assert.equal(chA?.bridgedTo, chC?.name);
  assert.equal(chC?.bridgedTo, chA?.name);
  assert.equal(chA?.connectedNum, TARGET.number);

  assert.equal((await a.request(p.caller, 'BYE')).status, 200);
  await c.nextRequest((m) => m.method === 'BYE' && m.header('call-id') === q.callee.callId);
  assert.ok(await waitFor(() => rig.channels.list().length === 0 && rig.node.b2bua.activeCalls === 0));
  // Both original calls leave CDRs; the joined talk is A's call's second attempt (as ATXTRANSFER records it).
  let rows: CdrRecord[] = [];
  assert.ok(await waitFor(async () => (rows = (await cdrRows()).slice(rowsBefore)).length === 3));
  const ofA = rows.filter((r) => r.src === CALLER.number);
  const ofX = rows.filter((r) => r.src === CALLEE.number);
  assert.deepEqual(ofA.map((r) => [r.dst, r.disposition]), [[CALLEE.number, 'ANSWERED'], [TARGET.number, 'ANSWERED']]);
  assert.deepEqual(ofX.map((r) => [r.dst, r.disposition]), [[TARGET.number, 'ANSWERED']]);
  assert.equal(ofA[1]?.dstchannel, chC?.name);
});

// Every other way round: X the caller or the callee of either call, the REFER on either dialog, either party hanging up.
const CASES = [
  { name: 'X called by both A and C, C hangs up', xCallsA: false, xCallsC: false, referOnQ: false, cHangsUp: true, xByes: true },
  { name: 'X calling A and C, sending no BYE (it gets them when A hangs up)', xCallsA: true, xCallsC: true, referOnQ: false, cHangsUp: false, xByes: false },
  { name: 'X calling A, called by C, C hangs up', xCallsA: true, xCallsC: false, referOnQ: false, cHangsUp: true, xByes: true },
  { name: 'X called by A, calling C, REFER on the dialog with C', xCallsA: false, xCallsC: true, referOnQ: true, cHangsUp: false, xByes: true },
];

for (const k of CASES) {
  test(`attended transfer by the phone: ${k.name}`, T, async () => {
    const [a, x, c] = [await phone(CALLER), await phone(CALLEE), await phone(TARGET)];
    const p = k.xCallsA ? await connect(x, X_AUDIO, a, A_AUDIO) : await connect(a, A_AUDIO, x, X_AUDIO);
    const q = k.xCallsC ? await connect(x, X_AUDIO, c, C_AUDIO) : await connect(c, C_AUDIO, x, X_AUDIO);
    const [xP, aP] = k.xCallsA ? [p.caller, p.callee] : [p.callee, p.caller];
    const [xQ, cQ] = k.xCallsC ? [q.caller, q.callee] : [q.callee, q.caller];
    const [on, named] = k.referOnQ ? [xQ, xP] : [xP, xQ];
    assert.equal((await x.hold(on)).status, 200);
    assert.equal((await refer(x, on, replacesOf(named))).status, 202);
    assert.equal(await finalNotify(x, on), 'SIP/2.0 200 OK');
    if (k.xByes) {
      assert.equal((await x.request(xP, 'BYE')).status, 200);
      assert.equal((await x.request(xQ, 'BYE')).status, 200);
    }
    await assertTalking(a, c);
    const [leaving, staying, stayingDialog, leavingDialog] = k.cHangsUp ? [c, a, aP, cQ] : [a, c, cQ, aP];
    assert.equal((await leaving.request(leavingDialog, 'BYE')).status, 200);
    await staying.nextRequest((m) => m.method === 'BYE' && m.header('call-id') === stayingDialog.callId);
    if (!k.xByes) for (const d of [xP, xQ]) await x.nextRequest((m) => m.method === 'BYE' && m.header('call-id') === d.callId);
    assert.ok(await waitFor(() => rig.channels.list().length === 0 && rig.node.b2bua.activeCalls === 0));
  });
}

test('a Replaces naming no dialog gets NOTIFY 481 and the call with A goes on', T, async () => {
  const [a, x] = [await phone(CALLER), await phone(CALLEE)];
  const p = await connect(a, A_AUDIO, x, X_AUDIO);
  assert.equal((await refer(x, p.callee, 'no-such-call@somewhere;to-tag=abc;from-tag=def')).status, 202);
  assert.equal(await finalNotify(x, p.callee), 'SIP/2.0 481 Call/Transaction Does Not Exist');
  const before = heard(a, X_AUDIO);
  assert.ok(await waitFor(() => heard(a, X_AUDIO) > before + 10, 5000), 'A no longer hears X');
  assert.equal((await x.request(p.callee, 'BYE')).status, 200);
  await a.nextRequest((m) => m.method === 'BYE' && m.header('call-id') === p.caller.callId);
});

test('a malformed Replaces is answered 400 with the reason, and an early-only one on a confirmed dialog NOTIFY 486', T, async () => {
  const [a, x, c] = [await phone(CALLER), await phone(CALLEE), await phone(TARGET)];
  const p = await connect(a, A_AUDIO, x, X_AUDIO);
  const q = await connect(x, X_AUDIO, c, C_AUDIO);
  const bad = await refer(x, p.callee, `${q.caller.callId};from-tag=${q.caller.localTag}`);
  assert.deepEqual([bad.status, bad.reason], [400, 'Replaces has no to-tag']);
  assert.equal((await refer(x, p.callee, `${replacesOf(q.caller)};early-only`)).status, 202);
  assert.equal(await finalNotify(x, p.callee), 'SIP/2.0 486 Busy Here');
  assert.equal(rig.node.b2bua.activeCalls, 2);
});

test("a Replaces naming another tenant's dialog is 481: the calls of both tenants stay as they were", T, async () => {
  const [a, x] = [await phone(CALLER), await phone(CALLEE)];
  const [ga, gb] = [await phone(OTHER_A), await phone(OTHER_B)];
  const p = await connect(a, A_AUDIO, x, X_AUDIO);
  const g = await connect(ga, G_AUDIO, gb, G_AUDIO + 1);
  // X somehow knows GLOBEX's dialog; both phones of it are 101 and 100 like X and A.
  for (const named of [g.caller, g.callee]) {
    assert.equal((await refer(x, p.callee, replacesOf(named))).status, 202);
    assert.equal(await finalNotify(x, p.callee), 'SIP/2.0 481 Call/Transaction Does Not Exist');
  }
  const before = heard(gb, G_AUDIO);
  assert.ok(await waitFor(() => heard(gb, G_AUDIO) > before + 10, 5000), 'the GLOBEX call lost its media');
  assert.equal(heard(gb, X_AUDIO) + heard(gb, A_AUDIO) + heard(ga, X_AUDIO) + heard(ga, A_AUDIO), 0);
  assert.equal(rig.node.b2bua.activeCalls, 2);
});
