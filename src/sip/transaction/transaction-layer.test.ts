// Matching in the transaction layer (RFC 3261 §17.1.3, §17.2.3) and its bookkeeping.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from '../../shared/index.ts';
import { MAGIC_COOKIE, newBranch } from './branch.ts';
import { createHarness, isEmpty, isRequest, makeRequest, makeResponse, RecordingUser, UDP_PEER } from './sip-fixtures.test-support.ts';
import { TransactionLayer } from './transaction-layer.ts';

test('responses are routed by top Via branch and CSeq method', () => {
  const h = createHarness();
  const invite = makeRequest('INVITE', { branch: 'z9hG4bK-one' });
  const cancel = makeRequest('CANCEL', { branch: 'z9hG4bK-one' }); // §9.1: CANCEL reuses the INVITE's branch
  const options = makeRequest('OPTIONS', { branch: 'z9hG4bK-two' });
  const a = h.layer.sendRequest(invite, UDP_PEER);
  const b = h.layer.sendRequest(cancel, UDP_PEER);
  const c = h.layer.sendRequest(options, UDP_PEER);
  assert.ok(a.ok && b.ok && c.ok);
  assert.equal(h.layer.clientCount, 3);
  h.layer.receiveResponse(makeResponse(cancel, 200));
  h.layer.receiveResponse(makeResponse(options, 200));
  h.layer.receiveResponse(makeResponse(invite, 487));
  h.layer.receiveResponse(makeResponse(makeRequest('OPTIONS', { branch: 'z9hG4bK-unknown' }), 200));
  assert.deepEqual(
    h.user.responses.map((r) => [r.response.status, r.transaction]),
    [[200, b.value], [200, c.value], [487, a.value], [200, undefined]],
  );
  h.clock.advance(32_000);
  assert.ok(isEmpty(h));
});

test('sendRequest refuses an ACK, a branch without the magic cookie and a duplicate', () => {
  const h = createHarness();
  assert.equal(h.layer.sendRequest(makeRequest('ACK'), UDP_PEER).ok, false);
  assert.equal(h.layer.sendRequest(makeRequest('INVITE', { branch: 'old-style-branch' }), UDP_PEER).ok, false);
  assert.equal(h.layer.sendRequest(makeRequest('INVITE'), UDP_PEER).ok, true);
  assert.equal(h.layer.sendRequest(makeRequest('INVITE'), UDP_PEER).ok, false);
  assert.equal(h.layer.clientCount, 1);
  h.layer.close();
  assert.ok(isEmpty(h));
});

test('newBranch starts with the magic cookie and does not repeat', () => {
  const branches = new Set(Array.from({ length: 1000 }, () => newBranch()));
  assert.equal(branches.size, 1000);
  for (const branch of branches) assert.ok(branch.startsWith(MAGIC_COOKIE) && /^[A-Za-z0-9_-]+$/.test(branch));
});

test('a retransmitted request is absorbed and gets the last response again', () => {
  const h = createHarness();
  const request = makeRequest('OPTIONS');
  h.user.answer = (transaction) => transaction.respond(makeResponse(request, 200));
  for (let i = 0; i < 3; i++) h.layer.receiveRequest(makeRequest('OPTIONS'), UDP_PEER);
  assert.equal(h.user.requests.length, 1);
  assert.equal(h.sent.length, 3);
  assert.ok(h.sent.every((s) => s.message === h.sent[0]?.message && s.destination === UDP_PEER));
  h.clock.advance(32_000);
  assert.ok(isEmpty(h));
});

test('same branch but another sent-by or method is another transaction', () => {
  const h = createHarness();
  h.layer.receiveRequest(makeRequest('INVITE'), UDP_PEER);
  h.layer.receiveRequest(makeRequest('INVITE', { sentBy: 'other.example.com' }), UDP_PEER);
  h.layer.receiveRequest(makeRequest('INVITE', { sentBy: 'CLIENT.example.com:5060' }), UDP_PEER); // host case does not matter
  h.layer.receiveRequest(makeRequest('CANCEL'), UDP_PEER);
  assert.deepEqual(h.user.requests.map((r) => r.transaction.kind), ['server-invite', 'server-invite', 'server-non-invite']);
  assert.equal(h.layer.serverCount, 3);
  h.layer.close();
  assert.ok(isEmpty(h));
});

