// SipStack over WebSocket (RFC 7118) on loopback: a browser-style client with a `.invalid` Via host gets its
// answer back on the same WebSocket, and the delegate sees the flow.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { parseMessage } from '../message/index.ts';
import { newCallId, startStack, waitFor } from './sip-client.test-support.ts';
import type { SipStack } from './sip-stack.ts';
import type { InboundSource } from './stack-types.ts';

let stack: SipStack;
const sources: InboundSource[] = [];

before(async () => {
  stack = await startStack(
    {
      onRequest(transaction, _request, source) {
        sources.push(source);
        stack.respond(transaction, 200, 'OK');
      },
    },
    { udp: undefined, tcp: undefined, ws: { host: '127.0.0.1', port: 0 } },
  );
});

after(async () => {
  await stack.close();
});

test('an OPTIONS over WS is answered on the same WebSocket (RFC 7118 §5.2, RFC 3261 §18.2.2)', async () => {
  const local = stack.localEndpoint('ws') ?? assert.fail('no ws transport');
  const ws = new WebSocket(`ws://127.0.0.1:${local.port}`, ['sip']);
  const received: string[] = [];
  ws.on('message', (data) => received.push(Buffer.isBuffer(data) ? data.toString() : String(data)));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  try {
    const callId = newCallId();
    ws.send(
      [
        'OPTIONS sip:pbx@127.0.0.1 SIP/2.0',
        'Via: SIP/2.0/WS df7jal23ls0d.invalid;branch=z9hG4bKws1;rport',
        'Max-Forwards: 70',
        'From: <sip:alice@example.com>;tag=w1',
        'To: <sip:pbx@127.0.0.1>',
        `Call-ID: ${callId}`,
        'CSeq: 1 OPTIONS',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    );
    await waitFor(() => received.length > 0, 'the answer on the WebSocket');
    const answer = parseMessage(Buffer.from(received[0] ?? ''));
    assert.ok(answer.ok && answer.value.type === 'response');
    assert.equal(answer.value.status, 200);
    assert.equal(answer.value.headers.get('call-id'), callId);
    assert.match(answer.value.headers.getAll('via')[0] ?? '', /;rport=\d+;.*received=127\.0\.0\.1/);
    assert.ok(sources[0]?.flowId);
    assert.equal(sources[0]?.endpoint.protocol, 'ws');
  } finally {
    ws.terminate();
  }
});
