// Connected line updates after transfers, over loopback UDP with scripted phones (test/support/sip-phone.ts) and a
// PbxNode on a real SQLite store: A (100) talks with X (101); X transfers A to C (102) blind by REFER, or attended by
// the API's ATXTRANSFER; afterwards each phone still in a call gets a request in its dialog naming the other party.
// The phone's own attended transfer (REFER with Replaces) is checked in replaces-transfer.test.ts.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SipPhone, type PhoneDialog } from '../../../test/support/sip-phone.ts';
import { CALLEE, CALLER, TENANT, startCallRig, waitFor, type CallRig } from './b2bua-sipp.test-support.ts';
import { identityHeaders, updateMethod } from './connected-line.ts';
import { StoreIdentitySettings } from './store-identity-settings.ts';
import { answerUpdate, nextUpdate } from './connected-line.test-support.ts';

describe('connected line headers', () => {
  test('P-Asserted-Identity by default, Remote-Party-ID or both as the setting says, with the party role of the dialog', () => {
    const carol = { number: '102', name: 'Carol' };
    assert.deepEqual(identityHeaders('pai', carol, 'pbx.example', false), [['P-Asserted-Identity', '"Carol" <sip:102@pbx.example>']]);
    assert.deepEqual(identityHeaders('rpid', carol, 'pbx.example', true), [['Remote-Party-ID', '"Carol" <sip:102@pbx.example>;party=calling;screen=yes;privacy=off']]);
    assert.deepEqual(identityHeaders('both', { number: '1"0>2', name: 'A\r\nB' }, 'h', false), [
      ['P-Asserted-Identity', '"AB" <sip:1%220%3E2@h>'],
      ['Remote-Party-ID', '"AB" <sip:1%220%3E2@h>;party=called;screen=yes;privacy=off'],
    ]);
  });

  test('UPDATE only for a party that listed it in Allow (RFC 3311), else re-INVITE', () => {
    assert.equal(updateMethod('INVITE, ACK, CANCEL, BYE, UPDATE, REFER'), 'UPDATE');
    assert.equal(updateMethod('INVITE,ACK,update'), 'UPDATE');
    assert.equal(updateMethod('INVITE, ACK, BYE, UPDATER'), 'INVITE');
    assert.equal(updateMethod(undefined), 'INVITE');
  });
});

const T = { timeout: 20_000 };
const TARGET = { tenant: TENANT, number: '102', username: `102-${TENANT}`, password: 'acme-102-secret', name: 'Carol' };
const [A_AUDIO, X_AUDIO, C_AUDIO] = [0x11, 0x33, 0x22];

let rig: CallRig;
let phones: SipPhone[] = [];

before(async () => {
  rig = await startCallRig({ accounts: [TARGET] });
});

after(async () => {
  await rig?.close();
});

afterEach(async () => {
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

async function connect(from: SipPhone, to: SipPhone): Promise<{ caller: PhoneDialog; callee: PhoneDialog }> {
  const answered = to.answer();
  const caller = await from.call(to.account.number);
  return { caller, callee: await answered };
}

const heard = (p: SipPhone, mark: number): number => p.rtpIn.get(mark) ?? 0;

test('blind transfer by REFER: once C answers, A is re-INVITEd naming C; C was called as A', T, async () => {
  const [a, x, c] = [await phone(CALLER), await phone(CALLEE), await phone(TARGET)];
  const p = await connect(a, x);
  a.talk(p.caller, A_AUDIO);
  const ringing = c.answer();
  const refer = await x.request(p.callee, 'REFER', [['Refer-To', '<sip:102@127.0.0.1>'], ['Contact', `<sip:${CALLEE.username}@127.0.0.1:${String(x.sipPort)}>`]]);
  assert.equal(refer.status, 202);
  const toC = await ringing;
  c.talk(toC, C_AUDIO);
  assert.match(toC.remoteUri, /sip:100@/, "C's INVITE came from A");
  const toA = await nextUpdate(a, p.caller.callId);
  assert.match(toA.header('p-asserted-identity') ?? '', /^"Carol" <sip:102@/);
  await answerUpdate(a, toA, rig.pbxPort);
  const before = heard(c, A_AUDIO);
  assert.ok(await waitFor(() => heard(c, A_AUDIO) > before + 10, 5000), 'C hears A after the update');
  assert.equal(c.received.filter((m) => m.method === 'INVITE' || m.method === 'UPDATE').length, 0, 'C is not re-INVITEd');
});

test('ATXTRANSFER: when X hangs up after consulting C, A is told it talks to C and C that it talks to A', T, async () => {
  const [a, x, c] = [await phone(CALLER), await phone(CALLEE), await phone(TARGET)];
  const p = await connect(a, x);
  a.talk(p.caller, A_AUDIO);
  x.talk(p.callee, X_AUDIO);
  const xChannel = () => rig.channels.list(rig.tenantId).find((ch) => ch.account === CALLEE.username && ch.bridgedTo !== undefined);
  assert.ok(await waitFor(() => xChannel() !== undefined), "X's channel, bridged to A");
  const channel = xChannel();
  assert.ok(channel);
  const ringing = c.answer();
  assert.equal(await rig.channels.control(channel.name)?.attendedTransfer?.('102'), undefined);
  const consult = await ringing;
  c.talk(consult, C_AUDIO);
  assert.match(consult.remoteUri, /sip:101@/, 'C was called from X, whose call it is');
  assert.equal((await x.request(p.callee, 'BYE')).status, 200);
  const [toA, toC] = await Promise.all([nextUpdate(a, p.caller.callId), nextUpdate(c, consult.callId)]);
  assert.match(toA.header('p-asserted-identity') ?? '', /^"Carol" <sip:102@/);
  assert.match(toC.header('p-asserted-identity') ?? '', /^"Alice" <sip:100@/);
  await Promise.all([answerUpdate(a, toA, rig.pbxPort), answerUpdate(c, toC, rig.pbxPort)]);
  const [fromC, fromA] = [heard(a, C_AUDIO), heard(c, A_AUDIO)];
  assert.ok(await waitFor(() => heard(a, C_AUDIO) > fromC + 10 && heard(c, A_AUDIO) > fromA + 10, 5000), 'A and C talk');
});

test("ex_applyalwaysrpid adds Remote-Party-ID for that extension only, and only in its own tenant", T, async () => {
  const settings = new StoreIdentitySettings(rig.store);
  const [row] = await rig.store.objects('extension').list(rig.tenantId, { ex_username: CALLER.username }, { limit: 1, columns: ['ex_id'] });
  assert.ok(row);
  await rig.store.objects('extension').update(rig.tenantId, Number(row.ex_id), { ex_applyalwaysrpid: 'on' });
  try {
    assert.equal(await settings.styleOf(rig.tenantId, CALLER.username), 'both');
    assert.equal(await settings.styleOf(rig.tenantId, CALLEE.username), 'pai');
    assert.equal(await settings.styleOf(rig.tenantId + 1000, CALLER.username), 'pai');
  } finally {
    await rig.store.objects('extension').update(rig.tenantId, Number(row.ex_id), { ex_applyalwaysrpid: '' });
  }
});