test('CANCEL gets its own transaction and finds its INVITE by the §17.2.3 rules', () => {
  const h = createHarness();
  const invite = makeRequest('INVITE');
  h.layer.receiveRequest(invite, UDP_PEER);
  const cancel = makeRequest('CANCEL');
  h.layer.receiveRequest(cancel, UDP_PEER);
  const inviteTransaction = h.user.requests[0]?.transaction;
  const cancelTransaction = h.user.requests[1]?.transaction;
  assert.equal(cancelTransaction?.kind, 'server-non-invite');
  assert.equal(h.layer.findInviteTransaction(cancel), inviteTransaction);
  assert.equal(h.layer.findInviteTransaction(makeRequest('CANCEL', { branch: 'z9hG4bK-other' })), undefined);
  assert.equal(h.layer.findInviteTransaction(makeRequest('CANCEL', { sentBy: 'evil.example.com' })), undefined);

  // The UAS core's usual reaction: 200 to the CANCEL, 487 to the INVITE, then the ACK completes the INVITE.
  cancelTransaction.respond(makeResponse(cancel, 200));
  inviteTransaction?.respond(makeResponse(invite, 487));
  h.layer.receiveRequest(makeRequest('ACK'), UDP_PEER);
  assert.equal(inviteTransaction?.state, 'confirmed');
  h.clock.advance(32_000);
  assert.equal(h.user.terminated.length, 2);
  assert.ok(isEmpty(h));
});

test('RFC 2543 requests (no magic cookie) match by Request-URI, From tag, Call-ID, CSeq and top Via', () => {
  const h = createHarness();
  const invite = makeRequest('INVITE', { branch: 'old1' });
  h.user.answer = (transaction) => transaction.respond(makeResponse(invite, 486, 'our-tag'));
  h.layer.receiveRequest(invite, UDP_PEER);
  h.layer.receiveRequest(makeRequest('INVITE', { branch: 'old1' }), UDP_PEER);
  assert.equal(h.user.requests.length, 1);
  assert.equal(h.sent.length, 2);
  h.layer.receiveRequest(makeRequest('INVITE', { branch: 'old1', fromTag: 'other' }), UDP_PEER);
  assert.equal(h.user.requests.length, 2, 'another From tag is another transaction');
  assert.equal(h.layer.findInviteTransaction(makeRequest('CANCEL', { branch: 'old1' })), h.user.requests[0]?.transaction);
  h.layer.receiveRequest(makeRequest('ACK', { branch: 'old1', toTag: 'not-ours' }), UDP_PEER);
  assert.equal(h.user.acks.length, 1, 'an ACK with another To tag is not for our response');
  h.layer.receiveRequest(makeRequest('ACK', { branch: 'old1', toTag: 'our-tag' }), UDP_PEER);
  assert.equal(h.user.requests[0]?.transaction.state, 'confirmed');
  h.layer.close();
  assert.ok(isEmpty(h));
});

test('messages without a usable Via are dropped and counted', () => {
  const h = createHarness();
  const request = makeRequest('OPTIONS');
  request.headers.delete('via');
  h.layer.receiveRequest(request, UDP_PEER);
  const response = makeResponse(makeRequest('OPTIONS'), 200);
  response.headers.delete('cseq');
  h.layer.receiveResponse(response);
  assert.equal(h.layer.dropped, 2);
  assert.equal(h.user.requests.length + h.user.responses.length, 0);
});

test('T1, T2 and T4 are configurable', () => {
  const clock = new FakeClock();
  const times: number[] = [];
  const start = clock.now().getTime();
  const user = new RecordingUser();
  const layer = new TransactionLayer({ clock, user, timers: { t1: 100, t2: 400, t4: 1000 }, send: () => times.push(clock.now().getTime() - start) });
  const sent = layer.sendRequest(makeRequest('OPTIONS'), UDP_PEER);
  assert.ok(sent.ok);
  clock.advance(6_400);
  assert.deepEqual(times, [0, 100, 300, 700, 1100, 1500, 1900, 2300, 2700, 3100, 3500, 3900, 4300, 4700, 5100, 5500, 5900, 6300]);
  assert.deepEqual(user.timeouts, [sent.value]);
  assert.equal(clock.pendingTimers(), 0);
});

test('a full UDP call setup and teardown leaves nothing behind', () => {
  const h = createHarness();
  const invite = makeRequest('INVITE', { branch: newBranch() });
  const call = h.layer.sendRequest(invite, UDP_PEER);
  assert.ok(call.ok);
  h.layer.receiveResponse(makeResponse(invite, 100));
  h.layer.receiveResponse(makeResponse(invite, 180));
  h.layer.receiveResponse(makeResponse(invite, 200));
  const bye = makeRequest('BYE', { branch: newBranch(), seq: 2, toTag: 'to-1' });
  const hangup = h.layer.sendRequest(bye, UDP_PEER);
  assert.ok(hangup.ok);
  h.clock.advance(700);
  h.layer.receiveResponse(makeResponse(bye, 200));
  assert.deepEqual(h.sendTimes(isRequest('BYE')), [0, 500]);
  h.clock.advance(5_000);
  assert.equal(h.user.terminated.length, 1, 'the BYE after timer K; the INVITE waits for timer M');
  h.clock.advance(27_000);
  assert.equal(h.user.terminated.length, 2);
  assert.ok(isEmpty(h));
});
