// The ng client against the real rtpengine daemon (skipped when it is not installed), and against a UDP socket that
// never answers (timeouts, retries, the cap on waiting requests).
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { after, before, test } from 'node:test';
import { silentLogger } from '../../shared/index.ts';
import { skipWithoutRtpengine, startRtpengine, type RunningRtpengine } from '../../../test/support/rtpengine.ts';
import { NgClient, parseNgAddress } from './ng-client.ts';
import { RtpengineSession } from './rtpengine-session.ts';

const SKIP = skipWithoutRtpengine('ng client tests against rtpengine');
let rtpengine: RunningRtpengine | undefined;

before(async () => {
  if (!SKIP) rtpengine = await startRtpengine();
});
after(async () => {
  await rtpengine?.stop();
});

const SDP = (port: number): string => `v=0\r\no=x 1 1 IN IP4 127.0.0.9\r\ns=-\r\nc=IN IP4 127.0.0.9\r\nt=0 0\r\nm=audio ${port} RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n`;

test('parseNgAddress takes udp:IP:PORT and refuses anything else with the parameter shown', () => {
  assert.deepEqual(parseNgAddress('udp:127.0.0.1:2223'), { ok: true, value: { host: '127.0.0.1', port: 2223 } });
  assert.deepEqual(parseNgAddress('[::1]:9'), { ok: true, value: { host: '::1', port: 9 } });
  for (const bad of ['udp:localhost:2223', 'tcp:127.0.0.1:1', '127.0.0.1', '127.0.0.1:0', '127.0.0.1:70000', '300.1.1.1:5']) {
    const parsed = parseNgAddress(bad);
    assert.equal(parsed.ok, false, bad);
    if (!parsed.ok) assert.match(parsed.error, /expected udp:IP:PORT/);
  }
});

test('ping, offer, query, answer and delete against rtpengine', { skip: SKIP }, async () => {
  const client = await NgClient.open({ host: '127.0.0.1', port: rtpengine?.ngPort ?? 0 });
  try {
    assert.equal((await client.ping()).ok, true);
    const opened = await RtpengineSession.offer(client, 'ng-test-1', SDP(7000), silentLogger);
    assert.ok(opened.ok, JSON.stringify(!opened.ok && opened.error));
    const session = opened.value;
    // Both of rtpengine's ports are in its range, and distinct; the callee's offer names the callee-facing one.
    for (const endpoint of [session.callerFacing, session.calleeFacing]) {
      assert.equal(endpoint.address, '127.0.0.1');
      assert.ok(endpoint.port >= (rtpengine?.portMin ?? 0) && endpoint.port <= (rtpengine?.portMax ?? 0), String(endpoint.port));
    }
    assert.notEqual(session.callerFacing.port, session.calleeFacing.port);
    assert.match(session.calleeOffer, new RegExp(`m=audio ${session.calleeFacing.port} RTP/AVP 0 101`));
    session.calleeDescribed(SDP(8000));
    // A second round (a re-INVITE, a new callee) keeps rtpengine's ports.
    session.callerDescribed(SDP(7002).replace('a=sendrecv', 'a=sendonly'));
    await session.settled();
    const state = await client.request('query', { 'call-id': 'ng-test-1' });
    assert.ok(state.ok);
    const text = JSON.stringify(state.value);
    assert.match(text, new RegExp(`"local port":${session.callerFacing.port}`));
    assert.match(text, /"port":8000/);
    assert.match(text, /"port":7002/);
    session.close();
    await session.settled();
    const gone = await client.request('query', { 'call-id': 'ng-test-1' });
    assert.equal(gone.ok, false);
    if (!gone.ok) {
      assert.equal(gone.error.kind, 'error');
      assert.match(gone.error.message, /Unknown call-id/);
    }
  } finally {
    client.close();
  }
});

/** A UDP socket that counts what it gets and never answers. */
async function silentPeer(): Promise<{ socket: Socket; port: number; received: () => number }> {
  const socket = createSocket('udp4');
  let count = 0;
  socket.on('message', () => count++);
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  return { socket, port: socket.address().port, received: () => count };
}

test('a request nobody answers is sent again, then fails timeout naming the address', async () => {
  const peer = await silentPeer();
  const client = await NgClient.open({ host: '127.0.0.1', port: peer.port }, { timeoutMs: 50, retries: 2 });
  try {
    const result = await client.ping();
    assert.equal(result.ok, false);
    if (!result.ok) {
      assert.equal(result.error.kind, 'timeout');
      assert.match(result.error.message, new RegExp(`127\\.0\\.0\\.1:${peer.port} after 3 tries`));
    }
    assert.equal(peer.received(), 3);
    assert.equal(client.pendingCount, 0);
  } finally {
    client.close();
    peer.socket.close();
  }
});

test('requests beyond maxPending fail busy at once; close fails those still waiting', async () => {
  const peer = await silentPeer();
  const client = await NgClient.open({ host: '127.0.0.1', port: peer.port }, { timeoutMs: 5000, maxPending: 2 });
  const first = client.ping();
  const second = client.request('query', { 'call-id': 'x' });
  const third = await client.ping();
  assert.equal(third.ok, false);
  if (!third.ok) assert.equal(third.error.kind, 'busy');
  client.close();
  for (const waiting of await Promise.all([first, second])) {
    assert.equal(waiting.ok, false);
    if (!waiting.ok) assert.equal(waiting.error.kind, 'closed');
  }
  const afterClose = await client.ping();
  assert.equal(!afterClose.ok && afterClose.error.kind, 'closed');
  peer.socket.close();
});

test('an answer for no waiting request, or garbage, is counted and ignored', async () => {
  const peer = await silentPeer();
  const client = await NgClient.open({ host: '127.0.0.1', port: peer.port }, { timeoutMs: 100, retries: 0 });
  const clientPort = await new Promise<number>((resolve) => {
    peer.socket.once('message', (_data, from) => resolve(from.port));
    void client.ping();
  });
  peer.socket.send('nobody d6:result4:ponge', clientPort, '127.0.0.1');
  peer.socket.send('\u0000\u0001garbage', clientPort, '127.0.0.1');
  await new Promise((resolve) => setTimeout(resolve, 150));
  assert.equal(client.strayAnswers, 2);
  client.close();
  peer.socket.close();
});
