// buildCancel (RFC 3261 §9.1): the INVITE's Request-URI, Call-ID, To, From, CSeq number, top Via only, Routes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCancel } from './cancel-builder.ts';
import { invite, roundTrip } from './dialog-fixtures.test-support.ts';

test('CANCEL: same Request-URI, Call-ID, To, From and CSeq number; the top Via only; Routes copied', () => {
  const sent = invite({ seq: 5, route: ['<sip:p1.example.com;lr>', '<sip:p2.example.com;lr>'], extra: [['Proxy-Authorization', 'Digest x=1']] });
  const cancel = buildCancel(sent);
  assert.deepEqual(cancel.headers.getAll('via'), ['SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-inv-1;rport']);
  const parsed = roundTrip(cancel);
  assert.equal(parsed.method, 'CANCEL');
  assert.equal(parsed.uri, sent.uri);
  assert.deepEqual(parsed.headers.getAll('via'), ['SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-inv-1;rport']);
  assert.equal(parsed.headers.get('cseq'), '5 CANCEL');
  for (const name of ['from', 'to', 'call-id']) assert.equal(parsed.headers.get(name), sent.headers.get(name), name);
  assert.deepEqual(parsed.headers.getAll('route'), ['<sip:p1.example.com;lr>', '<sip:p2.example.com;lr>']);
  assert.equal(parsed.headers.get('max-forwards'), '70');
  assert.equal(parsed.headers.has('contact'), false);
  assert.equal(parsed.headers.has('proxy-authorization'), false);
  assert.equal(parsed.body.length, 0);
});

test('CANCEL: without Route in the INVITE there is none in the CANCEL', () => {
  assert.equal(buildCancel(invite()).headers.has('route'), false);
});

test('CANCEL: an unsent INVITE (no Via) or another method is a programming error', () => {
  const unsent = invite();
  unsent.headers.delete('via');
  assert.throws(() => buildCancel(unsent), RangeError);
  assert.throws(() => buildCancel({ ...invite(), method: 'BYE' }), RangeError);
});
