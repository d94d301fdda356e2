import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dtmfEventOf, dtmfSymbolOf, parseTelephoneEvent, parseTelephoneEvents, serializeTelephoneEvent, serializeTelephoneEvents, type TelephoneEvent } from './index.ts';

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');

const CASES: { name: string; data: Buffer; event: TelephoneEvent }[] = [
  { name: 'digit 5 starting, -10 dBm0, 160 units', data: hex('05 0a 00a0'), event: { event: 5, end: false, volume: 10, duration: 160 } },
  { name: '# ending, -7 dBm0, 800 units (100 ms)', data: hex('0b 87 0320'), event: { event: 11, end: true, volume: 7, duration: 800 } },
  { name: 'flash, volume 63, longest duration', data: hex('10 3f ffff'), event: { event: 16, end: false, volume: 63, duration: 0xffff } },
  { name: 'an event beyond DTMF', data: hex('ff 80 0000'), event: { event: 255, end: true, volume: 0, duration: 0 } },
];

for (const c of CASES) {
  test(`parses and writes back ${c.name}`, () => {
    const result = parseTelephoneEvent(c.data);
    if (!result.ok) assert.fail(result.error);
    assert.deepEqual(result.value, c.event);
    assert.deepEqual(serializeTelephoneEvent(c.event), c.data);
  });
}

test('the reserved R bit is ignored on receipt and sent as zero', () => {
  const result = parseTelephoneEvent(hex('01 c5 0050'));
  assert.ok(result.ok);
  assert.deepEqual(result.value, { event: 1, end: true, volume: 5, duration: 80 });
  assert.deepEqual(serializeTelephoneEvent(result.value), hex('01 85 0050'));
});

test('several events packed in one payload', () => {
  const result = parseTelephoneEvents(hex('01 8a 0320 02 0a 00a0'));
  assert.ok(result.ok);
  assert.deepEqual(result.value.map((e) => [e.event, e.end]), [[1, true], [2, false]]);
  assert.deepEqual(serializeTelephoneEvents(result.value), hex('01 8a 0320 02 0a 00a0'));
});

test('serialize clamps volume and duration to their fields', () => {
  assert.deepEqual(serializeTelephoneEvent({ event: 300, end: false, volume: 64, duration: 70000 }), hex('2c 00 ffff'));
  assert.deepEqual(serializeTelephoneEvent({ event: 1, end: false, volume: 1, duration: -5 }), hex('01 01 0000'));
});

for (const [name, data] of [
  ['an empty payload', Buffer.alloc(0)],
  ['3 bytes', hex('05 0a 00')],
  ['5 bytes', hex('05 0a 00a0 00')],
] as const) {
  test(`refuses ${name}`, () => {
    assert.equal(parseTelephoneEvent(data).ok, false);
    assert.equal(parseTelephoneEvents(data).ok, false);
  });
}

test('DTMF symbols and event codes map both ways (RFC 4733 §3.2)', () => {
  const symbols = '0123456789*#ABCD';
  for (let event = 0; event < 16; event++) {
    assert.equal(dtmfSymbolOf(event), symbols[event]);
    assert.equal(dtmfEventOf(symbols[event] ?? ''), event);
  }
  assert.equal(dtmfEventOf('a'), 12);
  assert.equal(dtmfSymbolOf(16), undefined, 'flash has no symbol');
  assert.equal(dtmfSymbolOf(-1), undefined);
  assert.equal(dtmfSymbolOf(1.5), undefined);
  assert.equal(dtmfEventOf('E'), undefined);
  assert.equal(dtmfEventOf('12'), undefined);
  assert.equal(dtmfEventOf(''), undefined);
});
