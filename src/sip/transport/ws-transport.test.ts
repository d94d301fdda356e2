// WebSocket transport (RFC 7118) with the ws client on loopback: the `sip` subprotocol,
// text and binary frames, replies on the flow, keep-alives, limits, and WSS.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { FakeClock } from '../../shared/index.ts';
import { RecordingListener, selfSignedCertificate, sipMessage, waitFor } from './recording-listener.ts';
import { WsTransport, type WsTransportOptions } from './ws-transport.ts';

interface Client {
  readonly ws: WebSocket;
  readonly messages: Array<{ text: string; binary: boolean }>;
  closed(): boolean;
}

async function open(url: string, protocols: string[], options: WebSocket.ClientOptions = {}): Promise<Client> {
  const ws = new WebSocket(url, protocols, options);
  const messages: Client['messages'] = [];
  let isClosed = false;
  ws.on('message', (data, binary) => messages.push({ text: Buffer.isBuffer(data) ? data.toString() : String(data), binary }));
  ws.on('close', () => (isClosed = true));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, messages, closed: () => isClosed };
}

/** What the client saw when the server refused its handshake: the HTTP status. */
async function refusedStatus(url: string, protocols: string[]): Promise<number> {
  const ws = new WebSocket(url, protocols);
  return new Promise<number>((resolve, reject) => {
    ws.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', (error) => reject(error));
    ws.once('open', () => reject(new Error('handshake should have been refused')));
  });
}

