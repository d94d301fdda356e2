// buildAck (RFC 3261 §13.2.2.4): the ACK of a 2xx as an in-dialog request with the INVITE's CSeq and credentials.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildAck } from './ack-builder.ts';
import { Dialog } from './dialog.ts';
import { OUR_CONTACT, UDP_PEER, invite, responseTo, roundTrip } from './dialog-fixtures.test-support.ts';

const SENT = invite({
  seq: 12,
  contact: OUR_CONTACT,
  from: '<sip:pbx@example.com>;tag=our-tag',
  route: ['<sip:outbound.example.com;lr>'],
  extra: [['Proxy-Authorization', 'Digest username="pbx", realm="carrier", nonce="n", uri="sip:bob@example.com", response="r"'], ['Authorization', 'Digest username="pbx", realm="b", nonce="m", uri="sip:bob@example.com", response="s"']],
});
const OK = responseTo(SENT, 200, { contact: '<sip:bob@203.0.113.5:5070>', recordRoute: ['<sip:p1.example.com;lr>', '<sip:outbound.example.com;lr>'] });

function dialog(): Dialog {
  const created = Dialog.fromResponse(SENT, OK, OUR_CONTACT, UDP_PEER);
  assert.ok(created.ok);
  return created.value;
}

test('ACK: INVITE CSeq number with method ACK, Request-URI and Route of the dialog, credentials copied, no Via', () => {
  const d = dialog();
  const ack = buildAck(d, SENT, OK);
  assert.equal(ack.method, 'ACK');
  assert.equal(ack.headers.has('via'), false);
  assert.equal(d.localSeq, 12);
  const parsed = roundTrip(ack);
  assert.equal(parsed.uri, 'sip:bob@203.0.113.5:5070');
  assert.equal(parsed.headers.get('cseq'), '12 ACK');
  assert.deepEqual(parsed.headers.getAll('route'), ['<sip:outbound.example.com;lr>', '<sip:p1.example.com;lr>']);
  assert.equal(parsed.headers.get('from'), '<sip:pbx@example.com>;tag=our-tag');
  assert.equal(parsed.headers.get('to'), '"Bob" <sip:bob@example.com>;tag=bob-tag');
  assert.equal(parsed.headers.get('call-id'), 'call-1@192.0.2.10');
  assert.equal(parsed.headers.get('max-forwards'), '70');
  assert.match(parsed.headers.get('proxy-authorization') ?? '', /realm="carrier"/);
  assert.match(parsed.headers.get('authorization') ?? '', /realm="b"/);
  assert.equal(parsed.headers.has('contact'), false);
  assert.equal(parsed.body.length, 0);
  // The next request of the dialog continues after the INVITE's number.
  assert.equal(d.createRequest('BYE').headers.get('cseq'), '13 BYE');
});

test('ACK: carries the SDP answer when the INVITE had no offer', () => {
  const ack = roundTrip(buildAck(dialog(), SENT, OK, 'v=0\r\n'));
  assert.equal(ack.headers.get('content-type'), 'application/sdp');
  assert.equal(ack.body.toString(), 'v=0\r\n');
});

test('ACK: a non-2xx, another fork\'s 2xx or another INVITE\'s 2xx is a programming error', () => {
  const d = dialog();
  assert.throws(() => buildAck(d, SENT, responseTo(SENT, 180)), RangeError);
  assert.throws(() => buildAck(d, SENT, responseTo(SENT, 200, { toTag: 'fork-2' })), RangeError);
  assert.throws(() => buildAck(d, SENT, responseTo(SENT, 200, { seq: 11 })), RangeError);
});
