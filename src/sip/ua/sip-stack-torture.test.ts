// The 49 RFC 4475 torture messages replayed through a SipStack over real UDP: each valid request gets the
// application-layer answer the table expects (from the stack's §8.2 checks) or reaches the delegate; each
// invalid one gets the parser's 400/505 or is dropped; responses are discarded; the stack keeps answering.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { RFC4475_CASES, type TortureCase } from '../../../test/fixtures/rfc4475/expectations.ts';
import { FakeClock, silentLogger } from '../../shared/index.ts';
import { parseMessage, type SipRequest } from '../message/index.ts';
import type { Endpoint } from '../transport/index.ts';
import { newCallId, requestText, TestClient, waitFor } from './sip-client.test-support.ts';
import { SipStack } from './sip-stack.ts';

const FIXTURES = new URL('../../../test/fixtures/rfc4475/', import.meta.url);
/** The answers the stack gives itself, before any delegate (§8.2.1, §8.2.2.1, §8.2.2.3, §16.3). */
const STACK_ANSWERS = new Set([405, 416, 420, 483, 501]);

const clock = new FakeClock();
const reached: SipRequest[] = [];
let current: TortureCase | undefined;
let stack: SipStack;
let client: TestClient;

/** What the upper layer would say: the table's answer when it is the application's, else 200. */
function delegateAnswer(c: TortureCase | undefined): number {
  return typeof c?.answer === 'number' && !STACK_ANSWERS.has(c.answer) ? c.answer : 200;
}

/** Whether the stack answers this parsed request itself: zeromf's OPTIONS is the endpoint's to answer (200). */
function stackAnswers(c: TortureCase, request: SipRequest): boolean {
  return typeof c.answer === 'number' && STACK_ANSWERS.has(c.answer) && !(c.answer === 483 && request.method === 'OPTIONS');
}

before(async () => {
  stack = await SipStack.start(
    {
      udp: { host: '127.0.0.1', port: 0 },
      clock,
      logger: silentLogger,
      allow: ['INVITE', 'BYE', 'OPTIONS', 'REGISTER', 'MESSAGE'],
      // The fixtures' Vias name hosts like 192.0.2.2 without rport: answer to the packet's source port instead.
      forceRport: true,
    },
    {
      onRequest(transaction, request) {
        reached.push(request);
        const status = delegateAnswer(current);
        stack.respond(transaction, status, status === 200 ? 'OK' : 'Refused By Test');
      },
    },
  );
  client = await TestClient.udp();
});

after(async () => {
  await Promise.all([stack.close(), client.close()]);
});

const stackUdp = (): Endpoint => stack.localEndpoint('udp') ?? assert.fail('no udp transport');
const statusOf = (data: Buffer): number => Number(/^SIP\/2\.0 (\d{3})/.exec(data.toString('latin1'))?.[1] ?? NaN);

/** Ends every transaction (so the RFC's shared branches do not match old ones) and drains their retransmissions. */
async function settle(): Promise<void> {
  clock.advance(5 * 64 * 500);
  const callId = newCallId();
  current = undefined;
  await client.send(requestText(client, { callId }), stackUdp());
  await client.response(callId);
}

async function replay(c: TortureCase): Promise<void> {
  await settle();
  current = c;
  const data = readFileSync(new URL(c.file, FIXTURES));
  const before = stack.snapshot().stack;
  const packetsBefore = client.packets.length;
  const reachedBefore = reached.length;
  await client.send(data, stackUdp());
  await waitFor(() => stack.snapshot().stack.received > before.received, `${c.file} at the stack`);

  const parsed = parseMessage(data);
  const nextAnswer = async (): Promise<number> => {
    await waitFor(() => client.packets.length > packetsBefore, `an answer to ${c.file}`);
    return statusOf(client.packets[packetsBefore]?.data ?? Buffer.alloc(0));
  };
  const now = (): ReturnType<SipStack['snapshot']>['stack'] => stack.snapshot().stack;

  if (!parsed.ok) {
    const partial = parsed.error.partial;
    if (partial !== undefined && partial.method !== 'ACK') {
      assert.equal(await nextAnswer(), parsed.error.status, 'the parser status goes back');
      assert.equal(now().malformedAnswered, before.malformedAnswered + 1);
    } else {
      assert.equal(now().malformedDropped, before.malformedDropped + 1, 'dropped and counted');
    }
    assert.equal(reached.length, reachedBefore, 'never reaches the delegate');
    return;
  }
  const message = parsed.value;
  if (message.type === 'response') {
    assert.equal(now().responsesDiscarded, before.responsesDiscarded + 1, 'a response not ours is discarded (§18.1.2)');
    return;
  }
  if (stackAnswers(c, message)) {
    assert.equal(await nextAnswer(), c.answer);
    if (c.answer === 420) assert.match(client.packets[packetsBefore]?.data.toString() ?? '', /\r\nUnsupported: nothingSupportsThis, nothingSupportsThisEither\r\n/);
    assert.equal(reached.length, reachedBefore, 'answered below the delegate');
    return;
  }
  assert.equal(await nextAnswer(), delegateAnswer(c));
  assert.equal(reached.length, reachedBefore + 1, 'reaches the delegate');
  assert.equal(reached.at(-1)?.method, message.method);
}

/** The test name: what this stack does with the message. */
function expected(c: TortureCase): string {
  if (c.parser.verdict === 'refuse') return c.parser.partial ? `answered ${c.parser.status} by the stack` : 'dropped';
  const parsed = parseMessage(readFileSync(new URL(c.file, FIXTURES)));
  if (!parsed.ok || parsed.value.type === 'response') return 'discarded (a response not ours)';
  return stackAnswers(c, parsed.value) ? `answered ${String(c.answer)} by the stack` : `reaches the delegate, which answers ${delegateAnswer(c)}`;
}

for (const c of RFC4475_CASES) {
  const kind = expected(c);
  test(`RFC 4475 §${c.section} ${c.file} over UDP: ${kind}`, () => replay(c));
}

test('after the torture run a normal OPTIONS is still answered', async () => {
  await settle();
  const callId = newCallId();
  await client.send(requestText(client, { callId }), stackUdp());
  assert.equal((await client.response(callId)).status, 200);
  const counters = stack.snapshot().stack;
  assert.equal(counters.delegateErrors, 0);
  assert.ok(counters.malformedAnswered >= 15 && counters.malformedDropped >= 3, JSON.stringify(counters));
  assert.equal(counters.answers[420], 1); // bext01
  assert.equal(counters.answers[416], 2); // unkscm, novelsc
  assert.equal(counters.answers[501], 2); // intmeth, esc02
});
