// UDP transport over real sockets on loopback (RFC 3261 §18.1, §18.2).
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { after, describe, it } from 'node:test';
import { RecordingListener, sipMessage, waitFor } from './recording-listener.ts';
import type { Transport } from './transport.ts';
import { UdpTransport } from './udp-transport.ts';

describe('UdpTransport', () => {
  const opened: Transport[] = [];
  after(async () => {
    await Promise.all(opened.map((t) => t.close()));
  });
  const listen = async (listener: RecordingListener, host = '127.0.0.1', maxDatagramSize?: number): Promise<UdpTransport> => {
    const transport = await UdpTransport.listen({ host, port: 0, ...(maxDatagramSize ? { maxDatagramSize } : {}) }, listener);
    opened.push(transport);
    return transport;
  };

  it('binds port 0, exposes the real port, and carries a round trip', async () => {
    const aListener = new RecordingListener();
    const bListener = new RecordingListener();
    const a = await listen(aListener);
    const b = await listen(bListener);
    assert.equal(a.protocol, 'udp');
    assert.equal(a.local.address, '127.0.0.1');
    assert.ok(a.local.port > 0);

    const request = sipMessage('ping');
    await a.send(Buffer.from(request), b.local);
    await waitFor(() => bListener.packets.length === 1, 'request at b');
    const packet = bListener.packets[0];
    assert.equal(packet?.data.toString(), request);
    assert.deepEqual(packet?.source, { protocol: 'udp', address: '127.0.0.1', port: a.local.port });
    assert.equal(packet?.flowId, undefined);

    await b.send(Buffer.from('SIP/2.0 200 OK\r\n\r\n'), packet!.source);
    await waitFor(() => aListener.packets.length === 1, 'response at a');
    assert.equal(a.counters().packetsOut, 1);
    assert.equal(b.counters().packetsIn, 1);
  });

  it('works over IPv6 loopback', async (t) => {
    const listener = new RecordingListener();
    let server: UdpTransport;
    try {
      server = await listen(listener, '::1');
    } catch {
      t.skip('no IPv6 loopback');
      return;
    }
    const client = await listen(new RecordingListener(), '::1');
    await client.send(Buffer.from(sipMessage()), server.local);
    await waitFor(() => listener.packets.length === 1, 'IPv6 datagram');
    assert.equal(listener.packets[0]?.source.address, '::1');
  });

  it('serves IPv4 peers from a socket bound to ::', async (t) => {
    const listener = new RecordingListener();
    let server: UdpTransport;
    try {
      server = await listen(listener, '::');
    } catch {
      t.skip('no IPv6');
      return;
    }
    const clientListener = new RecordingListener();
    const client = await listen(clientListener);
    await client.send(Buffer.from(sipMessage()), { protocol: 'udp', address: '127.0.0.1', port: server.local.port });
    await waitFor(() => listener.packets.length === 1, 'mapped IPv4 datagram');
    const source = listener.packets[0]!.source;
    assert.equal(source.address, '127.0.0.1');
    await server.send(Buffer.from('SIP/2.0 200 OK\r\n\r\n'), source);
    await waitFor(() => clientListener.packets.length === 1, 'reply through the mapped address');
  });

  it('counts CRLF keep-alives without delivering them', async () => {
    const listener = new RecordingListener();
    const server = await listen(listener);
    const raw = createSocket('udp4');
    await new Promise<void>((resolve) => raw.send('\r\n\r\n', server.local.port, '127.0.0.1', () => resolve()));
    raw.send(sipMessage(), server.local.port, '127.0.0.1');
    await waitFor(() => listener.packets.length === 1, 'message after keep-alive');
    raw.close();
    assert.equal(server.counters().keepAlivesIn, 1);
  });

  it('enforces the maximum datagram size both ways', async () => {
    const listener = new RecordingListener();
    const server = await listen(listener, '127.0.0.1', 200);
    await assert.rejects(server.send(Buffer.alloc(201, 0x41), server.local), /exceeds 200/);
    assert.equal(server.counters().sendErrors, 1);

    const raw = createSocket('udp4');
    await new Promise<void>((resolve) => raw.send(Buffer.alloc(500, 0x41), server.local.port, '127.0.0.1', () => resolve()));
    raw.send(sipMessage(), server.local.port, '127.0.0.1');
    await waitFor(() => listener.packets.length === 1, 'small datagram');
    raw.close();
    assert.equal(server.counters().oversizeDropped, 1);
    assert.equal(listener.errors[0]?.kind, 'oversize');
  });

  it('survives a listener that throws, and counts it', async () => {
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
    const client = await listen(new RecordingListener());
    await client.send(Buffer.from(sipMessage()), server.local);
    await client.send(Buffer.from(sipMessage()), server.local);
    await waitFor(() => calls === 2, 'two deliveries');
    assert.equal(server.counters().listenerErrors, 2);
    assert.equal(listener.errors[0]?.kind, 'listener');
  });

  it('rejects sends after close', async () => {
    const server = await listen(new RecordingListener());
    await server.close();
    await assert.rejects(server.send(Buffer.from('x'), server.local), /closed/);
  });
});