describe('WsTransport', () => {
  const transports: WsTransport[] = [];
  const clients: WebSocket[] = [];
  after(async () => {
    for (const ws of clients) ws.terminate();
    await Promise.all(transports.map((t) => t.close()));
  });
  const listen = async (listener: RecordingListener, options: Partial<WsTransportOptions> = {}): Promise<WsTransport> => {
    const transport = await WsTransport.listen({ host: '127.0.0.1', port: 0, ...options }, listener);
    transports.push(transport);
    return transport;
  };
  const client = async (url: string, protocols = ['sip'], options: WebSocket.ClientOptions = {}): Promise<Client> => {
    const c = await open(url, protocols, options);
    clients.push(c.ws);
    return c;
  };

  it('accepts the sip subprotocol, delivers text and binary frames, and replies on the flow', async () => {
    const listener = new RecordingListener();
    const server = await listen(listener);
    assert.equal(server.protocol, 'ws');
    assert.ok(server.local.port > 0);
    const c = await client(`ws://127.0.0.1:${server.local.port}/`);
    assert.equal(c.ws.protocol, 'sip');

    // No Content-Length: one WS message is one SIP message.
    const text = sipMessage('', { contentLength: false });
    c.ws.send(text);
    c.ws.send(Buffer.from(sipMessage('binary body')), { binary: true });
    await waitFor(() => listener.packets.length === 2, 'two WS messages');
    assert.deepEqual(listener.texts(), [text, sipMessage('binary body')]);
    const packet = listener.packets[0]!;
    assert.equal(packet.source.protocol, 'ws');
    assert.equal(packet.local.port, server.local.port);
    assert.ok(packet.flowId?.startsWith('ws-'));

    await server.send(Buffer.from('SIP/2.0 200 OK\r\n\r\n'), packet.source, packet.flowId);
    await server.send(Buffer.from('OPTIONS sip:ua SIP/2.0\r\n\r\n'), packet.source);
    await server.send(Buffer.from([0x53, 0x49, 0x50, 0xff]), packet.source, packet.flowId);
    await waitFor(() => c.messages.length === 3, 'replies at the client');
    assert.deepEqual(
      c.messages.map((m) => m.binary),
      [false, false, true],
    );
    assert.equal(c.messages[0]?.text, 'SIP/2.0 200 OK\r\n\r\n');
    assert.equal(server.counters().connectionsOpened, 1);
  });

  it('refuses a handshake without the sip subprotocol', async () => {
    const listener = new RecordingListener();
    const server = await listen(listener);
    const url = `ws://127.0.0.1:${server.local.port}/`;
    assert.equal(await refusedStatus(url, []), 400);
    assert.equal(await refusedStatus(url, ['xmpp']), 400);
    assert.equal(server.counters().connectionsRefused, 2);
    assert.equal(server.connectionCount, 0);
    // A client that offers several, sip among them, gets sip.
    const c = await client(url, ['xmpp', 'sip']);
    assert.equal(c.ws.protocol, 'sip');
  });

  it('rejects a send with no flow to the destination (a WS server does not dial out)', async () => {
    const server = await listen(new RecordingListener());
    await assert.rejects(server.send(Buffer.from('x'), { protocol: 'ws', address: '127.0.0.1', port: 9 }), /no open ws flow/);
    assert.equal(server.counters().sendErrors, 1);
  });

  it('answers a CRLF ping message with a CRLF pong', async () => {
    const listener = new RecordingListener();
    const server = await listen(listener);
    const c = await client(`ws://127.0.0.1:${server.local.port}/`);
    c.ws.send('\r\n\r\n');
    await waitFor(() => c.messages.length === 1, 'pong');
    assert.equal(c.messages[0]?.text, '\r\n');
    assert.equal(listener.packets.length, 0);
    assert.equal(server.counters().keepAlivesIn, 1);
  });

  it('closes a connection that sends a message over the size limit', async () => {
    const listener = new RecordingListener();
    const server = await listen(listener, { maxMessageBytes: 1024 });
    const c = await client(`ws://127.0.0.1:${server.local.port}/`);
    c.ws.send(sipMessage('x'.repeat(2000)));
    await waitFor(() => c.closed(), 'oversize connection closed');
    await waitFor(() => server.connectionCount === 0, 'flow removed');
    assert.equal(server.counters().framingErrors, 1);
    assert.equal(listener.packets.length, 0);
    assert.equal(listener.closedFlows.length, 1);
  });

  it('pings on the injected clock and drops a peer that never pongs', async () => {
    const clock = new FakeClock();
    const listener = new RecordingListener();
    const server = await listen(listener, { clock, pingIntervalMs: 30_000 });
    const url = `ws://127.0.0.1:${server.local.port}/`;
    const lively = await client(url);
    const silent = await client(url, ['sip'], { autoPong: false });
    await waitFor(() => server.connectionCount === 2, 'both connected');
    // Each sends a request first, or the first-request deadline (10 s) would close both before any ping.
    lively.ws.send(sipMessage('', { callId: 'lively' }));
    silent.ws.send(sipMessage('', { callId: 'silent' }));
    await waitFor(() => listener.packets.length === 2, 'both requests');
    let pings = 0;
    let livelyPings = 0;
    silent.ws.on('ping', () => pings++);
    lively.ws.on('ping', () => livelyPings++);
    clock.advance(30_000);
    await waitFor(() => pings === 1 && livelyPings === 1, 'pings at both peers');
    await new Promise((resolve) => setTimeout(resolve, 50)); // the lively peer's automatic pong arrives
    clock.advance(30_000);
    await waitFor(() => silent.closed(), 'silent peer dropped');
    assert.equal(lively.closed(), false);
    assert.equal(server.connectionCount, 1);
  });

  it('refuses upgrades beyond maxConnections with 503', async () => {
    const server = await listen(new RecordingListener(), { maxConnections: 1 });
    const url = `ws://127.0.0.1:${server.local.port}/`;
    await client(url);
    assert.equal(await refusedStatus(url, ['sip']), 503);
  });

  it('speaks WSS with a certificate', async () => {
    const credentials = selfSignedCertificate();
    const listener = new RecordingListener();
    const server = await listen(listener, { tls: credentials });
    assert.equal(server.protocol, 'wss');
    const c = await client(`wss://localhost:${server.local.port}/`, ['sip'], { ca: credentials.cert });
    c.ws.send(sipMessage());
    await waitFor(() => listener.packets.length === 1, 'WSS message');
    const packet = listener.packets[0]!;
    assert.equal(packet.source.protocol, 'wss');
    await server.send(Buffer.from('SIP/2.0 200 OK\r\n\r\n'), packet.source, packet.flowId);
    await waitFor(() => c.messages.length === 1, 'WSS reply');
  });
});
