// RFC 4733 receiver: one report per key press at its start, one release, whatever the network does to
// the packets (duplicates, reordering, lost ends, SSRC changes, long events, packing).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serializeTelephoneEvents } from '../telephone-event.ts';
import { eventPayload, press, recorder, type EventPacket } from './dtmf-signals.test-support.ts';
import { TelephoneEventReceiver, type TelephoneEventReceiverOptions } from './telephone-event-receiver.ts';

function receiver(options: Partial<TelephoneEventReceiverOptions> = {}) {
  const heard = recorder();
  const rx = new TelephoneEventReceiver({ onDigit: heard.onDigit, onDigitEnd: heard.onDigitEnd, ...options });
  const feed = (packets: readonly EventPacket[]) => {
    for (const p of packets) rx.receive(p.timestamp, p.sequence, p.marker, p.ssrc, eventPayload(p), p.at);
  };
  return { rx, heard, feed };
}

test('a normal press: reported at its first packet, released once on the E bit despite three end packets', () => {
  const { heard, feed } = receiver();
  const packets = press(5, { timestamp: 1000, sequence: 10, at: 100, durationMs: 120 });
  assert.equal(packets.filter((p) => p.end).length, 3);
  feed(packets.slice(0, 1));
  assert.deepEqual(heard.digits, [{ digit: '5', method: 'rfc4733', atMs: 100 }], 'reported on the first packet, before the end');
  feed(packets.slice(1));
  assert.equal(heard.digits.length, 1);
  assert.deepEqual(heard.ends, [{ digit: '5', method: 'rfc4733', startedAtMs: 100, atMs: 220, durationMs: 120, reason: 'end' }]);
});

test('every packet twice: one key, one release', () => {
  const { heard, feed } = receiver();
  feed(press(11, { timestamp: 5000, sequence: 1, at: 0, durationMs: 200 }).flatMap((p) => [p, p]));
  assert.equal(heard.keys(), '#');
  assert.equal(heard.ends.length, 1);
  assert.equal(heard.ends[0]?.durationMs, 200);
});

test('reordered packets: the first after the second, and an update after the end, change nothing', () => {
  const { heard, feed } = receiver();
  const [first, second, third, ...rest] = press(1, { timestamp: 7000, sequence: 100, at: 0, durationMs: 150 });
  assert.ok(first && second && third);
  const end = rest[0];
  assert.ok(end);
  feed([second, first, end, third, ...rest.slice(1)]);
  assert.equal(heard.keys(), '1');
  assert.equal(heard.digits[0]?.atMs, second.at, 'the first packet to arrive starts the key');
  assert.equal(heard.ends.length, 1);
  assert.equal(heard.ends[0]?.durationMs, 150);
});

test('a lost end times out; the same key pressed again (new timestamp) is reported again', () => {
  const { rx, heard, feed } = receiver();
  const lostEnd = press(7, { timestamp: 8000, sequence: 1, at: 0, durationMs: 200 }).filter((p) => !p.end);
  feed(lostEnd);
  rx.tick(300);
  assert.equal(heard.ends.length, 0, 'not yet: 150 ms since the last packet');
  rx.tick(650);
  assert.deepEqual(heard.ends, [{ digit: '7', method: 'rfc4733', startedAtMs: 0, atMs: 650, durationMs: 150, reason: 'timeout' }]);
  feed(press(7, { timestamp: 8000 + 8 * 900, sequence: 10, at: 900, durationMs: 100 }));
  assert.equal(heard.keys(), '77');
  assert.equal(heard.ends.length, 2);
});

test('a lost end without a tick: the next packet, late enough, times the event out first', () => {
  const { heard, feed } = receiver();
  feed(press(3, { timestamp: 100, sequence: 1, at: 0, durationMs: 100 }).filter((p) => !p.end));
  feed(press(3, { timestamp: 100 + 8 * 2000, sequence: 9, at: 2000, durationMs: 100 }));
  assert.equal(heard.keys(), '33');
  assert.deepEqual(heard.ends.map((e) => e.reason), ['timeout', 'end']);
});

test('the same key twice and two different keys back to back: one report per press', () => {
  const { heard, feed } = receiver();
  feed(press(9, { timestamp: 0, sequence: 1, at: 0, durationMs: 100 }));
  feed(press(9, { timestamp: 8 * 200, sequence: 20, at: 200, durationMs: 100 }));
  feed(press(4, { timestamp: 8 * 400, sequence: 40, at: 400, durationMs: 100 }));
  // No pause and no end packets at all: the new timestamp ends the held key.
  feed(press(2, { timestamp: 8 * 500, sequence: 60, at: 500, durationMs: 100 }).filter((p) => !p.end));
  feed(press(8, { timestamp: 8 * 600, sequence: 80, at: 600, durationMs: 100 }));
  assert.equal(heard.keys(), '99428');
  assert.deepEqual(heard.ends.map((e) => `${e.digit}:${e.reason}`), ['9:end', '9:end', '4:end', '2:superseded', '8:end']);
});

