// SIP over TLS (RFC 3261 §26.2) with a self-signed certificate made by openssl for the test.
import assert from 'node:assert/strict';
import { connect } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { RecordingListener, selfSignedCertificate, sipMessage, waitFor } from './recording-listener.ts';
import { TcpTransport } from './tcp-transport.ts';
import type { TlsCredentials } from './transport.ts';

describe('TcpTransport with TLS', () => {
  let credentials: TlsCredentials & { cert: Buffer };
  const opened: TcpTransport[] = [];
  before(() => {
    credentials = selfSignedCertificate();
  });
  after(async () => {
    await Promise.all(opened.map((t) => t.close()));
  });

  it('carries a request and its reply on one verified TLS connection', async () => {
    const serverListener = new RecordingListener();
    const clientListener = new RecordingListener();
    const server = await TcpTransport.listen({ host: '127.0.0.1', port: 0, tls: credentials }, serverListener);
    const client = await TcpTransport.listen(
      { host: '127.0.0.1', port: 0, tls: { ...credentials, ca: credentials.cert, serverName: () => 'localhost' } },
      clientListener,
    );
    opened.push(server, client);
    assert.equal(server.protocol, 'tls');
    assert.equal(server.local.protocol, 'tls');

    // Split in two writes so framing is exercised through TLS records as well.
    const request = sipMessage('over tls');
    await client.send(Buffer.from(request.slice(0, 40)), server.local);
    await client.send(Buffer.from(request.slice(40)), server.local);
    await waitFor(() => serverListener.packets.length === 1, 'request over TLS');
    const packet = serverListener.packets[0]!;
    assert.equal(packet.data.toString(), request);
    assert.equal(packet.source.protocol, 'tls');

    await server.send(Buffer.from(sipMessage('reply')), packet.source, packet.flowId);
    await waitFor(() => clientListener.packets.length === 1, 'reply over TLS');
    assert.equal(client.counters().connectionsOpened, 1);
    assert.equal(server.counters().connectionsOpened, 1);
  });

  it('fails a send when the peer certificate is not trusted', async () => {
    const server = await TcpTransport.listen({ host: '127.0.0.1', port: 0, tls: credentials }, new RecordingListener());
    const client = await TcpTransport.listen({ host: '127.0.0.1', port: 0, tls: credentials }, new RecordingListener());
    opened.push(server, client);
    await assert.rejects(client.send(Buffer.from(sipMessage()), server.local), /failed/);
    assert.equal(client.counters().sendErrors, 1);
    await waitFor(() => client.connectionCount === 0, 'failed flow removed');
  });

  it('counts a failed handshake and keeps serving', async () => {
    const listener = new RecordingListener();
    const server = await TcpTransport.listen({ host: '127.0.0.1', port: 0, tls: credentials }, listener);
    opened.push(server);
    // A client that rejects the server's certificate aborts the handshake.
    const refused = connect({ host: '127.0.0.1', port: server.local.port, servername: 'localhost' });
    await new Promise<void>((resolve) => refused.once('error', () => resolve()));
    await waitFor(() => server.counters().socketErrors >= 1, 'handshake error counted');

    const trusting = connect({ host: '127.0.0.1', port: server.local.port, servername: 'localhost', ca: credentials.cert });
    trusting.on('error', () => undefined);
    await new Promise<void>((resolve) => trusting.once('secureConnect', () => resolve()));
    trusting.write(sipMessage());
    await waitFor(() => listener.packets.length === 1, 'message after a failed handshake');
    trusting.destroy();
  });
});
