// RelaySession inactivity: no RTP from either side for inactivityMs calls onInactive once; pause and
// hold suspend it. Driven by a FakeClock (deterministic) and once by the real clock with a loose bound.
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, systemClock, type Clock } from '../../shared/index.ts';
import { FakePhone, LOOPBACK, rtcpReceiverReport, rtp, settle, waitUntil } from './fake-phone.test-support.ts';
import { MediaRelay } from './media-relay.ts';
import type { RelaySessionControl } from './relay-control.ts';

// Ports private to this file: test files run in parallel.
const MIN = 47400;
const cleanups: (() => void)[] = [];

afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

async function rig(inactivityMs = 1000, realClock?: Clock) {
  const clock = new FakeClock();
  const relay = MediaRelay.create({ host: LOOPBACK, portMin: MIN, portMax: MIN + 19, clock: realClock ?? clock, inactivityMs });
  cleanups.push(() => relay.close());
  const opened = await relay.openSession();
  if (!opened.ok) throw new Error(opened.error);
  const session = opened.value;
  const phone = await FakePhone.open();
  cleanups.push(() => phone.close());
  // The phone is the leg of both sides: media is taken only from a leg's own address.
  session.side('a').setRemote(LOOPBACK, phone.port);
  session.side('b').setRemote(LOOPBACK, phone.port);
  const fired: RelaySessionControl[] = [];
  session.onInactive = (s) => fired.push(s);
  return { relay, session, phone, fired, clock };
}

describe('RelaySession inactivity', () => {
  test('fires once after inactivityMs without RTP from either side; RTP restarts the window', async () => {
    const { session, phone, fired, clock } = await rig(1000);
    clock.advance(750);
    await phone.send(session.side('b').localPort, rtp(1));
    await waitUntil(() => session.side('b').packetsIn === 1, 'RTP on side B');
    clock.advance(900);
    assert.equal(fired.length, 0, 'RTP at 750 ms keeps the call alive at 1650 ms');
    clock.advance(250);
    assert.deepEqual(fired, [session]);
    clock.advance(10_000);
    assert.equal(fired.length, 1, 'called once');
    assert.equal(session.closed, false, 'the relay does not hang up by itself');
  });

  test('RTCP alone is not activity', async () => {
    const { session, phone, fired, clock } = await rig(1000);
    clock.advance(500);
    await phone.send(session.side('a').localPort + 1, rtcpReceiverReport());
    await waitUntil(() => session.side('a').packetsIn === 1, 'RTCP on side A');
    clock.advance(600);
    assert.equal(fired.length, 1);
  });

  test('pause suspends detection; resume restarts the window from the resume time', async () => {
    const { session, fired, clock } = await rig(1000);
    session.pause(); // e.g. the callee is still ringing
    clock.advance(5000);
    assert.equal(fired.length, 0);
    session.resume();
    clock.advance(750);
    assert.equal(fired.length, 0);
    clock.advance(500);
    assert.equal(fired.length, 1);
  });

  test('hold per side: detection resumes only when neither side is held; hold(bool) holds the session', async () => {
    const { session, fired, clock } = await rig(1000);
    session.hold('a', true);
    session.hold('b', true);
    session.hold('a', false);
    clock.advance(5000);
    assert.equal(fired.length, 0, 'B is still on hold');
    session.hold(true);
    session.hold('b', false);
    clock.advance(5000);
    assert.equal(fired.length, 0, 'the session-wide hold is still on');
    session.hold(false);
    clock.advance(1250);
    assert.equal(fired.length, 1);
  });

  test('a throwing listener does not stop other sessions being checked; closing from the listener is fine', async () => {
    const { relay, session, clock } = await rig(1000);
    session.onInactive = () => {
      throw new Error('b2bua bug');
    };
    const other = await relay.openSession();
    assert.ok(other.ok);
    let closedFromListener = false;
    other.value.onInactive = (s) => {
      s.close();
      closedFromListener = true;
    };
    clock.advance(1500);
    assert.equal(closedFromListener, true);
    assert.equal(relay.sessionCount, 1);
  });

  test('with the real clock it fires within a generous bound, and only once', async () => {
    const { fired } = await rig(80, systemClock);
    await waitUntil(() => fired.length === 1, 'onInactive', 3000);
    await settle(300);
    assert.equal(fired.length, 1);
  });
});
