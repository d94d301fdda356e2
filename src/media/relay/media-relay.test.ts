// MediaRelay on real loopback sockets: two fake phones talk through a session, both directions,
// with symmetric-RTP latching (RFC 4961), RTCP on port + 1 (RFC 3550 §11), drops counted.
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../shared/index.ts';
import { FakePhone, LOOPBACK, rtcpReceiverReport, rtp, sequenceOf, settle, waitUntil } from './fake-phone.test-support.ts';
import { MediaRelay, type MediaRelayOptions } from './media-relay.ts';
import type { RelaySession } from './relay-session.ts';
import type { RelayChannelKind, SideName } from './relay-side.ts';

// Ports private to this file (test files run in parallel): relays in 47200-47279, fixed phones at 4729x.
const MIN = 47200;
const cleanups: (() => void)[] = [];

afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function relayOf(options: Partial<MediaRelayOptions> = {}): MediaRelay {
  const relay = MediaRelay.create({ host: LOOPBACK, portMin: MIN, portMax: MIN + 19, clock: new FakeClock(), ...options });
  cleanups.push(() => relay.close());
  return relay;
}

async function phone(port = 0): Promise<FakePhone> {
  const p = await FakePhone.open(port);
  cleanups.push(() => p.close());
  return p;
}

async function sessionOf(relay: MediaRelay): Promise<RelaySession> {
  const result = await relay.openSession();
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

describe('MediaRelay forwarding', () => {
  test('relays RTP both ways and latches to the source a phone really sends from', async () => {
    const relay = relayOf();
    const session = await sessionOf(relay);
    const [a, b] = [session.side('a'), session.side('b')];
    assert.notEqual(a.localPort, b.localPort);
    assert.equal(a.localAddress, LOOPBACK);
    const phoneA = await phone();
    const sdpA = await phone(); // where A's SDP says it listens; A actually sends from phoneA (a NAT)
    const phoneB = await phone();
    a.setRemote(LOOPBACK, sdpA.port);
    b.setRemote(LOOPBACK, phoneB.port);

    // Before A has sent anything, B's audio goes to the SDP address.
    await phoneB.send(b.localPort, rtp(1));
    await waitUntil(() => sdpA.received.length === 1, 'B -> A at the SDP address');
    assert.equal(a.latched, false);
    assert.deepEqual(a.remote, { address: LOOPBACK, port: sdpA.port });

    // A's first packet latches side A to its source; B sees it come from side B's port (symmetric).
    await phoneA.send(a.localPort, rtp(100));
    await waitUntil(() => phoneB.received.length === 1, 'A -> B');
    assert.equal(sequenceOf(phoneB.received[0]), 100);
    assert.equal(phoneB.sources[0], `${LOOPBACK}:${b.localPort}`);
    assert.equal(a.latched, true);
    assert.deepEqual(a.remote, { address: LOOPBACK, port: phoneA.port });

    await phoneB.send(b.localPort, rtp(2));
    await waitUntil(() => phoneA.received.length === 1, 'B -> A at the latched source');
    assert.equal(sequenceOf(phoneA.received[0]), 2);
    assert.equal(phoneA.sources[0], `${LOOPBACK}:${a.localPort}`);
    assert.equal(sdpA.received.length, 1);
    // The payload and header go through as they came; only the SSRC is the relay's own (rtp-restamper.ts).
    const sent = rtp(100);
    const got = phoneB.received[0];
    assert.ok(got);
    assert.equal(got.subarray(12).equals(sent.subarray(12)), true, 'payload forwarded byte for byte');
    assert.equal(got.subarray(0, 8).equals(sent.subarray(0, 8)), true, 'first source: flags, sequence, timestamp kept');

    assert.deepEqual([a.packetsIn, a.packetsOut, a.bytesIn, a.bytesOut], [1, 2, 172, 344]);
    assert.deepEqual([b.packetsIn, b.packetsOut, b.dropped], [2, 1, 0]);
    assert.ok(a.lastPacketAt instanceof Date);
    const snapshot = relay.snapshot();
    assert.deepEqual([snapshot.sessions, snapshot.portPairsInUse, snapshot.packetsForwarded, snapshot.bytesForwarded, snapshot.packetsDropped], [1, 2, 3, 516, 0]);
  });

  test('forwards RTCP between the +1 sockets, to SDP port + 1 until the phone sends RTCP itself', async () => {
    const relay = relayOf();
    const session = await sessionOf(relay);
    const [a, b] = [session.side('a'), session.side('b')];
    const rtcpA = await phone(47291);
    const rtcpB = await phone(47293);
    a.setRemote(LOOPBACK, 47290);
    b.setRemote(LOOPBACK, 47292);

    await rtcpB.send(b.localPort + 1, rtcpReceiverReport(0xb));
    await waitUntil(() => rtcpA.received.length === 1, 'RTCP B -> A');
    assert.equal(rtcpA.sources[0], `${LOOPBACK}:${a.localPort + 1}`);
    assert.equal(rtcpA.received[0]?.readUInt32BE(4), 0xb);

    await rtcpA.send(a.localPort + 1, rtcpReceiverReport(0xa));
    await waitUntil(() => rtcpB.received.length === 1, 'RTCP A -> B');
    assert.equal(rtcpB.sources[0], `${LOOPBACK}:${b.localPort + 1}`);
    // RTCP latches its own socket only: RTP of side A still goes to the SDP port.
    assert.equal(a.latched, false);
    assert.equal(relay.snapshot().packetsForwarded, 2);
  });

  test('drops and counts what is not RTP/RTCP version 2; garbage does not latch', async () => {
    const relay = relayOf();
    const session = await sessionOf(relay);
    const [a, b] = [session.side('a'), session.side('b')];
    const phoneA = await phone();
    const noise = await phone();
    const phoneB = await phone();
    a.setRemote(LOOPBACK, phoneA.port);
    b.setRemote(LOOPBACK, phoneB.port);
    const seen: string[] = [];
    a.onPacket = (side, packet, channel) => seen.push(`${side}/${channel}/${sequenceOf(packet)}`);

    const stun = Buffer.from('000100002112a442000000000000000000000000', 'hex');
    const versionOne = rtp(7);
    versionOne[0] = 0x40;
    await noise.send(a.localPort, stun);
    await noise.send(a.localPort, versionOne);
    await noise.send(a.localPort, Buffer.from([0x80, 0x00, 0x00]));
    await noise.send(a.localPort + 1, Buffer.from([0x80, 201, 0, 1]));
    await phoneA.send(a.localPort, rtp(9));
    await waitUntil(() => phoneB.received.length === 1, 'the one valid packet');
    await settle();
    assert.equal(sequenceOf(phoneB.received[0]), 9);
    assert.equal(phoneB.received.length, 1);
    assert.deepEqual(a.remote, { address: LOOPBACK, port: phoneA.port }, 'latched to the phone, not the noise');
    assert.deepEqual(seen, ['a/rtp/9']);
    assert.equal(a.dropped, 4);
    assert.equal(a.packetsIn, 1);
    const snapshot = relay.snapshot();
    assert.deepEqual([snapshot.droppedMalformed, snapshot.packetsDropped, snapshot.packetsForwarded], [4, 4, 1]);
  });

  test('a second source is stray while the latched one talks, and takes over after latchSilenceMs of silence', async () => {
    const clock = new FakeClock();
    const relay = relayOf({ clock, latchSilenceMs: 1000 });
    const session = await sessionOf(relay);
    const [a, b] = [session.side('a'), session.side('b')];
    const first = await phone();
    const second = await phone(); // the same host (IP) as `first`, another port: a NAT rebinding
    const phoneB = await phone();
    a.setRemote(LOOPBACK, first.port);
    b.setRemote(LOOPBACK, phoneB.port);

    await first.send(a.localPort, rtp(1));
    await second.send(a.localPort, rtp(2));
    // The relay counts before the forwarded datagram reaches B: wait for both.
    await waitUntil(() => a.dropped === 1 && a.packetsIn === 1 && phoneB.received.length === 1, 'one latched, one stray');
    await settle();
    assert.deepEqual(phoneB.received.map(sequenceOf), [1]);
    assert.equal(relay.snapshot().droppedStray, 1);

    clock.advance(1500); // the first source has gone quiet
    await second.send(a.localPort, rtp(3));
    await waitUntil(() => phoneB.received.length === 2, 'the new source forwarded');
    assert.deepEqual(a.remote, { address: LOOPBACK, port: second.port });
    await phoneB.send(b.localPort, rtp(4));
    await waitUntil(() => second.received.length === 1, 'B -> the new source');
    assert.equal(first.received.length, 0);
  });

  test('setRemote: a new address unlatches, the same one keeps the latch, port 0 or a host name stops sending', async () => {
    const relay = relayOf();
    const session = await sessionOf(relay);
    const [a, b] = [session.side('a'), session.side('b')];
    const phoneA = await phone();
    const phoneB = await phone();
    a.setRemote(LOOPBACK, 40000);
    b.setRemote(LOOPBACK, phoneB.port);
    await phoneA.send(a.localPort, rtp(1));
    await waitUntil(() => a.latched, 'A latched');

    a.setRemote(LOOPBACK, 40000); // a hold re-INVITE repeating the address
    assert.deepEqual(a.remote, { address: LOOPBACK, port: phoneA.port });
    a.setRemote(LOOPBACK, 40002); // the phone moved
    assert.equal(a.latched, false);
    assert.deepEqual(a.remote, { address: LOOPBACK, port: 40002 });

    a.setRemote('phone.example.com', 40004);
    assert.equal(a.remote, undefined);
    a.setRemote(LOOPBACK, 40002);
    a.setRemote(LOOPBACK, 0);
    assert.equal(a.remote, undefined);
    await phoneB.send(b.localPort, rtp(2));
    await waitUntil(() => b.dropped === 1, 'unroutable drop');
    assert.equal(relay.snapshot().droppedUnroutable, 1);
  });

  test('the tap sees accepted packets of its side only; a throwing tap does not stop forwarding', async () => {
    const relay = relayOf();
    const session = await sessionOf(relay);
    const [a, b] = [session.side('a'), session.side('b')];
    const phoneA = await phone();
    const phoneB = await phone();
    a.setRemote(LOOPBACK, phoneA.port);
    b.setRemote(LOOPBACK, phoneB.port);
    const taps: [SideName, RelayChannelKind, number][] = [];
    b.onPacket = (side, packet, channel) => {
      taps.push([side, channel, packet.length]);
      throw new Error('recorder bug');
    };
    await phoneA.send(a.localPort, rtp(1));
    await phoneB.send(b.localPort, rtp(2, 1, 8, 20));
    await phoneB.send(b.localPort + 1, rtcpReceiverReport());
    await waitUntil(() => phoneA.received.length === 1 && phoneB.received.length === 1, 'both directions');
    await waitUntil(() => taps.length === 2, 'both B packets tapped');
    assert.deepEqual(taps.sort(), [['b', 'rtcp', 8], ['b', 'rtp', 32]]);
  });

  test('a send error is counted, not thrown, and the relay keeps going', async () => {
    const relay = relayOf();
    const session = await sessionOf(relay);
    const [a, b] = [session.side('a'), session.side('b')];
    const phoneA = await phone();
    a.setRemote(LOOPBACK, phoneA.port);
    b.setRemote('::1', 40000); // an IPv6 destination for an IPv4 socket
    await phoneA.send(a.localPort, rtp(1));
    await waitUntil(() => relay.snapshot().socketErrors === 1, 'the send error');
    assert.equal(b.socketErrors, 1);
    const phoneB = await phone();
    b.setRemote(LOOPBACK, phoneB.port);
    await phoneB.send(b.localPort, rtp(2));
    await waitUntil(() => phoneA.received.length === 1, 'still relaying');
  });
});

describe('MediaRelay sessions and ports', () => {
  test('opening a session when the range is exhausted is an error, and the half-taken pair is returned', async () => {
    const relay = relayOf({ portMin: MIN + 40, portMax: MIN + 45 }); // three pairs
    const first = await sessionOf(relay);
    const second = await relay.openSession();
    assert.equal(second.ok, false);
    if (!second.ok) assert.match(second.error, /exhausted/);
    assert.deepEqual([relay.sessionCount, relay.snapshot().portPairsInUse], [1, 2]);
    first.close();
    first.close();
    assert.deepEqual([relay.sessionCount, relay.snapshot().portPairsInUse], [0, 0]);
    await sessionOf(relay);
    assert.equal(relay.sessionCount, 1);
  });

  test('close releases every port: a second relay binds the same ones; the closed relay opens nothing', async () => {
    const one = relayOf({ portMin: MIN + 60, portMax: MIN + 63 });
    const session = await sessionOf(one);
    const ports = [session.side('a').localPort, session.side('b').localPort].sort();
    one.close();
    assert.equal(session.closed, true);
    assert.equal(one.sessionCount, 0);
    const refused = await one.openSession();
    assert.equal(refused.ok, false);

    const two = relayOf({ portMin: MIN + 60, portMax: MIN + 63 });
    const again = await sessionOf(two);
    assert.deepEqual([again.side('a').localPort, again.side('b').localPort].sort(), ports);
  });

  test('bad settings are refused at creation', () => {
    assert.throws(() => MediaRelay.create({ host: LOOPBACK, portMin: 5000, portMax: 4000 }), /no even\/odd port pair/);
    assert.throws(() => MediaRelay.create({ host: LOOPBACK, inactivityMs: 0 }), /windows must be positive/);
  });
});
