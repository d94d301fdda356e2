// The combined detector as the relay drives it: whole RTP datagrams from a simulated phone that sends
// G.711 audio (with or without the tones) and/or RFC 4733 events; each key must come out once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serializeRtp } from '../rtp-packet.ts';
import { dtmfTone, eventPayload, g711Encode, press, recorder } from './dtmf-signals.test-support.ts';
import { DtmfDetector, type DtmfDetectorOptions } from './dtmf-detector.ts';
import type { G711Encoding } from './inband-dtmf-detector.ts';

const EVENT_PT = 101;
const KEY_CODES: Record<string, number> = { '0': 0, '1': 1, '2': 2, '3': 3, '5': 5, '9': 9, '#': 11 };

interface Key {
  readonly digit: string;
  readonly atMs: number;
  readonly durationMs: number;
  /** How much later than the tone this key's events arrive, and how many of its first packets are lost. */
  readonly eventDelayMs?: number;
  readonly lostEventPackets?: number;
  readonly lostEnd?: boolean;
}

interface PhoneOptions {
  readonly keys: readonly Key[];
  readonly totalMs: number;
  readonly tonesInAudio: boolean;
  readonly rfc4733: boolean;
  readonly audioPayloadType?: number;
  readonly encoding?: G711Encoding;
}

/** What a phone sends in `totalMs`, as [arrival ms, datagram], in arrival order. */
function phone(options: PhoneOptions): [number, Buffer][] {
  const encoding = options.encoding ?? 'PCMU';
  const signal = new Int16Array(options.totalMs * 8);
  if (options.tonesInAudio) for (const key of options.keys) signal.set(dtmfTone(key.digit, key.durationMs, { lowDbm0: -12 }), key.atMs * 8);
  const sent: [number, Buffer][] = [];
  const rtp = (payloadType: number, sequenceNumber: number, timestamp: number, marker: boolean, payload: Buffer) =>
    serializeRtp({ marker, payloadType, sequenceNumber, timestamp, ssrc: 0xcafe, csrcs: [], extension: undefined, payload, paddingLength: 0 });
  for (let frame = 0; frame * 160 < signal.length; frame++) {
    const payload = g711Encode(signal.subarray(frame * 160, frame * 160 + 160), encoding);
    sent.push([(frame + 1) * 20, rtp(options.audioPayloadType ?? (encoding === 'PCMU' ? 0 : 8), frame, frame * 160, false, payload)]);
  }
  if (options.rfc4733) {
    options.keys.forEach((key, index) => {
      const packets = press(KEY_CODES[key.digit] ?? 0, { timestamp: key.atMs * 8, sequence: 1000 * index, at: key.atMs + (key.eventDelayMs ?? 0), durationMs: key.durationMs });
      for (const p of packets.slice(key.lostEventPackets ?? 0)) {
        if (key.lostEnd === true && p.end) continue;
        sent.push([p.at, rtp(EVENT_PT, p.sequence, p.timestamp, p.marker, eventPayload(p))]);
      }
    });
  }
  return sent.sort((a, b) => a[0] - b[0]);
}

function listen(sent: readonly [number, Buffer][], options: Partial<DtmfDetectorOptions> = {}) {
  const heard = recorder();
  const detector = new DtmfDetector({ telephoneEventPayloadType: EVENT_PT, onDigit: heard.onDigit, onDigitEnd: heard.onDigitEnd, ...options });
  for (const [at, datagram] of sent) detector.onDatagram(datagram, at);
  return { heard, detector, methods: () => heard.digits.map((d) => d.method) };
}

const THREE_KEYS: Key[] = [
  { digit: '1', atMs: 200, durationMs: 120 },
  { digit: '2', atMs: 500, durationMs: 120 },
  { digit: '3', atMs: 800, durationMs: 120 },
];

test('auto: a phone sending RFC 4733 and leaving the tones in the audio gives each key once', () => {
  const { heard, detector, methods } = listen(phone({ keys: THREE_KEYS, totalMs: 1200, tonesInAudio: true, rfc4733: true }));
  assert.equal(heard.keys(), '123');
  assert.deepEqual(methods(), ['rfc4733', 'rfc4733', 'rfc4733']);
  assert.deepEqual(heard.ends.map((e) => `${e.digit}:${e.method}:${e.durationMs}`), ['1:rfc4733:120', '2:rfc4733:120', '3:rfc4733:120']);
  assert.equal(detector.inbandActive, false);
});

test('auto: when the tone is heard before the late first event, the event does not repeat the key', () => {
  // The first key's first two event packets are lost: the next one comes 100 ms into the tone.
  const keys: Key[] = [{ digit: '5', atMs: 200, durationMs: 200, lostEventPackets: 2 }, { digit: '9', atMs: 600, durationMs: 100 }];
  const { heard, methods } = listen(phone({ keys, totalMs: 1000, tonesInAudio: true, rfc4733: true }));
  assert.equal(heard.keys(), '59');
  assert.deepEqual(methods(), ['inband', 'rfc4733']);
  // One release per key; the first carries the sender's exact duration and pairs with the in-band report.
  assert.deepEqual(heard.ends.map((e) => `${e.digit}:${e.method}:${e.durationMs}`), ['5:inband:200', '9:rfc4733:100']);
  assert.equal(heard.ends[0]?.startedAtMs, heard.digits[0]?.atMs);
});

