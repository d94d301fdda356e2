// Requests within a dialog (RFC 3261 §12.2.1.1): loose and strict routing, CSeq, headers and body.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Dialog } from './dialog.ts';
import { OUR_CONTACT, UDP_PEER, invite, roundTrip } from './dialog-fixtures.test-support.ts';
import { requestTarget } from './in-dialog-request.ts';

function uasDialog(recordRoute: string[] = []): Dialog {
  const created = Dialog.fromIncomingInvite(invite({ recordRoute }), 'our-tag', OUR_CONTACT, UDP_PEER);
  assert.ok(created.ok);
  return created.value;
}

test('loose routing: Request-URI = remote target, Route = the route set in order with all parameters', () => {
  const dialog = uasDialog(['<sip:p1.example.com;lr;ftag=x>', '<sip:p2.example.com;lr>']);
  const bye = roundTrip(dialog.createRequest('BYE'));
  assert.equal(bye.method, 'BYE');
  assert.equal(bye.uri, 'sip:alice@192.0.2.10:5060;transport=udp');
  assert.deepEqual(bye.headers.getAll('route'), ['<sip:p1.example.com;lr;ftag=x>', '<sip:p2.example.com;lr>']);
});

test('no route set: Request-URI = remote target and no Route header', () => {
  const bye = roundTrip(uasDialog().createRequest('BYE'));
  assert.equal(bye.uri, 'sip:alice@192.0.2.10:5060;transport=udp');
  assert.equal(bye.headers.has('route'), false);
});

test('strict routing: first route becomes the Request-URI (method and headers stripped), target goes last', () => {
  const dialog = uasDialog(['<sip:strict.example.com;method=INVITE;maddr=192.0.2.60?Subject=x>', '<sip:p2.example.com;lr>']);
  const bye = roundTrip(dialog.createRequest('BYE'));
  assert.equal(bye.uri, 'sip:strict.example.com;maddr=192.0.2.60');
  assert.deepEqual(bye.headers.getAll('route'), ['<sip:p2.example.com;lr>', '<sip:alice@192.0.2.10:5060;transport=udp>']);
  assert.deepEqual(requestTarget('sip:t@192.0.2.1', ['<sip:only.example.com>']), { uri: 'sip:only.example.com', routes: ['<sip:t@192.0.2.1>'] });
});

test('CSeq: +1 per request, contiguous; ACK and CANCEL are refused here (their builders keep the INVITE number)', () => {
  const dialog = uasDialog();
  assert.deepEqual(['INFO', 'INVITE', 'BYE'].map((method) => dialog.createRequest(method).headers.get('cseq')), ['1 INFO', '2 INVITE', '3 BYE']);
  assert.equal(dialog.localSeq, 3);
  assert.throws(() => dialog.createRequest('ACK'), RangeError);
  assert.throws(() => dialog.createRequest('CANCEL'), RangeError);
  assert.equal(dialog.localSeq, 3);
});

test('headers: From = local URI + local tag, To = remote URI + remote tag, Call-ID, Contact, Max-Forwards 70', () => {
  const dialog = uasDialog();
  const request = roundTrip(dialog.createRequest('INFO', { headers: [['Reason', 'SIP;cause=200'], ['X-Extra', '1']] }));
  assert.equal(request.headers.get('from'), '"Bob" <sip:bob@example.com>;tag=our-tag');
  assert.equal(request.headers.get('to'), '"Alice" <sip:alice@example.com>;tag=alice-tag');
  assert.equal(request.headers.get('call-id'), 'call-1@192.0.2.10');
  assert.equal(request.headers.get('contact'), OUR_CONTACT);
  assert.equal(request.headers.get('max-forwards'), '70');
  assert.equal(request.headers.get('reason'), 'SIP;cause=200');
  assert.equal(request.headers.get('x-extra'), '1');
  assert.equal(request.headers.get('content-length'), '0');
  assert.equal(request.headers.has('content-type'), false);
});

test('headers given by the caller replace Max-Forwards and Contact rather than doubling them', () => {
  const request = uasDialog().createRequest('INVITE', { headers: [['Max-Forwards', '10'], ['Contact', '<sip:other@198.51.100.2>']] });
  assert.deepEqual(request.headers.getAll('max-forwards'), ['10']);
  assert.deepEqual(request.headers.getAll('contact'), ['<sip:other@198.51.100.2>']);
});

test('body: Content-Type defaults to SDP, can be given, and Content-Length comes from the serializer', () => {
  const dialog = uasDialog();
  const sdp = 'v=0\r\no=- 1 2 IN IP4 198.51.100.1\r\ns=-\r\n';
  const reinvite = roundTrip(dialog.createRequest('INVITE', { body: sdp }));
  assert.equal(reinvite.headers.get('content-type'), 'application/sdp');
  assert.equal(reinvite.headers.get('content-length'), String(Buffer.byteLength(sdp)));
  assert.equal(reinvite.body.toString('utf8'), sdp);
  const info = roundTrip(dialog.createRequest('INFO', { body: Buffer.from('Signal=5\r\nDuration=160\r\n'), contentType: 'application/dtmf-relay' }));
  assert.equal(info.headers.get('content-type'), 'application/dtmf-relay');
  const own = dialog.createRequest('MESSAGE', { body: 'hi', headers: [['c', 'text/plain']] });
  assert.deepEqual(own.headers.getAll('content-type'), ['text/plain']);
});
