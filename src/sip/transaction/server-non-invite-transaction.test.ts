// Server non-INVITE transaction (RFC 3261 §17.2.2) driven through the layer on a FakeClock.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createHarness, isEmpty, isStatus, makeRequest, makeResponse, TCP_PEER, UDP_PEER } from './sip-fixtures.test-support.ts';

test('Trying discards retransmissions, Proceeding re-sends the provisional, Completed the final; timer J ends it', () => {
  const h = createHarness();
  const request = makeRequest('REGISTER');
  h.layer.receiveRequest(request, UDP_PEER);
  const transaction = h.user.requests[0]?.transaction;
  assert.equal(transaction?.state, 'trying');
  h.clock.advance(500);
  h.layer.receiveRequest(makeRequest('REGISTER'), UDP_PEER);
  assert.equal(h.sent.length, 0, 'no 100 Trying for non-INVITE, and Trying discards retransmissions');

  transaction.respond(makeResponse(request, 100));
  assert.equal(transaction.state, 'proceeding');
  h.clock.advance(1000);
  h.layer.receiveRequest(makeRequest('REGISTER'), UDP_PEER);
  assert.deepEqual(h.sendTimes(isStatus(100)), [500, 1500]);

  assert.equal(transaction.respond(makeResponse(request, 200)), true);
  assert.equal(transaction.state, 'completed');
  assert.equal(transaction.respond(makeResponse(request, 500)), false, 'later finals are discarded');
  h.clock.advance(1000);
  h.layer.receiveRequest(makeRequest('REGISTER'), UDP_PEER);
  assert.deepEqual(h.sendTimes(isStatus(200)), [1500, 2500]);
  assert.deepEqual(h.sendTimes(isStatus(500)), []);
  assert.equal(h.user.requests.length, 1);

  h.clock.advance(30_999); // J = 64*T1 from entering Completed at t=1.5 s
  assert.equal(transaction.state, 'completed');
  h.clock.advance(1);
  assert.equal(transaction.state, 'terminated');
  assert.ok(isEmpty(h));
});

test('reliable transport: timer J is zero', () => {
  const h = createHarness();
  const request = makeRequest('OPTIONS', { transport: 'TCP' });
  h.user.answer = (transaction) => transaction.respond(makeResponse(request, 200));
  h.layer.receiveRequest(request, TCP_PEER);
  assert.equal(h.user.requests[0]?.transaction.state, 'terminated');
  assert.ok(isEmpty(h));
});

test('a send failure on the response informs the TU', () => {
  const h = createHarness();
  const request = makeRequest('OPTIONS');
  h.layer.receiveRequest(request, UDP_PEER);
  h.failSends(true);
  const transaction = h.user.requests[0]?.transaction;
  assert.equal(transaction?.respond(makeResponse(request, 200)), false);
  assert.deepEqual(h.user.transportErrors, [transaction]);
  assert.ok(isEmpty(h));
});
