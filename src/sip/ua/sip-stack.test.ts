// SipStack over real UDP and TCP sockets on 127.0.0.1: the delegate's answers, the §8.2 refusals, 400 for
// malformed requests, RFC 3581 stamping, responses over the request's connection, and requests we send.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseVia, type SipRequest } from '../message/index.ts';
import type { ServerTransaction } from '../transaction/index.ts';
import type { Endpoint } from '../transport/index.ts';
import { answerText, newCallId, outgoingRequest, requestText, startStack, TestClient, waitFor } from './sip-client.test-support.ts';
import type { SipStack } from './sip-stack.ts';
import type { InboundSource, SipStackDelegate } from './stack-types.ts';

interface Seen {
  readonly transaction: ServerTransaction;
  readonly request: SipRequest;
  readonly source: InboundSource;
}

const seen: Seen[] = [];
let stack: SipStack;
let udp: TestClient;
let tcp: TestClient;

const delegate: SipStackDelegate = {
  onRequest(transaction, request, source) {
    seen.push({ transaction, request, source });
    if (request.method === 'OPTIONS') stack.respond(transaction, 200, 'OK', stack.capabilityHeaders());
    else stack.respond(transaction, 486, 'Busy Here');
  },
};

const stackUdp = (): Endpoint => stack.localEndpoint('udp') ?? assert.fail('no udp');
const stackTcp = (): Endpoint => stack.localEndpoint('tcp') ?? assert.fail('no tcp');
const seenCall = (callId: string): Seen | undefined => seen.find((s) => s.request.headers.get('call-id') === callId);

before(async () => {
  stack = await startStack(delegate);
  udp = await TestClient.udp();
  tcp = await TestClient.tcp();
});

after(async () => {
  await Promise.all([stack.close(), udp.close(), tcp.close()]);
});

test('an OPTIONS reaches the delegate and its 200 comes back per §8.2.6', async () => {
  const callId = newCallId();
  await udp.send(requestText(udp, { callId, extra: ['Timestamp: 54'] }), stackUdp());
  const response = await udp.response(callId);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('cseq'), '1 OPTIONS');
  assert.equal(response.headers.get('from'), '"Alice" <sip:alice@test.invalid>;tag=a1');
  assert.match(response.headers.get('to') ?? '', /^<sip:pbx@127\.0\.0\.1>;tag=[0-9a-f]{16}$/);
  assert.equal(response.headers.get('server'), 'callgrid-test');
  assert.equal(response.headers.get('allow'), 'INVITE, BYE, OPTIONS, REGISTER, MESSAGE, ACK, CANCEL');
  assert.equal(response.headers.get('supported'), 'replaces, timer');
  assert.equal(seenCall(callId)?.request.method, 'OPTIONS');
  assert.equal(stack.snapshot().stack.answers[200] !== undefined, true);
});

test('a malformed request gets 400 with the parser reason, garbage is dropped, and the next request works', async () => {
  const before = stack.snapshot().stack;
  const callId = newCallId();
  await udp.send(requestText(udp, { callId, maxForwards: 'many' }), stackUdp());
  const refused = await udp.response(callId);
  assert.equal(refused.status, 400);
  assert.equal(refused.reason, 'Bad Max-Forwards');
  assert.match(refused.headers.get('to') ?? '', /;tag=/);
  await udp.send('this is not SIP at all\r\n\r\n', stackUdp());
  await waitFor(() => stack.snapshot().stack.malformedDropped > before.malformedDropped, 'the drop to be counted');

  const next = newCallId();
  await udp.send(requestText(udp, { callId: next }), stackUdp());
  assert.equal((await udp.response(next)).status, 200);
  const after = stack.snapshot().stack;
  assert.equal(after.malformedAnswered, before.malformedAnswered + 1);
  assert.equal(after.malformedDropped, before.malformedDropped + 1);
  assert.equal(after.answers[400], (before.answers[400] ?? 0) + 1);
  assert.equal(seenCall(callId), undefined, 'the delegate never sees a malformed request');
});

test('a Request-URI with an unknown scheme gets 416 (§8.2.2.1)', async () => {
  const callId = newCallId();
  await udp.send(requestText(udp, { callId, uri: 'nobodyKnowsThisScheme:totallyopaquecontent' }), stackUdp());
  const response = await udp.response(callId);
  assert.equal(response.status, 416);
  assert.equal(seenCall(callId), undefined);
});

test('Require with an unknown option gets 420 listing it in Unsupported (§8.2.2.3); known ones pass', async () => {
  const callId = newCallId();
  await udp.send(requestText(udp, { callId, extra: ['Require: foo, timer', 'Proxy-Require: bar'] }), stackUdp());
  const response = await udp.response(callId);
  assert.equal(response.status, 420);
  assert.equal(response.headers.get('unsupported'), 'foo');
  assert.equal(seenCall(callId), undefined);

  const known = newCallId();
  await udp.send(requestText(udp, { callId: known, extra: ['Require: Timer'] }), stackUdp());
  assert.equal((await udp.response(known)).status, 200);
});

test('Max-Forwards 0 gets 483, except on OPTIONS which the endpoint answers itself', async () => {
  const invite = newCallId();
  await udp.send(requestText(udp, { callId: invite, method: 'INVITE', maxForwards: '0' }), stackUdp());
  assert.equal((await udp.response(invite)).status, 483);
  assert.equal(seenCall(invite), undefined);

  const options = newCallId();
  await udp.send(requestText(udp, { callId: options, maxForwards: '0' }), stackUdp());
  assert.equal((await udp.response(options)).status, 200);
});

