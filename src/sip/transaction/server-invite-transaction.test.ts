// Server INVITE transaction (RFC 3261 §17.2.1) driven through the layer on a FakeClock.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createHarness, isEmpty, isStatus, makeRequest, makeResponse, TCP_PEER, UDP_PEER } from './sip-fixtures.test-support.ts';

test('sends 100 Trying after 200 ms when the TU is silent, and re-sends it for a retransmitted INVITE', () => {
  const h = createHarness();
  const invite = makeRequest('INVITE', { extraVia: 'SIP/2.0/UDP proxy.example.com;branch=z9hG4bK-p' });
  invite.headers.append('Timestamp', '54');
  h.layer.receiveRequest(invite, UDP_PEER);
  h.clock.advance(199);
  assert.equal(h.sent.length, 0);
  h.clock.advance(1);
  const trying = h.sent[0];
  assert.ok(trying?.message.type === 'response' && trying.message.status === 100);
  assert.deepEqual(trying.message.headers.getAll('via'), invite.headers.getAll('via'));
  assert.equal(trying.message.headers.get('timestamp'), '54');
  assert.equal(trying.destination, UDP_PEER);
  h.layer.receiveRequest(makeRequest('INVITE', { extraVia: 'SIP/2.0/UDP proxy.example.com;branch=z9hG4bK-p' }), UDP_PEER);
  assert.deepEqual(h.sendTimes(isStatus(100)), [200, 200]);
  assert.equal(h.user.requests.length, 1, 'the retransmission is absorbed');
  h.layer.close();
  assert.ok(isEmpty(h));
});

test('no 100 Trying when the TU answers within 200 ms', () => {
  const h = createHarness();
  const invite = makeRequest('INVITE');
  h.layer.receiveRequest(invite, UDP_PEER);
  h.clock.advance(50);
  h.user.requests[0]?.transaction.respond(makeResponse(invite, 180));
  h.clock.advance(1_000);
  assert.deepEqual(h.sent.map((s) => (s.message.type === 'response' ? s.message.status : 0)), [180]);
  h.layer.receiveRequest(makeRequest('INVITE'), UDP_PEER);
  assert.deepEqual(h.sendTimes(isStatus(180)), [50, 1050], 'a retransmission gets the latest provisional');
  h.layer.close();
  assert.ok(isEmpty(h));
});

test('UDP: timer G retransmits a non-2xx final until the ACK, then timer I ends it', () => {
  const h = createHarness();
  const invite = makeRequest('INVITE');
  h.user.answer = (transaction) => transaction.respond(makeResponse(invite, 486));
  h.layer.receiveRequest(invite, UDP_PEER);
  const transaction = h.user.requests[0]?.transaction;
  assert.equal(transaction?.state, 'completed');
  h.clock.advance(11_600);
  assert.deepEqual(h.sendTimes(isStatus(486)), [0, 500, 1500, 3500, 7500, 11500]);
  h.layer.receiveRequest(makeRequest('INVITE'), UDP_PEER); // a retransmitted INVITE gets the final response again
  assert.equal(h.sendTimes(isStatus(486)).length, 7);
  h.layer.receiveRequest(makeRequest('ACK'), UDP_PEER);
  assert.equal(transaction.state, 'confirmed');
  h.layer.receiveRequest(makeRequest('ACK'), UDP_PEER); // absorbed in Confirmed
  assert.equal(h.user.acks.length, 0, 'ACKs for a non-2xx stay in the transaction');
  h.clock.advance(4_999);
  assert.equal(transaction.state, 'confirmed');
  assert.equal(h.sendTimes(isStatus(486)).length, 7, 'retransmissions stopped at the ACK');
  h.clock.advance(1);
  assert.equal(transaction.state, 'terminated');
  assert.equal(h.user.timeouts.length, 0);
  assert.ok(isEmpty(h));
});

