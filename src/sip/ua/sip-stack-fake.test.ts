// SipStack over FakeTransport and FakeClock: CANCEL (§9.2), retransmissions, connection flows, a throwing
// delegate, and the outcomes of requests we send (timeout, foreign responses, shutdown, ACK).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, silentLogger } from '../../shared/index.ts';
import { parseMessage, type SipMessage, type SipRequest, type SipResponse } from '../message/index.ts';
import type { ServerInviteTransaction, ServerTransaction } from '../transaction/index.ts';
import type { Endpoint } from '../transport/index.ts';
import { FakeTransport } from './fake-transport.ts';
import { answerText, outgoingRequest } from './sip-client.test-support.ts';
import { SipStack } from './sip-stack.ts';
import type { SipStackDelegate } from './stack-types.ts';

const PHONE: Endpoint = { protocol: 'udp', address: '192.0.2.20', port: 5062 };

interface Rig {
  readonly stack: SipStack;
  readonly fake: FakeTransport;
  readonly clock: FakeClock;
  readonly requests: Array<{ transaction: ServerTransaction; request: SipRequest }>;
  readonly cancelled: ServerInviteTransaction[];
  readonly responses: SipResponse[];
  /** What was sent, parsed. */
  sent(): SipMessage[];
}

async function rig(onRequest?: SipStackDelegate['onRequest'], local: Endpoint = { protocol: 'udp', address: '192.0.2.1', port: 5060 }): Promise<Rig> {
  const fake = new FakeTransport(local);
  const clock = new FakeClock();
  const requests: Rig['requests'] = [];
  const cancelled: ServerInviteTransaction[] = [];
  const responses: SipResponse[] = [];
  const stack = await SipStack.start(
    { transports: [(listener) => fake.attach(listener)], clock, logger: silentLogger, allow: ['INVITE', 'BYE', 'OPTIONS'], userAgent: 'ua-test' },
    {
      onRequest(transaction, request, source) {
        requests.push({ transaction, request });
        onRequest?.(transaction, request, source);
      },
      onCancel: (invite) => cancelled.push(invite),
      onResponse: (response) => responses.push(response),
    },
  );
  const sent = (): SipMessage[] =>
    fake.sent.map((packet) => {
      const parsed = parseMessage(packet.data);
      if (!parsed.ok) assert.fail(`the stack sent something unparseable: ${parsed.error.reason}`);
      return parsed.value;
    });
  return { stack, fake, clock, requests, cancelled, responses, sent };
}

