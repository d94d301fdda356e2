// TCP transport over real sockets on loopback: §18.3 framing, CRLF keep-alives,
// framing errors, connection reuse by flowId and by address, limits and idle timeout.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { FakeClock } from '../../shared/index.ts';
import { RecordingListener, sipMessage, waitFor } from './recording-listener.ts';
import { TcpTransport, type TcpTransportOptions } from './tcp-transport.ts';

interface RawPeer {
  readonly socket: Socket;
  received(): string;
  closed(): boolean;
}

async function rawPeer(port: number): Promise<RawPeer> {
  const socket = connect({ host: '127.0.0.1', port });
  let text = '';
  let isClosed = false;
  socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
  socket.on('error', () => undefined);
  socket.on('close', () => (isClosed = true));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return { socket, received: () => text, closed: () => isClosed };
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('TcpTransport', () => {
  const opened: TcpTransport[] = [];
  const peers: Socket[] = [];
  after(async () => {
    for (const socket of peers) socket.destroy();
    await Promise.all(opened.map((t) => t.close()));
  });
  const listen = async (listener: RecordingListener, options: Partial<TcpTransportOptions> = {}): Promise<TcpTransport> => {
    const transport = await TcpTransport.listen({ host: '127.0.0.1', port: 0, ...options }, listener);
    opened.push(transport);
    return transport;
  };
  const peer = async (transport: TcpTransport): Promise<RawPeer> => {
    const p = await rawPeer(transport.local.port);
    peers.push(p.socket);
    return p;
  };

  it('reassembles a message split across chunks', async () => {
    const listener = new RecordingListener();
    const server = await listen(listener);
    assert.equal(server.protocol, 'tcp');
    assert.ok(server.local.port > 0);
    const client = await peer(server);
    const text = sipMessage('v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n');
    for (const cut of [10, 60, text.length - 5]) {
      client.socket.write(text.slice(0, cut));
      await pause(20);
      client.socket.write(text.slice(cut));
      await waitFor(() => listener.packets.length > 0, 'split message');
      assert.deepEqual(listener.texts(), [text]);
      listener.packets.length = 0;
    }
    const packet = { ...server.counters() };
    assert.equal(packet.packetsIn, 3);
    assert.equal(packet.connectionsOpened, 1);
  });

  it('delivers two messages that arrive in one chunk, with their source and flow', async () => {
    const listener = new RecordingListener();
    const server = await listen(listener);
    const client = await peer(server);
    const a = sipMessage('one', { callId: 'a' });
    const b = sipMessage('two', { callId: 'b' });
    client.socket.write(a + b);
    await waitFor(() => listener.packets.length === 2, 'two messages');
    assert.deepEqual(listener.texts(), [a, b]);
    const [first, second] = listener.packets;
    assert.equal(first?.source.protocol, 'tcp');
    assert.equal(first?.source.port, client.socket.localPort);
    assert.equal(first?.local.port, server.local.port);
    assert.ok(first?.flowId);
    assert.equal(first?.flowId, second?.flowId);
  });

  it('answers a CRLF ping with a CRLF pong and ignores stray CRLFs', async () => {
    const listener = new RecordingListener();
    const server = await listen(listener);
    const client = await peer(server);
    client.socket.write('\r\n\r\n');
    await waitFor(() => client.received() === '\r\n', 'pong');
    client.socket.write(`\r\n${sipMessage()}`);
    await waitFor(() => listener.packets.length === 1, 'message after keep-alives');
    assert.equal(server.counters().keepAlivesIn, 2);
    assert.equal(server.counters().keepAlivesOut, 1);
  });

  it('closes a connection whose message has no Content-Length, counts it, and goes on', async () => {
    const listener = new RecordingListener();
    const server = await listen(listener);
    const bad = await peer(server);
    bad.socket.write(sipMessage('', { contentLength: false }));
    await waitFor(() => bad.closed(), 'bad connection closed');
    assert.equal(listener.packets.length, 0);
    assert.equal(server.counters().framingErrors, 1);
    assert.equal(listener.errors[0]?.kind, 'framing');
    assert.match(listener.errors[0]?.message ?? '', /Content-Length/);
    await waitFor(() => listener.closedFlows.length === 1, 'flow closed');

    const good = await peer(server);
    good.socket.write(sipMessage());
    await waitFor(() => listener.packets.length === 1, 'next connection still served');
    assert.equal(server.connectionCount, 1);
  });

  it('closes a connection that announces an oversize message', async () => {
    const listener = new RecordingListener();
    const server = await listen(listener, { maxMessageBytes: 4096 });
    const client = await peer(server);
    client.socket.write(sipMessage().replace('Content-Length: 0', 'Content-Length: 100000'));
    await waitFor(() => client.closed(), 'oversize connection closed');
    assert.equal(server.counters().framingErrors, 1);
    assert.match(listener.errors[0]?.message ?? '', /exceeds 4096/);
  });

  it('replies on the inbound connection by flowId, and by address without it', async () => {
    const listener = new RecordingListener();
    const server = await listen(listener);
    const client = await peer(server);
    client.socket.write(sipMessage());
    await waitFor(() => listener.packets.length === 1, 'request');
    const request = listener.packets[0]!;
    // RFC 3261 §18.2.2: the response goes back on the connection the request came on.
    await server.send(Buffer.from('SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n'), request.source, request.flowId);
    await waitFor(() => client.received().includes('200 OK'), 'reply by flowId');
    await server.send(Buffer.from('OPTIONS sip:ua SIP/2.0\r\nContent-Length: 0\r\n\r\n'), request.source);
    await waitFor(() => client.received().includes('OPTIONS'), 'request by address');
    // A flowId that is gone falls back to the destination's connection.
    await server.send(Buffer.from('SIP/2.0 202 Accepted\r\n\r\n'), request.source, 'tcp-gone');
    await waitFor(() => client.received().includes('202'), 'fallback to address');
    assert.equal(server.counters().connectionsOpened, 1);
    assert.equal(server.counters().packetsOut, 3);
  });

  it('dials a new connection when none exists and reuses it both ways', async () => {
    const aListener = new RecordingListener();
    const bListener = new RecordingListener();
    const a = await listen(aListener);
    const b = await listen(bListener);
    await Promise.all([a.send(Buffer.from(sipMessage('', { callId: '1' })), b.local), a.send(Buffer.from(sipMessage('', { callId: '2' })), b.local)]);
    await waitFor(() => bListener.packets.length === 2, 'requests at b');
    const inbound = bListener.packets[0]!;
    await b.send(Buffer.from(sipMessage('', { callId: 'reply' })), inbound.source, inbound.flowId);
    await waitFor(() => aListener.packets.length === 1, 'reply at a');
    assert.equal(a.counters().connectionsOpened, 1);
    assert.equal(b.counters().connectionsOpened, 1);
    assert.equal(aListener.packets[0]?.local.port, inbound.source.port);
  });

  it('rejects a send to a port nobody listens on', async () => {
    const listener = new RecordingListener();
    const a = await listen(listener);
    const gone = await listen(new RecordingListener());
    const port = gone.local.port;
    await gone.close();
    await assert.rejects(a.send(Buffer.from(sipMessage()), { protocol: 'tcp', address: '127.0.0.1', port }));
    await waitFor(() => a.connectionCount === 0, 'failed flow removed');
    assert.ok(a.counters().sendErrors + a.counters().socketErrors >= 1);
  });

  it('refuses connections beyond maxConnections', async () => {
    const listener = new RecordingListener();
    const server = await listen(listener, { maxConnections: 1 });
    await peer(server);
    const second = await peer(server);
    await waitFor(() => second.closed(), 'second connection refused');
    assert.equal(server.counters().connectionsRefused, 1);
    assert.equal(listener.errors[0]?.kind, 'refused');
    assert.equal(server.connectionCount, 1);
  });

  it('counts a throwing listener and keeps the connection', async () => {
    const listener = new RecordingListener();
    let calls = 0;
    const server = await listen(
      Object.assign(listener, {
        onPacket(): void {
          calls++;
          throw new Error('upper layer bug');
        },
      }),
    );
    const client = await peer(server);
    client.socket.write(sipMessage() + sipMessage());
    await waitFor(() => calls === 2, 'both messages delivered');
    assert.equal(server.counters().listenerErrors, 2);
    assert.equal(client.closed(), false);
  });

  it('counts outbound connections against maxConnections', async () => {
    const target = await listen(new RecordingListener());
    const other = await listen(new RecordingListener());
    const limited = await listen(new RecordingListener(), { maxConnections: 1 });
    await limited.send(Buffer.from(sipMessage()), target.local);
    await assert.rejects(limited.send(Buffer.from(sipMessage()), other.local), /connection limit 1/);
    assert.equal(limited.connectionCount, 1);
  });

  it('closes idle connections on the injected clock; traffic keeps them open', async () => {
    const clock = new FakeClock();
    const listener = new RecordingListener();
    const server = await listen(listener, { clock, idleTimeoutMs: 60_000 });
    const client = await peer(server);
    await waitFor(() => server.connectionCount === 1, 'accepted');
    // A request first: past its first-request deadline a connection lives by the idle rule alone.
    client.socket.write(sipMessage());
    await waitFor(() => listener.packets.length === 1, 'first request');
    clock.advance(40_000);
    client.socket.write('\r\n\r\n');
    await waitFor(() => client.received() === '\r\n', 'pong');
    clock.advance(40_000);
    assert.equal(client.closed(), false);
    clock.advance(20_000);
    await waitFor(() => client.closed(), 'idle connection closed');
    await waitFor(() => listener.closedFlows.length === 1, 'onFlowClosed');
    assert.equal(server.counters().connectionsOpen, 0);
  });
});
