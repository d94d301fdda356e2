// Client INVITE transaction (RFC 3261 §17.1.1) driven through the layer on a FakeClock.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createHarness, isEmpty, isRequest, makeRequest, makeResponse, TCP_PEER, UDP_PEER } from './sip-fixtures.test-support.ts';

test('UDP: timer A doubles (500, 1000, 2000, ...) until timer B times out at 64*T1', () => {
  const h = createHarness();
  const sent = h.layer.sendRequest(makeRequest('INVITE'), UDP_PEER);
  assert.ok(sent.ok);
  h.clock.advance(31_999);
  assert.deepEqual(h.sendTimes(isRequest('INVITE')), [0, 500, 1500, 3500, 7500, 15500, 31500]);
  assert.equal(h.user.timeouts.length, 0);
  h.clock.advance(1);
  assert.equal(h.user.timeouts.length, 1);
  assert.equal(h.user.timeouts[0], sent.value);
  assert.equal(sent.value.state, 'terminated');
  assert.ok(isEmpty(h));
});

test('a provisional response stops retransmissions and timer B; a 2xx goes up, then Accepted absorbs for timer M', () => {
  const h = createHarness();
  const invite = makeRequest('INVITE');
  const sent = h.layer.sendRequest(invite, UDP_PEER);
  assert.ok(sent.ok);
  h.clock.advance(600);
  h.layer.receiveResponse(makeResponse(invite, 180));
  assert.equal(sent.value.state, 'proceeding');
  h.clock.advance(120_000); // ringing for two minutes: no retransmission, no timeout
  assert.deepEqual(h.sendTimes(isRequest('INVITE')), [0, 500]);
  assert.equal(h.user.timeouts.length, 0);
  h.layer.receiveResponse(makeResponse(invite, 200));
  assert.deepEqual(h.user.responses.map((r) => [r.response.status, r.transaction]), [[180, sent.value], [200, sent.value]]);
  assert.equal(sent.value.state, 'accepted', 'RFC 6026 §8.4');
  // 2xx retransmissions (and 2xx from other forks) still reach the TU through the transaction; a late 486 does not.
  h.layer.receiveResponse(makeResponse(invite, 200));
  h.layer.receiveResponse(makeResponse(invite, 200, 'fork-2'));
  h.layer.receiveResponse(makeResponse(invite, 486));
  assert.deepEqual(h.user.responses.slice(2).map((r) => [r.response.status, r.transaction]), [[200, sent.value], [200, sent.value]]);
  assert.equal(h.sent.filter((s) => s.message.type === 'request' && s.message.method === 'ACK').length, 0, 'the TU acknowledges a 2xx');
  h.clock.advance(31_999);
  assert.equal(sent.value.state, 'accepted');
  h.clock.advance(1);
  assert.equal(sent.value.state, 'terminated', 'timer M = 64*T1');
  // After that a retransmitted 2xx matches no transaction and goes to the core.
  h.layer.receiveResponse(makeResponse(invite, 200));
  assert.equal(h.user.responses.at(-1)?.transaction, undefined);
  assert.equal(h.user.timeouts.length, 0);
  assert.ok(isEmpty(h));
});

test('a non-2xx final response is ACKed per §17.1.1.3, retransmissions re-send the ACK only, timer D ends it', () => {
  const h = createHarness();
  const invite = makeRequest('INVITE', { routes: ['<sip:p1.example.com;lr>', '<sip:p2.example.com;lr>'], extraVia: 'SIP/2.0/UDP proxy.example.com;branch=z9hG4bK-below' });
  const sent = h.layer.sendRequest(invite, UDP_PEER);
  assert.ok(sent.ok);
  h.clock.advance(100);
  const busy = makeResponse(invite, 486, 'uas-tag');
  h.layer.receiveResponse(busy);
  assert.equal(sent.value.state, 'completed');
  const acks = h.sent.filter((s) => s.message.type === 'request' && s.message.method === 'ACK');
  assert.equal(acks.length, 1);
  const ack = acks[0]?.message;
  assert.ok(ack?.type === 'request');
  assert.equal(ack.uri, invite.uri);
  assert.deepEqual(ack.headers.getAll('via'), ['SIP/2.0/UDP client.example.com:5060;branch=z9hG4bK-test-1'], 'a single Via, the top one');
  assert.equal(ack.headers.get('to'), '<sip:bob@example.com>;tag=uas-tag');
  assert.equal(ack.headers.get('from'), invite.headers.get('from'));
  assert.equal(ack.headers.get('call-id'), invite.headers.get('call-id'));
  assert.equal(ack.headers.get('cseq'), '1 ACK');
  assert.deepEqual(ack.headers.getAll('route'), ['<sip:p1.example.com;lr>', '<sip:p2.example.com;lr>']);
  assert.equal(acks[0]?.destination, UDP_PEER);

  h.layer.receiveResponse(busy);
  h.layer.receiveResponse(busy);
  assert.equal(h.sent.filter((s) => s.message === ack).length, 3);
  assert.equal(h.user.responses.length, 1, 'retransmitted finals are not passed up');
  h.clock.advance(31_999);
  assert.equal(sent.value.state, 'completed');
  assert.deepEqual(h.sendTimes(isRequest('INVITE')), [0], 'no retransmission after the final response');
  h.clock.advance(1);
  assert.equal(sent.value.state, 'terminated');
  assert.equal(h.user.timeouts.length, 0);
  assert.ok(isEmpty(h));
});

test('reliable transport: no timer A, timer B still applies, timer D is zero', () => {
  const h = createHarness();
  const first = h.layer.sendRequest(makeRequest('INVITE', { branch: 'z9hG4bK-a', transport: 'TCP' }), TCP_PEER);
  assert.ok(first.ok);
  h.clock.advance(32_000);
  assert.deepEqual(h.sendTimes(isRequest('INVITE')), [0]);
  assert.equal(h.user.timeouts[0], first.value);

  const invite = makeRequest('INVITE', { branch: 'z9hG4bK-b', transport: 'TCP' });
  const second = h.layer.sendRequest(invite, TCP_PEER);
  assert.ok(second.ok);
  h.layer.receiveResponse(makeResponse(invite, 603));
  assert.equal(second.value.state, 'terminated', 'Timer D is zero on a reliable transport');
  assert.equal(h.sent.filter((s) => s.message.type === 'request' && s.message.method === 'ACK').length, 1);
  assert.ok(isEmpty(h));
});

test('a transport failure informs the TU and terminates', () => {
  const h = createHarness();
  h.failSends(true);
  const sent = h.layer.sendRequest(makeRequest('INVITE'), UDP_PEER);
  assert.ok(sent.ok);
  assert.equal(sent.value.state, 'terminated');
  assert.deepEqual(h.user.transportErrors, [sent.value]);
  assert.ok(isEmpty(h));

  // A failure on a retransmission (timer A) ends it the same way.
  h.failSends(false);
  const again = h.layer.sendRequest(makeRequest('INVITE', { branch: 'z9hG4bK-2' }), UDP_PEER);
  assert.ok(again.ok);
  h.failSends(true);
  h.clock.advance(500);
  assert.equal(again.value.state, 'terminated');
  assert.equal(h.user.transportErrors.length, 2);
  assert.ok(isEmpty(h));
});