test('a known method the upper layer does not handle gets 405, an unknown one 501, both with Allow', async () => {
  const subscribe = newCallId();
  await udp.send(requestText(udp, { callId: subscribe, method: 'SUBSCRIBE', extra: ['Event: presence'] }), stackUdp());
  const r405 = await udp.response(subscribe);
  assert.equal(r405.status, 405);
  assert.equal(r405.headers.get('allow'), 'INVITE, BYE, OPTIONS, REGISTER, MESSAGE, ACK, CANCEL');

  const unknown = newCallId();
  await udp.send(requestText(udp, { callId: unknown, method: 'FROBNICATE' }), stackUdp());
  const r501 = await udp.response(unknown);
  assert.equal(r501.status, 501);
  assert.ok(r501.headers.has('allow'));
  assert.equal(seenCall(subscribe) ?? seenCall(unknown), undefined);
});

test('RFC 3581: the delegate sees received and the filled rport, and the answer goes to the source port', async () => {
  const callId = newCallId();
  const via = 'SIP/2.0/UDP phone.test.invalid:5099;branch=z9hG4bK-rport-1;rport';
  await udp.send(requestText(udp, { callId, via }), stackUdp());
  const response = await udp.response(callId); // arrives although sent-by names another host and port
  const delivered = seenCall(callId);
  assert.ok(delivered);
  const top = parseVia(delivered.request.headers.getAll('via')[0] ?? '');
  assert.ok(top.ok);
  assert.equal(top.value.params.get('received'), '127.0.0.1');
  assert.equal(top.value.params.get('rport'), String(udp.local.port));
  assert.deepEqual(delivered.source.endpoint, { protocol: 'udp', address: '127.0.0.1', port: udp.local.port });
  assert.equal(delivered.source.flowId, undefined);
  // §8.2.6.2: the response carries the Via as the stack stamped it.
  assert.equal(response.headers.getAll('via')[0], delivered.request.headers.getAll('via')[0]);
});

test('a sent-by equal to the source address gets no received parameter', async () => {
  const callId = newCallId();
  const via = `SIP/2.0/UDP 127.0.0.1:${udp.local.port};branch=z9hG4bK-norport-1`;
  await udp.send(requestText(udp, { callId, via }), stackUdp());
  await udp.response(callId);
  assert.equal(seenCall(callId)?.request.headers.getAll('via')[0], via);
});

test('a TCP request is answered over the connection it came on, not a new one to the sent-by', async () => {
  const callId = newCallId();
  // The sent-by names the client's listening port; the request goes out on an ephemeral one.
  await tcp.send(requestText(tcp, { callId }), stackTcp());
  const response = await tcp.response(callId);
  assert.equal(response.status, 200);
  const delivered = seenCall(callId);
  assert.ok(delivered?.source.flowId);
  assert.notEqual(delivered.source.endpoint.port, tcp.local.port);
  assert.equal(stack.snapshot().transports.tcp?.connectionsOpened, 1, 'the stack dialled nothing');
  assert.equal(tcp.counters().connectionsOpened, 1);
});

test('sendRequest adds Via, Max-Forwards and User-Agent, and its final promise gets the answer (UDP)', async () => {
  const callId = newCallId();
  const request = outgoingRequest('OPTIONS', 'sip:client@127.0.0.1', callId);
  const sent = stack.sendRequest(request, udp.local);
  assert.ok(sent.ok, sent.ok ? '' : sent.error);
  await waitFor(() => udp.messages().some((m) => m.headers.get('call-id') === callId), 'the OPTIONS at the client');
  const arrived = udp.messages().find((m) => m.headers.get('call-id') === callId);
  assert.ok(arrived && arrived.type === 'request');
  const via = parseVia(arrived.headers.getAll('via')[0] ?? '');
  assert.ok(via.ok);
  assert.equal(via.value.transport, 'UDP');
  assert.equal(via.value.host, '127.0.0.1');
  assert.equal(via.value.port, stackUdp().port);
  assert.match(via.value.branch ?? '', /^z9hG4bK/);
  assert.equal(via.value.params.get('rport'), null);
  assert.equal(arrived.headers.get('max-forwards'), '70');
  assert.equal(arrived.headers.get('user-agent'), 'callgrid-test');
  assert.equal(arrived.headers.get('content-length'), '0');

  const answer = answerText(arrived, 200, 'OK');
  await udp.send(answer, stackUdp());
  const outcome = await sent.value.final;
  assert.equal(outcome.kind, 'response');
  assert.equal(outcome.kind === 'response' && outcome.response.status, 200);
});

test('sendRequest with a flowId reuses the inbound TCP connection (RFC 5626)', async () => {
  const callId = newCallId();
  await tcp.send(requestText(tcp, { callId }), stackTcp());
  await tcp.response(callId);
  const source = seenCall(callId)?.source;
  assert.ok(source?.flowId);
  const out = newCallId();
  const request = outgoingRequest('OPTIONS', 'sip:client@127.0.0.1', out);
  const sent = stack.sendRequest(request, source.endpoint, source.flowId);
  assert.ok(sent.ok);
  await waitFor(() => tcp.messages().some((m) => m.headers.get('call-id') === out), 'the OPTIONS over the flow');
  assert.equal(stack.snapshot().transports.tcp?.connectionsOpened, 1);
  const arrived = tcp.messages().find((m) => m.headers.get('call-id') === out);
  assert.ok(arrived);
  assert.equal(parseVia(arrived.headers.getAll('via')[0] ?? '').ok, true);
  assert.match(arrived.headers.getAll('via')[0] ?? '', /^SIP\/2\.0\/TCP 127\.0\.0\.1:\d+;branch=z9hG4bK/);
  await tcp.send(answerText(arrived, 200, 'OK'), stackTcp());
  const outcome = await sent.value.final;
  assert.equal(outcome.kind === 'response' && outcome.response.status, 200);
});