test('auto: a short key whose events all came after the tone ended is not reported twice either', () => {
  const keys: Key[] = [{ digit: '#', atMs: 200, durationMs: 60, eventDelayMs: 120 }];
  const { heard } = listen(phone({ keys, totalMs: 600, tonesInAudio: true, rfc4733: true }));
  assert.equal(heard.keys(), '#');
  assert.equal(heard.ends.length, 1);
  assert.equal(heard.ends[0]?.method, 'inband');
});

test('auto: a phone without RFC 4733 is heard in-band', () => {
  const { heard, methods, detector } = listen(phone({ keys: THREE_KEYS, totalMs: 1200, tonesInAudio: true, rfc4733: false }));
  assert.equal(heard.keys(), '123');
  assert.deepEqual(methods(), ['inband', 'inband', 'inband']);
  assert.equal(detector.inbandActive, true);
});

test('modes: rfc4733 does not listen to audio, inband does not read events', () => {
  assert.equal(listen(phone({ keys: THREE_KEYS, totalMs: 1200, tonesInAudio: true, rfc4733: false }), { mode: 'rfc4733' }).heard.keys(), '');
  assert.equal(listen(phone({ keys: THREE_KEYS, totalMs: 1200, tonesInAudio: false, rfc4733: true }), { mode: 'inband' }).heard.keys(), '');
  const both = listen(phone({ keys: THREE_KEYS, totalMs: 1200, tonesInAudio: true, rfc4733: true }), { mode: 'inband' });
  assert.equal(both.heard.keys(), '123');
  assert.deepEqual(both.methods(), ['inband', 'inband', 'inband']);
});

test('audio payload types: a dynamic one mapped to PCMA is heard; other codecs are not decoded', () => {
  const pcma96 = phone({ keys: THREE_KEYS, totalMs: 1200, tonesInAudio: true, rfc4733: false, encoding: 'PCMA', audioPayloadType: 96 });
  assert.equal(listen(pcma96).heard.keys(), '', 'PT 96 is nothing by default');
  assert.equal(listen(pcma96, { audioEncodings: { 96: 'PCMA' } }).heard.keys(), '123');
  // The same bytes labelled G.722 (PT 9) are not G.711: no in-band detection.
  assert.equal(listen(phone({ keys: THREE_KEYS, totalMs: 1200, tonesInAudio: true, rfc4733: false, encoding: 'PCMA', audioPayloadType: 9 })).heard.keys(), '');
});

test('a lost end is timed out by the audio that keeps coming', () => {
  const keys: Key[] = [{ digit: '0', atMs: 200, durationMs: 150, lostEnd: true }];
  const { heard } = listen(phone({ keys, totalMs: 1500, tonesInAudio: false, rfc4733: true }));
  assert.equal(heard.keys(), '0');
  assert.deepEqual(heard.ends.map((e) => e.reason), ['timeout']);
  assert.ok((heard.ends[0]?.atMs ?? 0) >= 300 + 500 && (heard.ends[0]?.atMs ?? 0) <= 300 + 520);
});

test('onDatagram finds the payload past CSRCs, a header extension and padding; onRtp and onAudio take payloads', () => {
  const heard = recorder();
  const detector = new DtmfDetector({ telephoneEventPayloadType: EVENT_PT, onDigit: heard.onDigit });
  const payload = eventPayload({ code: 9, end: false, duration: 160 });
  const datagram = serializeRtp({
    marker: true,
    payloadType: EVENT_PT,
    sequenceNumber: 1,
    timestamp: 0xfffffff0,
    ssrc: 0xfeedbeef,
    csrcs: [1, 2],
    extension: { profile: 0xbede, data: Buffer.from([0x10, 0xaa, 0, 0]) },
    payload,
    paddingLength: 4,
  });
  detector.onDatagram(datagram, 10);
  detector.onDatagram(datagram.subarray(0, 8), 11);
  assert.equal(heard.keys(), '9');
  detector.onRtp(0x10, 2, true, 0xfeedbeef, eventPayload({ code: 3, end: true, duration: 800 }), 20);
  assert.equal(heard.keys(), '93');
  const audio = g711Encode(dtmfTone('2', 100), 'PCMU');
  for (let at = 0; at < audio.length; at += 160) detector.onAudio(0, audio.subarray(at, at + 160), 30 + at / 8);
  assert.equal(heard.keys(), '93', 'in-band is off once the stream has sent events');
  detector.reset(200);
  for (let at = 0; at < audio.length; at += 160) detector.onAudio(0, audio.subarray(at, at + 160), 300 + at / 8);
  assert.equal(heard.keys(), '932', 'reset listens to both again');
});

test('setMode releases a key held by the method it leaves', () => {
  const heard = recorder();
  const detector = new DtmfDetector({ mode: 'inband', onDigit: heard.onDigit, onDigitEnd: heard.onDigitEnd });
  detector.onPcm(dtmfTone('1', 100), 100);
  assert.equal(heard.keys(), '1');
  detector.setMode('rfc4733', 150);
  assert.deepEqual(heard.ends.map((e) => e.reason), ['superseded']);
  assert.equal(detector.mode, 'rfc4733');
  assert.equal(detector.inbandActive, false);
});
