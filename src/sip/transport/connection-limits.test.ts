// Connection exhaustion (security review): idle connections from one address fill only that address's share, another
// address still connects and gets its OPTIONS answered through a real SipStack, and a connection that sends no SIP
// request is closed at its deadline (FakeClock), over TCP and WebSocket alike. 127.0.0.2 is a second loopback source.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { FakeClock, silentLogger } from '../../shared/index.ts';
import { SipStack } from '../ua/index.ts';
import { sourceKey } from './connection-gate.ts';
import { connect as tlsConnect } from 'node:tls';
import { RecordingListener, selfSignedCertificate, waitFor } from './recording-listener.ts';
import { TcpTransport } from './tcp-transport.ts';

interface Peer {
  readonly socket: Socket;
  received(): string;
  closed(): boolean;
}

const LIMITS = { maxConnectionsPerAddress: 5, firstMessageTimeoutMs: 10_000 };
const OPTIONS = (callId: string, protocol = 'TCP'): string =>
  [
    'OPTIONS sip:127.0.0.1 SIP/2.0',
    `Via: SIP/2.0/${protocol} 127.0.0.2:5099;branch=z9hG4bK-${callId};rport`,
    'Max-Forwards: 70',
    `From: <sip:probe@127.0.0.2>;tag=${callId}`,
    'To: <sip:127.0.0.1>',
    `Call-ID: ${callId}`,
    'CSeq: 1 OPTIONS',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');

describe('inbound connection limits', () => {
  const stacks: SipStack[] = [];
  const sockets: Socket[] = [];
  const clients: WebSocket[] = [];
  after(async () => {
    for (const socket of sockets) socket.destroy();
    for (const ws of clients) ws.terminate();
    await Promise.all(stacks.map((stack) => stack.close()));
  });

  /** A SipStack on loopback TCP and WS, with the limits passed through its transport options, answering 200 to all. */
  const start = async (clock: FakeClock): Promise<SipStack> => {
    const stack: SipStack = await SipStack.start(
      { tcp: { host: '127.0.0.1', port: 0, ...LIMITS }, ws: { host: '127.0.0.1', port: 0, ...LIMITS }, clock, logger: silentLogger, allow: ['REGISTER', 'OPTIONS'] },
      { onRequest: (transaction) => void stack.respond(transaction, 200, 'OK') },
    );
    stacks.push(stack);
    return stack;
  };

  /** A raw TCP connection from `localAddress`; resolves once connected (the server may still refuse it). */
  const open = async (port: number, localAddress: string): Promise<Peer> => {
    const socket = connect({ host: '127.0.0.1', port, localAddress });
    sockets.push(socket);
    let text = '';
    let isClosed = false;
    socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => (isClosed = true));
    await new Promise<void>((resolve) => {
      socket.once('connect', () => resolve());
      socket.once('close', () => resolve());
    });
    return { socket, received: () => text, closed: () => isClosed };
  };

  it('TCP: a flood of idle connections from one address leaves room for others; silent ones close at the deadline', async () => {
    const clock = new FakeClock();
    const stack = await start(clock);
    const port = stack.localEndpoint('tcp')?.port ?? 0;
    const counters = () => stack.snapshot().transports.tcp;

    const flood: Peer[] = [];
    for (let i = 0; i < 8; i++) flood.push(await open(port, '127.0.0.1'));
    await waitFor(() => flood.filter((p) => p.closed()).length === 3, 'the connections over the share refused');
    assert.equal(counters()?.connectionsRefused, 3);
    assert.equal(counters()?.connectionsOpen, 5);

    // Another source connects and is served as usual.
    const phone = await open(port, '127.0.0.2');
    phone.socket.write(OPTIONS('from-second-address'));
    await waitFor(() => phone.received().startsWith('SIP/2.0 200 OK'), 'the answer to 127.0.0.2');

    // The flood never said anything: at the deadline its connections go; the phone, which sent a request, stays.
    clock.advance(LIMITS.firstMessageTimeoutMs);
    await waitFor(() => flood.every((p) => p.closed()), 'silent connections closed');
    assert.equal(phone.closed(), false);
    assert.equal(counters()?.connectionsRefused, 3 + 5, 'closed for silence: counted with the refused');
    await waitFor(() => counters()?.connectionsOpen === 1, 'their slots freed');

    // Their slots are free again.
    const back = await open(port, '127.0.0.1');
    back.socket.write(OPTIONS('back-again'));
    await waitFor(() => back.received().startsWith('SIP/2.0 200 OK'), 'the first address served again');
  });

  it('TCP: keep-alive CRLFs are no request, so they do not hold off the first-request deadline', async () => {
    const clock = new FakeClock();
    const stack = await start(clock);
    const port = stack.localEndpoint('tcp')?.port ?? 0;
    const pinger = await open(port, '127.0.0.1');
    pinger.socket.write('\r\n\r\n');
    await waitFor(() => pinger.received() === '\r\n', 'pong');
    clock.advance(LIMITS.firstMessageTimeoutMs);
    await waitFor(() => pinger.closed(), 'pings alone do not keep a connection that never sent a request');
  });

  it('WebSocket: idle connections (never upgraded) from one address leave room for another; silent ones close', async () => {
    const clock = new FakeClock();
    const stack = await start(clock);
    const port = stack.localEndpoint('ws')?.port ?? 0;
    const counters = () => stack.snapshot().transports.ws;

    const flood: Peer[] = [];
    for (let i = 0; i < 7; i++) flood.push(await open(port, '127.0.0.1'));
    await waitFor(() => flood.filter((p) => p.closed()).length === 2, 'the connections over the share refused');
    assert.equal(counters()?.connectionsRefused, 2);

    const ws = new WebSocket(`ws://127.0.0.1:${port}/`, ['sip'], { localAddress: '127.0.0.2' });
    clients.push(ws);
    const answers: string[] = [];
    ws.on('message', (data) => answers.push(String(data)));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.send(OPTIONS('ws-second-address', 'WS'));
    await waitFor(() => answers.some((a) => a.startsWith('SIP/2.0 200 OK')), 'the answer over WebSocket to 127.0.0.2');

    clock.advance(LIMITS.firstMessageTimeoutMs);
    await waitFor(() => flood.every((p) => p.closed()), 'silent connections closed');
    assert.equal(ws.readyState, WebSocket.OPEN, 'the WebSocket phone that sent a request stays');
    assert.equal(counters()?.connectionsRefused, 2 + 5);
  });

  it('an upgraded WebSocket that sends no request is closed at the deadline too', async () => {
    const clock = new FakeClock();
    const stack = await start(clock);
    const port = stack.localEndpoint('ws')?.port ?? 0;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`, ['sip']);
    clients.push(ws);
    let closed = false;
    ws.on('close', () => (closed = true));
    ws.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.send('\r\n\r\n');
    clock.advance(LIMITS.firstMessageTimeoutMs);
    await waitFor(() => closed, 'silent WebSocket closed');
  });

  it('TLS: the share counts from the first byte, before the handshake', async () => {
    const credentials = selfSignedCertificate();
    const listener = new RecordingListener();
    const server = await TcpTransport.listen({ host: '127.0.0.1', port: 0, tls: credentials, maxConnectionsPerAddress: 1, clock: new FakeClock() }, listener);
    try {
      const tlsOpen = (localAddress: string) =>
        new Promise<'secure' | 'refused'>((resolve) => {
          const raw = connect({ host: '127.0.0.1', port: server.local.port, localAddress });
          raw.on('error', () => undefined);
          const socket = tlsConnect({ socket: raw, rejectUnauthorized: false });
          // Only the TLS socket is ended later: destroying the socket under a client TLSSocket first crashes Node 20.
          sockets.push(socket);
          socket.once('secureConnect', () => resolve('secure'));
          socket.on('error', () => resolve('refused'));
          socket.once('close', () => resolve('refused'));
        });
      assert.equal(await tlsOpen('127.0.0.1'), 'secure');
      assert.equal(await tlsOpen('127.0.0.1'), 'refused');
      assert.equal(await tlsOpen('127.0.0.2'), 'secure');
      assert.equal(server.connectionsFrom('127.0.0.1'), 1);
      assert.ok(server.counters().connectionsRefused >= 1);
    } finally {
      await server.close();
    }
  });

  it('sources: IPv4 by address, IPv6 by /64, IPv4-mapped as IPv4', () => {
    assert.equal(sourceKey('::ffff:192.0.2.7'), '192.0.2.7');
    assert.equal(sourceKey('2001:db8:aa:bb::1'), sourceKey('[2001:DB8:AA:BB:ffff::2]'));
    assert.notEqual(sourceKey('2001:db8:aa:bb::1'), sourceKey('2001:db8:aa:bc::1'));
    assert.equal(sourceKey('::1'), '0:0:0:0::/64');
  });
});
