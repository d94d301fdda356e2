// Keys a relay side sends to its leg (RelaySideControl.sendDtmf) as RFC 4733 events, checked packet by packet on a real
// loopback phone with the relay's media clock on a FakeClock: the event's shape (§2.5.1), its place in the leg's one
// RTP stream beside bridged audio, keys in a row, and what is refused.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { FakeClock } from '../../shared/index.ts';
import { DtmfDetector } from '../dtmf/index.ts';
import { parseRtp, type RtpPacket } from '../rtp-packet.ts';
import { parseTelephoneEvent, type TelephoneEvent } from '../telephone-event.ts';
import { FakePhone, LOOPBACK, driveUntil, rtp, settle, waitUntil } from './fake-phone.test-support.ts';
import { MAX_QUEUED_KEYS } from './dtmf-sender.ts';
import { MediaRelay } from './media-relay.ts';
import type { RelaySession } from './relay-session.ts';

// Ports private to this file (test files run in parallel).
const MIN = 46700;
const EVENT_PT = 101;
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

async function rig(): Promise<{ clock: FakeClock; relay: MediaRelay; session: RelaySession; caller: FakePhone; callee: FakePhone }> {
  const clock = new FakeClock();
  const relay = MediaRelay.create({ host: LOOPBACK, portMin: MIN, portMax: MIN + 39, clock });
  cleanups.push(() => relay.close());
  const opened = await relay.openSession();
  if (!opened.ok) throw new Error(opened.error);
  const [caller, callee] = await Promise.all([FakePhone.open(0), FakePhone.open(0)]);
  cleanups.push(() => caller.close(), () => callee.close());
  opened.value.side('a').setRemote(LOOPBACK, caller.port);
  opened.value.side('b').setRemote(LOOPBACK, callee.port);
  return { clock, relay, session: opened.value, caller, callee };
}

function parsed(packets: readonly Buffer[]): RtpPacket[] {
  return packets.map((packet) => {
    const result = parseRtp(packet);
    if (!result.ok) throw new Error(result.error);
    return result.value;
  });
}

function eventOf(packet: RtpPacket): TelephoneEvent {
  const event = parseTelephoneEvent(Buffer.from(packet.payload));
  if (!event.ok) throw new Error(event.error);
  return event.value;
}

/** The keys a receiver hears in what the phone got, fed 20 ms apart as they came. */
function keysHeard(packets: readonly Buffer[]): string[] {
  const keys: string[] = [];
  const detector = new DtmfDetector({ mode: 'rfc4733', telephoneEventPayloadType: EVENT_PT, onDigit: (event) => keys.push(event.digit) });
  packets.forEach((packet, i) => detector.onDatagram(packet, 1_000 + 20 * i));
  detector.tick(1_000 + 20 * packets.length + 5_000);
  return keys;
}

test('a key is one RFC 4733 event: marker first, a fixed timestamp, a growing duration, three end packets', async () => {
  const { clock, relay, session, caller } = await rig();
  session.side('a').sendDtmf('5', { durationMs: 100, payloadType: EVENT_PT });
  await driveUntil(clock, () => caller.received.length >= 8, 'the key');
  clock.advance(200);
  await settle();
  assert.equal(caller.received.length, 8, 'five held packets and three end packets, nothing more');
  assert.equal(caller.sources[0], `${LOOPBACK}:${session.side('a').localPort}`, 'from the port the leg sends to');
  const packets = parsed(caller.received);
  const first = packets[0];
  assert.ok(first);
  packets.forEach((packet, i) => {
    assert.equal(packet.payloadType, EVENT_PT);
    assert.equal(packet.ssrc, first.ssrc, 'one SSRC');
    assert.equal(packet.sequenceNumber, (first.sequenceNumber + i) & 0xffff, 'a sequence number each');
    assert.equal(packet.timestamp, first.timestamp, "every packet carries the event's start");
    assert.equal(packet.marker, i === 0, 'the marker bit on the first packet only');
  });
  const events = packets.map(eventOf);
  assert.deepEqual(
    events.map((e) => [e.event, e.volume, e.duration, e.end]),
    [
      [5, 10, 160, false],
      [5, 10, 320, false],
      [5, 10, 480, false],
      [5, 10, 640, false],
      [5, 10, 800, false],
      [5, 10, 800, true],
      [5, 10, 800, true],
      [5, 10, 800, true],
    ],
  );
  assert.deepEqual(keysHeard(caller.received), ['5'], 'a receiver hears the key exactly once');
  assert.equal(relay.snapshot().dtmfSent, 1);
  assert.equal(relay.mediaSnapshot().playing, 0, 'the sender left the media clock');
});