function request(method: string, options: { branch?: string; callId?: string; cseqMethod?: string; transport?: string } = {}): string {
  return [
    `${method} sip:bob@192.0.2.1 SIP/2.0`,
    `Via: SIP/2.0/${options.transport ?? 'UDP'} 192.0.2.20:5062;branch=${options.branch ?? 'z9hG4bK-inv-1'}`,
    'Max-Forwards: 70',
    'From: <sip:alice@example.com>;tag=from-1',
    'To: <sip:bob@example.com>',
    `Call-ID: ${options.callId ?? 'call-1@example.com'}`,
    `CSeq: 1 ${options.cseqMethod ?? method}`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

const statuses = (messages: SipMessage[]): Array<string> =>
  messages.map((m) => (m.type === 'response' ? `${m.status} ${m.headers.get('cseq')}` : m.method));

test('CANCEL of a ringing INVITE: 200 to the CANCEL, 487 to the INVITE with one To tag, the delegate told', async () => {
  const r = await rig((transaction, req) => {
    if (req.method === 'INVITE') r.stack.respond(transaction, 180, 'Ringing');
  });
  r.fake.inject(request('INVITE'), PHONE);
  r.fake.inject(request('CANCEL'), PHONE);
  const sent = r.sent();
  assert.deepEqual(statuses(sent), ['180 1 INVITE', '200 1 CANCEL', '487 1 INVITE']);
  const tags = sent.map((m) => /;tag=([^;]+)$/.exec(m.headers.get('to') ?? '')?.[1]);
  assert.ok(tags[0]);
  assert.deepEqual(tags, [tags[0], tags[0], tags[0]], 'one To tag across 180, the CANCEL 200 and the 487');
  assert.equal(r.cancelled.length, 1);
  assert.equal(r.requests.length, 1, 'the CANCEL itself never reaches onRequest');
  // The ACK for the 487 is absorbed by the INVITE transaction (§17.2.1).
  r.fake.inject(request('ACK', { cseqMethod: 'ACK' }), PHONE);
  assert.equal(r.sent().length, 3);
  await r.stack.close();
});

test('a CANCEL after the final answer gets 200 and changes nothing; one matching nothing gets 481', async () => {
  const r = await rig((transaction) => r.stack.respond(transaction, 486, 'Busy Here'));
  r.fake.inject(request('INVITE'), PHONE);
  r.fake.inject(request('CANCEL'), PHONE);
  r.fake.inject(request('CANCEL', { branch: 'z9hG4bK-other' }), PHONE);
  assert.deepEqual(statuses(r.sent()), ['486 1 INVITE', '200 1 CANCEL', '481 1 CANCEL']);
  assert.equal(r.cancelled.length, 0);
  await r.stack.close();
});

test('a retransmitted request is absorbed: the delegate sees it once and the answer is resent', async () => {
  const r = await rig((transaction) => r.stack.respond(transaction, 200, 'OK'));
  r.fake.inject(request('OPTIONS'), PHONE);
  r.fake.inject(request('OPTIONS'), PHONE);
  assert.equal(r.requests.length, 1);
  assert.deepEqual(statuses(r.sent()), ['200 1 OPTIONS', '200 1 OPTIONS']);
  assert.equal(r.stack.snapshot().stack.answers[200], 1, 'retransmissions are not counted as answers');
  await r.stack.close();
});

test('a refusal of an INVITE goes through its transaction: retransmitted until the ACK, which is absorbed', async () => {
  const r = await rig();
  r.fake.inject(request('INVITE', { cseqMethod: 'INVITE' }).replace('Max-Forwards: 70', 'Max-Forwards: 0'), PHONE);
  assert.deepEqual(statuses(r.sent()), ['483 1 INVITE']);
  r.clock.advance(500); // Timer G
  assert.deepEqual(statuses(r.sent()), ['483 1 INVITE', '483 1 INVITE']);
  r.fake.inject(request('ACK', { cseqMethod: 'ACK' }), PHONE);
  r.clock.advance(10_000);
  assert.equal(r.sent().length, 2);
  assert.equal(r.requests.length, 0);
  await r.stack.close();
});

test('responses to a request on a connection go to its flow; the delegate learns the flow', async () => {
  const flows: Array<string | undefined> = [];
  const r = await rig((transaction, _req, source) => {
    flows.push(source.flowId);
    r.stack.respond(transaction, 200, 'OK');
  }, { protocol: 'tcp', address: '192.0.2.1', port: 5060 });
  r.fake.inject(request('OPTIONS', { transport: 'TCP' }), { protocol: 'tcp', address: '192.0.2.20', port: 40000 }, 'tcp-flow-7');
  assert.deepEqual(flows, ['tcp-flow-7']);
  assert.equal(r.fake.sent[0]?.flowId, 'tcp-flow-7');
  // §18.2.2: the fallback address is the received address with the sent-by port.
  assert.deepEqual(r.fake.sent[0]?.destination, { protocol: 'tcp', address: '192.0.2.20', port: 5062 });
  await r.stack.close();
});

test('a throwing delegate is contained: the request gets 500 and the stack goes on', async () => {
  let calls = 0;
  const r = await rig((transaction) => {
    calls++;
    if (calls === 1) throw new Error('boom');
    r.stack.respond(transaction, 200, 'OK');
  });
  r.fake.inject(request('OPTIONS'), PHONE);
  r.fake.inject(request('OPTIONS', { branch: 'z9hG4bK-2', callId: 'call-2' }), PHONE);
  assert.deepEqual(statuses(r.sent()), ['500 1 OPTIONS', '200 1 OPTIONS']);
  assert.equal(r.stack.snapshot().stack.delegateErrors, 1);
  await r.stack.close();
});

test('sendRequest: a timeout settles the final promise; provisional responses go to onResponse', async () => {
  const r = await rig();
  const sent = r.stack.sendRequest(outgoingRequest('OPTIONS', 'sip:phone@192.0.2.20', 'out-1'), PHONE);
  assert.ok(sent.ok);
  const [out] = r.sent();
  assert.ok(out?.type === 'request');
  assert.match(out.headers.getAll('via')[0] ?? '', /^SIP\/2\.0\/UDP 192\.0\.2\.1:5060;branch=z9hG4bK[\w-]+;rport$/);
  assert.equal(r.fake.texts()[0]?.split('\r\n')[1]?.startsWith('Via: '), true, 'our Via is the first header');
  r.fake.inject(answerText(out, 100, 'Trying'), PHONE);
  assert.equal(r.responses.length, 1);
  r.clock.advance(64 * 500);
  assert.deepEqual(await sent.value.final, { kind: 'timeout' });
  await r.stack.close();
});

test('a response whose Via is not ours is discarded (§18.1.2); ours matching nothing reaches onResponse', async () => {
  const r = await rig();
  const foreign = answerText(parseRequestText(request('OPTIONS')), 200, 'OK');
  r.fake.inject(foreign, PHONE);
  assert.equal(r.stack.snapshot().stack.responsesDiscarded, 1);
  const stray = foreign.replace('Via: SIP/2.0/UDP 192.0.2.20:5062;branch=z9hG4bK-inv-1', 'Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-gone');
  r.fake.inject(stray, PHONE);
  assert.equal(r.responses.length, 1);
  await r.stack.close();
});

test('close() settles pending requests as terminated; a failed send as transport-error', async () => {
  const r = await rig();
  r.fake.failSends = true;
  const failed = r.stack.sendRequest(outgoingRequest('OPTIONS', 'sip:phone@192.0.2.20', 'out-2'), PHONE);
  assert.ok(failed.ok);
  assert.deepEqual(await failed.value.final, { kind: 'transport-error' });
  r.fake.failSends = false;
  const pending = r.stack.sendRequest(outgoingRequest('OPTIONS', 'sip:phone@192.0.2.20', 'out-3'), PHONE);
  assert.ok(pending.ok);
  await r.stack.close();
  assert.deepEqual(await pending.value.final, { kind: 'terminated' });
  assert.equal(r.stack.sendRequest(outgoingRequest('OPTIONS', 'sip:x@192.0.2.20', 'out-4'), PHONE).ok, false);
});

test('sendAck adds our Via once, so a resent ACK is the same ACK; no transport for a protocol is an error', async () => {
  const r = await rig();
  const ack = outgoingRequest('ACK', 'sip:phone@192.0.2.20', 'out-5');
  assert.ok((await r.stack.sendAck(ack, PHONE)).ok);
  assert.ok((await r.stack.sendAck(ack, PHONE)).ok);
  const [first, second] = r.fake.texts();
  assert.equal(first, second);
  assert.equal(r.stack.sendRequest(outgoingRequest('ACK', 'sip:phone@192.0.2.20', 'out-6'), PHONE).ok, false);
  const tcp = r.stack.sendRequest(outgoingRequest('OPTIONS', 'sip:phone@192.0.2.20', 'out-7'), { ...PHONE, protocol: 'tcp' });
  assert.equal(tcp.ok, false);
  await r.stack.close();
});

function parseRequestText(text: string): SipRequest {
  const parsed = parseMessage(Buffer.from(text));
  if (!parsed.ok || parsed.value.type !== 'request') assert.fail('bad test request');
  return parsed.value;
}
