// RFC 3261 §15 on real loopback UDP with scripted phones: when the callee hangs up in the moment between the PBX's
// 200 to the caller and the caller's ACK, the PBX holds its BYE to the caller until that ACK arrives, so the BYE
// cannot overtake the 2xx (a caller that sees a BYE for a dialog it has not confirmed may drop it).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SipPhone } from '../../../test/support/sip-phone.ts';
import { CALLEE, CALLER, sleep, startCallRig, waitFor, type CallRig } from './b2bua-sipp.test-support.ts';

let rig: CallRig;
before(async () => {
  rig = await startCallRig();
});
after(async () => {
  await rig?.close();
});

test('a BYE decided before the caller ACKed waits for the ACK, then goes at once', { timeout: 20_000 }, async () => {
  const alice = await SipPhone.open(CALLER, rig.pbxPort);
  const bob = await SipPhone.open(CALLEE, rig.pbxPort);
  try {
    await Promise.all([alice.register(), bob.register()]);
    const answered = bob.answer();
    const callerDialog = await alice.call(CALLEE.number, { ack: false });
    const calleeDialog = await answered;
    const bye = alice.nextRequest((m) => m.method === 'BYE' && m.header('call-id') === callerDialog.callId);
    let byeArrived = false;
    void bye.then(() => (byeArrived = true));
    assert.equal((await bob.request(calleeDialog, 'BYE')).status, 200);
    await waitFor(() => rig.node.b2bua.activeCalls === 0);
    // The call is over on the PBX's side; the caller's BYE is still held (its 2xx keeps being retransmitted).
    await sleep(700);
    assert.equal(byeArrived, false, 'the PBX sent BYE before the caller ACKed its 200');
    alice.ack(callerDialog);
    const request = await bye;
    assert.equal(request.header('cseq')?.endsWith('BYE'), true);
  } finally {
    alice.close();
    bob.close();
  }
});