test('keys go in the leg stream: bridged audio is held back while one is sent, then follows it; a second key queues', async () => {
  const { clock, relay, session, caller, callee } = await rig();
  const b = session.side('b');
  await callee.send(b.localPort, rtp(1, 0x77));
  await waitUntil(() => caller.received.length === 1, 'audio before the keys');
  session.side('a').sendDtmf('1', { durationMs: 60, payloadType: EVENT_PT });
  session.side('a').sendDtmf('#', { durationMs: 60, payloadType: EVENT_PT });
  for (let i = 2; i < 24; i++) {
    await callee.send(b.localPort, rtp(i, 0x77));
    await waitUntil(() => b.packetsIn === i, `callee packet ${i}`);
    clock.advance(20);
  }
  await waitUntil(() => relay.snapshot().dtmfSent === 2, 'both keys');
  await settle();
  const packets = parsed(caller.received);
  const first = packets[0];
  assert.ok(first);
  packets.forEach((packet, i) => {
    assert.equal(packet.ssrc, first.ssrc, 'one SSRC for audio and keys');
    assert.equal(packet.sequenceNumber, (first.sequenceNumber + i) & 0xffff, 'one sequence space, no gap');
  });
  const kinds = packets.map((p) => (p.payloadType === EVENT_PT ? (eventOf(p).end ? 'E' : 'k') : 'a')).join('');
  // Each key: 3 held packets, 3 end packets; audio only between them (the 2-frame gap) and after.
  assert.match(kinds, /^a+kkkEEEa{1,3}kkkEEEa+$/);
  const audio = kinds.replace(/[kE]/g, '').length;
  assert.equal(relay.snapshot().mutedByDtmf, 23 - audio, 'what the callee sent and the caller did not get was held back for the keys');
  assert.ok(audio < 23 - 6);
  const keyStarts = packets.filter((p) => p.payloadType === EVENT_PT && p.marker).map((p) => p.timestamp);
  assert.equal(keyStarts.length, 2, 'two events, each starting with the marker bit');
  assert.notEqual(keyStarts[0], keyStarts[1], 'a new event has a new timestamp');
  // The leg's timeline moves on: audio after a key is stamped after the key's whole span, never inside it.
  let lastAudio = -1;
  let keyEnd = -1;
  for (const packet of packets) {
    if (packet.payloadType === EVENT_PT) {
      keyEnd = packet.timestamp + eventOf(packet).duration;
      assert.ok(packet.timestamp > lastAudio, 'a key starts after the audio before it');
      continue;
    }
    assert.ok(packet.timestamp > lastAudio && packet.timestamp >= keyEnd, 'audio after a key follows its span');
    lastAudio = packet.timestamp;
  }
  assert.deepEqual(keysHeard(caller.received), ['1', '#']);
});

test('a prompt to the leg is paused for a key; a bad key is dropped and counted; the queue is bounded', async () => {
  const { clock, relay, session, caller } = await rig();
  const side = session.side('a');
  const done = side.play({ items: [{ kind: 'tone', tone: 'ringback' }], loop: true, format: { payloadType: 0, encoding: 'PCMU' } });
  await waitUntil(() => relay.mediaSnapshot().playing === 1, 'the tone on the media clock');
  clock.advance(40);
  side.sendDtmf('9', { durationMs: 40, payloadType: EVENT_PT });
  await driveUntil(clock, () => relay.snapshot().dtmfSent === 1, 'the key');
  clock.advance(60);
  await settle();
  const kinds = parsed(caller.received)
    .map((p) => (p.payloadType === EVENT_PT ? 'k' : 't'))
    .join('');
  assert.match(kinds, /^t+kkkkkt+$/, 'the tone, the key alone (2 held and 3 end packets), the tone again');
  // The tone's frame of the key's first tick went out before the key started; the next four were skipped.
  assert.equal(relay.snapshot().mutedByDtmf, 4, 'tone frames skipped while the key went out');

  side.sendDtmf('x', { durationMs: 100, payloadType: EVENT_PT });
  side.sendDtmf('1', { durationMs: 100, payloadType: 128 });
  assert.equal(relay.snapshot().dtmfDropped, 2, 'not a key, not a payload type');
  for (let i = 0; i <= MAX_QUEUED_KEYS; i++) side.sendDtmf('0', { durationMs: 100, payloadType: EVENT_PT });
  assert.equal(relay.snapshot().dtmfDropped, 3, `${MAX_QUEUED_KEYS} keys wait, one more is dropped`);
  session.close();
  assert.equal((await done).reason, 'stopped');
  const heard = caller.received.length;
  clock.advance(1000);
  await settle();
  assert.equal(caller.received.length, heard, 'a closed session sends no key left in its queue');
  assert.equal(relay.mediaSnapshot().playing, 0);
});
