// Client non-INVITE transaction (RFC 3261 §17.1.2) driven through the layer on a FakeClock.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createHarness, isEmpty, isRequest, makeRequest, makeResponse, TCP_PEER, UDP_PEER } from './sip-fixtures.test-support.ts';

test('UDP: timer E doubles up to T2 (500, 1000, 2000, 4000, 4000, ...) until timer F times out', () => {
  const h = createHarness();
  const sent = h.layer.sendRequest(makeRequest('OPTIONS'), UDP_PEER);
  assert.ok(sent.ok);
  h.clock.advance(31_999);
  assert.deepEqual(h.sendTimes(isRequest('OPTIONS')), [0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
  h.clock.advance(1);
  assert.deepEqual(h.user.timeouts, [sent.value]);
  assert.ok(isEmpty(h));
});

test('Proceeding retransmits every T2; a final response completes it and timer K (T4) ends it', () => {
  const h = createHarness();
  const register = makeRequest('REGISTER');
  const sent = h.layer.sendRequest(register, UDP_PEER);
  assert.ok(sent.ok);
  h.clock.advance(100);
  h.layer.receiveResponse(makeResponse(register, 100));
  assert.equal(sent.value.state, 'proceeding');
  h.clock.advance(9_400); // to t=9.5 s
  assert.deepEqual(h.sendTimes(isRequest('REGISTER')), [0, 500, 4500, 8500]);
  h.layer.receiveResponse(makeResponse(register, 200));
  assert.equal(sent.value.state, 'completed');
  h.layer.receiveResponse(makeResponse(register, 200)); // retransmission absorbed
  assert.deepEqual(h.user.responses.map((r) => r.response.status), [100, 200]);
  h.clock.advance(4_999);
  assert.equal(sent.value.state, 'completed');
  h.clock.advance(1);
  assert.equal(sent.value.state, 'terminated');
  assert.equal(h.sendTimes(isRequest('REGISTER')).length, 4, 'no retransmission after the final response');
  assert.equal(h.user.timeouts.length, 0);
  assert.ok(isEmpty(h));
});

test('reliable transport: no timer E, timer F still applies, timer K is zero', () => {
  const h = createHarness();
  const lost = h.layer.sendRequest(makeRequest('MESSAGE', { branch: 'z9hG4bK-lost', transport: 'TCP' }), TCP_PEER);
  assert.ok(lost.ok);
  h.clock.advance(32_000);
  assert.deepEqual(h.sendTimes(isRequest('MESSAGE')), [0]);
  assert.deepEqual(h.user.timeouts, [lost.value]);

  const bye = makeRequest('BYE', { transport: 'TCP' });
  const answered = h.layer.sendRequest(bye, TCP_PEER);
  assert.ok(answered.ok);
  h.layer.receiveResponse(makeResponse(bye, 481));
  assert.equal(answered.value.state, 'terminated');
  assert.ok(isEmpty(h));
});

test('an asynchronous transport failure reported by message ends the transaction', () => {
  const h = createHarness();
  const request = makeRequest('OPTIONS');
  const sent = h.layer.sendRequest(request, UDP_PEER);
  assert.ok(sent.ok);
  h.layer.transportFailed(request);
  assert.deepEqual(h.user.transportErrors, [sent.value]);
  assert.ok(isEmpty(h));
});
