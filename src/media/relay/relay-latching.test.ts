// Who may speak on a relay side: only the leg's SDP address or its signalling address, never a third host that
// found the port (the "RTP bleed" attack), and never another IP once latched; a NAT rebinding on the same IP is fine.
// 127.0.0.2 stands for another machine: Linux routes all of 127/8 to the loopback interface.
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../shared/index.ts';
import { FakePhone, LOOPBACK, rtcpReceiverReport, rtp, sequenceOf, settle, waitUntil } from './fake-phone.test-support.ts';
import { MediaRelay } from './media-relay.ts';
import type { RelaySession } from './relay-session.ts';

// Ports private to this file (test files run in parallel).
const MIN = 47700;
const ATTACKER = '127.0.0.2';
const cleanups: (() => void)[] = [];

afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

async function rig(clock = new FakeClock()): Promise<{ relay: MediaRelay; session: RelaySession; clock: FakeClock }> {
  const relay = MediaRelay.create({ host: LOOPBACK, portMin: MIN, portMax: MIN + 19, clock, latchSilenceMs: 1000 });
  cleanups.push(() => relay.close());
  const opened = await relay.openSession();
  if (!opened.ok) throw new Error(opened.error);
  return { relay, session: opened.value, clock };
}

async function phone(host = LOOPBACK): Promise<FakePhone> {
  const p = await FakePhone.open(0, host);
  cleanups.push(() => p.close());
  return p;
}

async function fixedPhone(port: number): Promise<FakePhone> {
  const p = await FakePhone.open(port);
  cleanups.push(() => p.close());
  return p;
}

/** Sprays RTP and RTCP at both sides' ports, as a sweep of the range would. */
async function spray(attacker: FakePhone, session: RelaySession, sequence: number): Promise<void> {
  for (const name of ['a', 'b'] as const) {
    await attacker.send(session.side(name).localPort, rtp(sequence, 0xbad));
    await attacker.send(session.side(name).localPort + 1, rtcpReceiverReport(0xbad));
  }
}

describe('relay latching: only the leg itself', () => {
  test('a third host spraying the ports while the call rings gets nothing and injects nothing', async () => {
    const { relay, session } = await rig();
    const [a, b] = [session.side('a'), session.side('b')];
    // Fixed ports so each phone's RTCP socket is on its RTP port + 1 (RFC 3550 §11).
    const [phoneA, rtcpA, phoneB, rtcpB] = [await fixedPhone(MIN + 90), await fixedPhone(MIN + 91), await fixedPhone(MIN + 92), await fixedPhone(MIN + 93)];
    const attacker = await phone(ATTACKER);
    a.setRemote(LOOPBACK, MIN + 90, LOOPBACK);
    b.setRemote(LOOPBACK, MIN + 92, LOOPBACK);

    // Before either phone has sent anything: the attacker is first, and must not latch RTP or RTCP.
    await spray(attacker, session, 900);
    await waitUntil(() => relay.snapshot().droppedForeign === 4, 'four foreign packets dropped');
    assert.equal(a.latched, false);
    assert.equal(b.latched, false);

    // The phones talk; the attacker keeps spraying between their packets.
    await phoneA.send(a.localPort, rtp(1));
    await spray(attacker, session, 901);
    await phoneB.send(b.localPort, rtp(2));
    await rtcpB.send(b.localPort + 1, rtcpReceiverReport(0xb));
    await rtcpA.send(a.localPort + 1, rtcpReceiverReport(0xa));
    await waitUntil(() => phoneB.received.length === 1 && phoneA.received.length === 1 && rtcpA.received.length === 1 && rtcpB.received.length === 1, 'both parties hear each other');
    await settle();
    assert.deepEqual(phoneB.received.map(sequenceOf), [1]);
    assert.deepEqual(phoneA.received.map(sequenceOf), [2]);
    assert.equal(rtcpA.received[0]?.readUInt32BE(4), 0xb, "B's RTCP reached A's RTCP port, not the attacker");
    assert.equal(rtcpB.received[0]?.readUInt32BE(4), 0xa);
    assert.equal(attacker.received.length, 0, 'the attacker heard nothing');
    assert.deepEqual(a.remote, { address: LOOPBACK, port: MIN + 90 });
    assert.equal(relay.snapshot().droppedForeign, 8);
  });

  test('after a silence another host still cannot take over; the same host on a new port (NAT rebinding) can', async () => {
    const { relay, session, clock } = await rig();
    const [a, b] = [session.side('a'), session.side('b')];
    const phoneA = await phone();
    const rebound = await phone(); // phone A's NAT gave it a new public port
    const phoneB = await phone();
    const attacker = await phone(ATTACKER);
    a.setRemote(LOOPBACK, phoneA.port, LOOPBACK);
    b.setRemote(LOOPBACK, phoneB.port, LOOPBACK);
    await phoneA.send(a.localPort, rtp(1));
    await waitUntil(() => phoneB.received.length === 1, 'A latched');

    clock.advance(5000); // A goes quiet (hold without re-INVITE, a network hiccup)
    await attacker.send(a.localPort, rtp(666, 0xbad));
    await waitUntil(() => a.dropped === 1, 'the attacker dropped');
    await rebound.send(a.localPort, rtp(2));
    await waitUntil(() => phoneB.received.length === 2, 'the rebound phone forwarded');
    assert.deepEqual(phoneB.received.map(sequenceOf), [1, 2]);
    await phoneB.send(b.localPort, rtp(3));
    await waitUntil(() => rebound.received.length === 1, 'B -> the rebound port');
    assert.equal(attacker.received.length, 0);
    assert.equal(relay.snapshot().droppedForeign, 1);
  });

  test('a phone behind NAT: media from its signalling address is taken though its SDP names a private one', async () => {
    const { session } = await rig();
    const [a, b] = [session.side('a'), session.side('b')];
    const natted = await phone(ATTACKER); // here 127.0.0.2 is the phone's public (signalling) address
    const phoneB = await phone();
    a.setRemote('10.1.2.3', 4000, ATTACKER);
    b.setRemote(LOOPBACK, phoneB.port, LOOPBACK);
    await natted.send(a.localPort, rtp(1));
    await waitUntil(() => phoneB.received.length === 1, 'A through its NAT');
    await phoneB.send(b.localPort, rtp(2));
    await waitUntil(() => natted.received.length === 1, 'B -> A at its public address');
    assert.deepEqual(a.remote, { address: ATTACKER, port: natted.port });
  });

  test('a new signalling address (another party on the side) drops the latch of the old one', async () => {
    const { session } = await rig();
    const [a, b] = [session.side('a'), session.side('b')];
    const phoneA = await phone();
    const newCallee = await phone(ATTACKER);
    const oldCallee = await phone();
    a.setRemote(LOOPBACK, phoneA.port, LOOPBACK);
    b.setRemote(LOOPBACK, oldCallee.port, LOOPBACK);
    await oldCallee.send(b.localPort, rtp(1));
    await waitUntil(() => phoneA.received.length === 1 && b.latched, 'old callee latched');
    b.setRemote(ATTACKER, newCallee.port, ATTACKER); // a transfer: the new callee is elsewhere
    assert.equal(b.latched, false);
    await oldCallee.send(b.localPort, rtp(2));
    await newCallee.send(b.localPort, rtp(3));
    await waitUntil(() => phoneA.received.length === 2, 'the new callee heard');
    await settle();
    assert.deepEqual(phoneA.received.map(sequenceOf), [1, 3]);
  });
});
