// MESSAGEs from a carrier's address on the messaging rig (real SipStack over FakeTransport): handed to the inbound SMS
// port without a digest challenge (DID from the Request-URI, sender from the From, the text/plain body), answered 202;
// the port's refusals answered 404/400/500; bodies that are no text refused 415; a phone's MESSAGE still needs its digest.
// The whole path on real sockets and the real use case: services/sms/inbound-sms.sockets.test.ts.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { PbxError } from '../../../shared/index.ts';
import type { Endpoint, SipResponse } from '../../../sip/index.ts';
import type { SipTrunkTarget } from '../../dialplan/index.ts';
import { MessagePhone, startRig, type Rig } from '../messaging-rig.test-support.ts';

const CARRIER: Endpoint = { protocol: 'udp', address: '203.0.113.5', port: 5060 };

async function send(rig: Rig, to: string, body: string, contentType = 'text/plain;charset=UTF-8'): Promise<SipResponse> {
  const callId = `${randomBytes(6).toString('hex')}@carrier`;
  const uri = `sip:${to}@pbx.example.com`;
  const lines = [`MESSAGE ${uri} SIP/2.0`, `Via: SIP/2.0/UDP 203.0.113.5:5060;branch=z9hG4bK${randomBytes(6).toString('hex')}`, 'Max-Forwards: 70', `From: <sip:%2B41791112233@carrier.example>;tag=c1`, `To: <${uri}>`, `Call-ID: ${callId}`, 'CSeq: 1 MESSAGE', `Content-Type: ${contentType}`, `Content-Length: ${Buffer.byteLength(body)}`, '', body];
  rig.fake.inject(lines.join('\r\n'), CARRIER);
  for (let i = 0; i < 300; i++) {
    const found = rig.sent().find((m): m is SipResponse => m.type === 'response' && m.status >= 200 && m.headers.get('call-id') === callId);
    if (found !== undefined) return found;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('no answer');
}

test('a carrier MESSAGE is an inbound SMS for the port; refusals and non-text bodies are answered; phones still authenticate', async () => {
  const rig = await startRig();
  const received: unknown[] = [];
  try {
    rig.messaging.attachTrunks({
      carriers: { carrierAt: async (source) => (source.address === CARRIER.address && source.port === CARRIER.port ? ({ providerId: 7 } as SipTrunkTarget) : undefined) },
      inbound: {
        async receive(providerId, sms) {
          if (sms.to === '+41449999999') throw new PbxError('not_found', 'No DID');
          if (sms.to === '+41440000000') throw new Error('store down');
          received.push({ providerId, ...sms });
          return { id: 1 };
        },
      },
    });
    assert.equal((await send(rig, '+41445550100', 'Grüezi')).status, 202);
    assert.deepEqual(received, [{ providerId: 7, from: '+41791112233', to: '+41445550100', text: 'Grüezi' }]);
    assert.equal((await send(rig, '+41449999999', 'x')).status, 404);
    assert.equal((await send(rig, '+41440000000', 'x')).status, 500);
    const typing = await send(rig, '+41445550100', '<isComposing/>', 'application/im-iscomposing+xml');
    assert.equal(typing.status, 415);
    assert.equal(typing.headers.get('accept'), 'text/plain;charset=UTF-8');
    assert.equal((await send(rig, '+41445550100', 'x', 'text/plain;charset=ISO-8859-1')).status, 415);
    assert.equal(received.length, 1);
    // Not the carrier's address: a phone's MESSAGE, challenged as before.
    const phone = new MessagePhone(rig, '100-ACME', 'wrong-password');
    assert.equal((await phone.send('101', 'hello')).status, 407);
  } finally {
    await rig.close();
  }
});
