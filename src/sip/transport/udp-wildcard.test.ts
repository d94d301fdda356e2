// A UDP transport bound to 0.0.0.0 reports, for each datagram, the local address the peer reached (by the kernel's
// route lookup), not the wildcard: from 127.0.0.1 it is 127.0.0.1, from another address of this host that address.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { networkInterfaces } from 'node:os';
import { after, describe, it } from 'node:test';
import { LocalRoutes } from './local-routes.ts';
import { RecordingListener, sipMessage, waitFor } from './recording-listener.ts';
import { UdpTransport } from './udp-transport.ts';

/** A non-loopback IPv4 address of this machine, if it has one. */
const otherAddress = Object.values(networkInterfaces()).flatMap((list) => list ?? []).find((a) => a.family === 'IPv4' && !a.internal)?.address;

async function sendFrom(address: string, port: number, text: string): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, address, () => resolve()));
  const from = socket.address().port;
  await new Promise<void>((resolve, reject) => socket.send(text, port, address, (error) => (error ? reject(error) : resolve())));
  socket.close();
  return from;
}

describe('UdpTransport on the wildcard address', () => {
  const listener = new RecordingListener();
  let transport: UdpTransport;
  after(async () => {
    await transport?.close();
  });

  it('says 127.0.0.1 for a datagram from 127.0.0.1, and the listening endpoint stays the wildcard', async () => {
    transport = await UdpTransport.listen({ host: '0.0.0.0', port: 0 }, listener);
    assert.equal(transport.local.address, '0.0.0.0');
    const port = await sendFrom('127.0.0.1', transport.local.port, sipMessage('first'));
    await waitFor(() => listener.packets.length === 1, 'datagram from loopback');
    assert.deepEqual(listener.packets[0]?.local, { protocol: 'udp', address: '127.0.0.1', port: transport.local.port });
    assert.deepEqual(listener.packets[0]?.source, { protocol: 'udp', address: '127.0.0.1', port });
  });

  it('says the other address for a datagram sent to it', { skip: otherAddress === undefined ? 'this machine has no non-loopback IPv4 address' : false }, async () => {
    const address = otherAddress ?? '';
    const before = listener.packets.length;
    await sendFrom(address, transport.local.port, sipMessage('second'));
    await waitFor(() => listener.packets.length === before + 1, `datagram from ${address}`);
    assert.equal(listener.packets[before]?.local.address, address);
  });
});

describe('LocalRoutes', () => {
  it('finds our address towards a peer, caches it, and gives up rather than exceed its lookups in flight', async () => {
    const routes = new LocalRoutes({ maxInFlight: 1 });
    assert.equal(routes.cached('127.0.0.1'), undefined);
    const first = routes.lookup('127.0.0.1');
    assert.equal(await routes.lookup('127.0.0.2'), undefined, 'a second lookup while one runs is refused');
    assert.equal(await first, '127.0.0.1');
    assert.equal(routes.cached('127.0.0.1'), '127.0.0.1');
  });

  it('forgets a result after its time to live', async () => {
    let now = 0;
    const routes = new LocalRoutes({ ttlMs: 1000, now: () => now });
    assert.equal(await routes.lookup('127.0.0.1'), '127.0.0.1');
    now = 1000;
    assert.equal(routes.cached('127.0.0.1'), undefined);
  });
});