test('timer G after a busy spell: an ACK already waiting is read before the retransmission, which then never goes', () => {
  // The input waiting on the sockets, as the event loop would read it before a setImmediate callback.
  const deferred: Array<() => void> = [];
  const h = createHarness({ afterPendingInput: (retransmit) => deferred.push(retransmit) });
  const invite = makeRequest('INVITE');
  h.user.answer = (transaction) => transaction.respond(makeResponse(invite, 407));
  h.layer.receiveRequest(invite, UDP_PEER);
  h.clock.advance(500);
  assert.equal(deferred.length, 1, 'timer G fired and waits for the pending input');
  h.layer.receiveRequest(makeRequest('ACK'), UDP_PEER);
  for (const retransmit of deferred.splice(0)) retransmit();
  assert.deepEqual(h.sendTimes(isStatus(407)), [0], 'no 407 after the ACK');
  // Without an ACK in the meantime the deferred retransmission goes, and G goes on doubling.
  const g = createHarness({ afterPendingInput: (retransmit) => deferred.push(retransmit) });
  g.user.answer = (transaction) => transaction.respond(makeResponse(invite, 407));
  g.layer.receiveRequest(makeRequest('INVITE'), UDP_PEER);
  g.clock.advance(500);
  for (const retransmit of deferred.splice(0)) retransmit();
  g.clock.advance(1000);
  for (const retransmit of deferred.splice(0)) retransmit();
  assert.deepEqual(g.sendTimes(isStatus(407)), [0, 500, 1500]);
  h.layer.close();
  g.layer.close();
});

test('timer H: no ACK within 64*T1 is a transaction failure', () => {
  const h = createHarness();
  const invite = makeRequest('INVITE');
  h.user.answer = (transaction) => transaction.respond(makeResponse(invite, 404));
  h.layer.receiveRequest(invite, UDP_PEER);
  h.clock.advance(31_999);
  assert.deepEqual(h.sendTimes(isStatus(404)), [0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
  assert.equal(h.user.timeouts.length, 0);
  h.clock.advance(1);
  assert.equal(h.user.timeouts.length, 1);
  assert.ok(isEmpty(h));
});

test('a 2xx enters Accepted (RFC 6026): INVITE retransmissions absorbed, TU 2xx retransmissions sent, ACKs to the TU, timer L', () => {
  const h = createHarness();
  const invite = makeRequest('INVITE');
  h.layer.receiveRequest(invite, UDP_PEER);
  const transaction = h.user.requests[0]?.transaction;
  const ok = makeResponse(invite, 200);
  assert.equal(transaction?.respond(ok), true);
  assert.equal(transaction.state, 'accepted');
  h.clock.advance(500);
  h.layer.receiveRequest(makeRequest('INVITE'), UDP_PEER);
  assert.equal(h.user.requests.length, 1, 'the retransmitted INVITE is not a new request');
  assert.deepEqual(h.sendTimes(isStatus(200)), [0], 'and is not answered by the transaction: the TU retransmits 2xx');
  assert.equal(transaction.respond(ok), true, 'the TU retransmits its 2xx through the transaction');
  assert.equal(transaction.respond(makeResponse(invite, 486)), false);
  assert.deepEqual(h.sendTimes(isStatus(200)), [0, 500]);
  assert.equal(h.sent.length, 2, 'no 100 Trying after a quick 2xx');
  h.layer.receiveRequest(makeRequest('ACK', { branch: 'z9hG4bK-ack-2xx', toTag: 'to-1' }), UDP_PEER);
  h.layer.receiveRequest(makeRequest('ACK', { toTag: 'to-1' }), UDP_PEER); // even one reusing the INVITE's branch
  assert.equal(h.user.acks.length, 2);
  h.clock.advance(31_499);
  assert.equal(transaction.state, 'accepted');
  h.clock.advance(1);
  assert.equal(transaction.state, 'terminated', 'timer L = 64*T1 after the 2xx');
  assert.equal(h.user.timeouts.length, 0);
  assert.ok(isEmpty(h));
});

test('reliable transport: no timer G, timer H still applies, timer I is zero', () => {
  const h = createHarness();
  const invite = makeRequest('INVITE', { transport: 'TCP' });
  h.user.answer = (transaction) => transaction.respond(makeResponse(invite, 480));
  h.layer.receiveRequest(invite, TCP_PEER);
  h.clock.advance(10_000);
  assert.deepEqual(h.sendTimes(isStatus(480)), [0]);
  h.layer.receiveRequest(makeRequest('ACK', { transport: 'TCP' }), TCP_PEER);
  assert.equal(h.user.requests[0]?.transaction.state, 'terminated');
  assert.ok(isEmpty(h));

  const lost = makeRequest('INVITE', { branch: 'z9hG4bK-2', transport: 'TCP' });
  h.user.answer = (transaction) => transaction.respond(makeResponse(lost, 500));
  h.layer.receiveRequest(lost, TCP_PEER);
  h.clock.advance(32_000);
  assert.equal(h.user.timeouts.length, 1);
  assert.ok(isEmpty(h));
});