test('an SSRC change mid-event starts a new event; late packets of the old stream are ignored', () => {
  const { heard, feed } = receiver();
  const oldStream = press(6, { timestamp: 4000, sequence: 1, at: 0, durationMs: 200, ssrc: 0xaaaa });
  feed(oldStream.slice(0, 2));
  feed(press(6, { timestamp: 90000, sequence: 500, at: 60, durationMs: 100, ssrc: 0xbbbb }).slice(0, 1));
  assert.equal(heard.keys(), '66');
  assert.deepEqual(heard.ends.map((e) => e.reason), ['superseded']);
  // The old stream's end packets, arriving after the switch, are not a new key.
  feed(oldStream.slice(2));
  assert.equal(heard.keys(), '66');
  // A new press on the old stream (a newer timestamp) is one, though.
  feed(press(1, { timestamp: 4000 + 8000, sequence: 50, at: 1000, durationMs: 100, ssrc: 0xaaaa }));
  assert.equal(heard.keys(), '661');
});

test('keys 0-15 map to 0-9 * # A-D; flash is ignored unless asked for; other events are ignored', () => {
  const { heard, feed } = receiver();
  for (let code = 0; code <= 17; code++) feed(press(code, { timestamp: code * 8000, sequence: code * 10, at: code * 1000, durationMs: 60 }));
  feed(press(32, { timestamp: 99 * 8000, sequence: 990, at: 99000, durationMs: 60 }));
  assert.equal(heard.keys(), '0123456789*#ABCD');
  const withFlash = receiver({ reportFlash: true });
  withFlash.feed(press(16, { timestamp: 0, sequence: 0, at: 0, durationMs: 500 }));
  assert.deepEqual(withFlash.heard.digits.map((d) => d.digit), ['flash']);
});

test('a payload that is not whole 4-byte blocks is counted and dropped', () => {
  const { rx, heard } = receiver();
  rx.receive(0, 0, true, 1, Buffer.from([5, 0, 0]), 0);
  rx.receive(0, 0, true, 1, Buffer.alloc(0), 0);
  assert.equal(rx.malformed, 2);
  assert.equal(heard.digits.length, 0);
});

test('a long event sent as segments (§2.5.1.3) is one key, its duration the sum', () => {
  const { heard, feed } = receiver();
  const packets: EventPacket[] = [];
  let sequence = 0;
  let at = 0;
  // 10 s at 8 kHz: a first segment of 0xFFFF units, then one of the rest; updates every 50 ms.
  for (let units = 400; units <= 0xffff; units += 400, at += 50) packets.push({ timestamp: 0, sequence: sequence++, marker: units === 400, ssrc: 1, code: 0, end: false, duration: units, at });
  packets.push({ timestamp: 0, sequence: sequence++, marker: false, ssrc: 1, code: 0, end: false, duration: 0xffff, at });
  const rest = 80000 - 0xffff;
  for (let units = 400; units < rest; units += 400, at += 50) packets.push({ timestamp: 0xffff, sequence: sequence++, marker: false, ssrc: 1, code: 0, end: false, duration: units, at });
  for (let r = 0; r < 3; r++) packets.push({ timestamp: 0xffff, sequence: sequence++, marker: false, ssrc: 1, code: 0, end: true, duration: rest, at: at + 20 * r });
  feed(packets);
  assert.equal(heard.keys(), '0');
  assert.deepEqual(heard.ends.map((e) => [e.durationMs, e.reason]), [[10000, 'end']]);
});

test('a sender that reuses the last timestamp for the next press is still heard twice', () => {
  const { heard, feed } = receiver();
  feed(press(5, { timestamp: 3000, sequence: 1, at: 0, durationMs: 100 }));
  feed(press(5, { timestamp: 3000, sequence: 10, at: 400, durationMs: 100 }));
  feed(press(6, { timestamp: 3000, sequence: 20, at: 800, durationMs: 100 }));
  assert.equal(heard.keys(), '556');
});

test('packed blocks (§2.5.1.5): a repeated earlier event and the current one', () => {
  const { rx, heard } = receiver();
  // Key 1 from 0 for 800 units, key 2 right after it, at 800: one packet carries both.
  const packed = serializeTelephoneEvents([
    { event: 1, end: true, volume: 10, duration: 800 },
    { event: 2, end: false, volume: 10, duration: 160 },
  ]);
  rx.receive(0, 7, true, 9, packed, 0);
  rx.receive(0, 8, false, 9, packed, 20);
  assert.equal(heard.keys(), '12');
  assert.deepEqual(heard.ends.map((e) => `${e.digit}:${e.durationMs}`), ['1:100']);
});

test('a stream whose timestamps jump back after a pause (a restarted sender) is still heard', () => {
  const { heard, feed } = receiver();
  feed(press(1, { timestamp: 500000, sequence: 1, at: 0, durationMs: 100 }));
  // A late packet of an earlier event, 200 ms later, is ignored...
  feed([{ timestamp: 400000, sequence: 0, marker: false, ssrc: 0x5eed, code: 9, end: true, duration: 800, at: 300 }]);
  // ...but a key 3 s later is a new press even with an older timestamp.
  feed(press(2, { timestamp: 1000, sequence: 900, at: 3000, durationMs: 100 }));
  assert.equal(heard.keys(), '12');
});

test('durations follow the clock rate (telephone-event/48000 beside Opus)', () => {
  const { heard, feed } = receiver({ clockRate: 48000 });
  feed(press(4, { timestamp: 0, sequence: 0, at: 0, durationMs: 250, unitsPerMs: 48 }));
  assert.equal(heard.ends[0]?.durationMs, 250);
});

test('an event whose only packets to arrive are its end packets is reported and released', () => {
  const { heard, feed } = receiver();
  feed(press(12, { timestamp: 0, sequence: 0, at: 0, durationMs: 100 }).filter((p) => p.end));
  assert.equal(heard.keys(), 'A');
  assert.deepEqual(heard.ends.map((e) => e.reason), ['end']);
});
