// In-band DTMF: all 16 keys through G.711 at Q.24 levels, the 40 ms / 20 ms duration limits, twist,
// pauses and dropouts, and talk-off (noise, a voice, chords, sweeps produce no key).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ALL_DIGITS,
  concatSamples,
  dtmfTone,
  g711Encode,
  g711RoundTrip,
  inFrames,
  recorder,
  silence,
  speechLike,
  sweep,
  tones,
  whiteNoise,
  type ToneOptions,
} from './dtmf-signals.test-support.ts';
import { InbandDtmfDetector, type G711Encoding } from './inband-dtmf-detector.ts';

function detect(samples: Int16Array, frame = 160) {
  const heard = recorder();
  const detector = new InbandDtmfDetector({ onDigit: heard.onDigit, onDigitEnd: heard.onDigitEnd });
  inFrames(samples, (f, nowMs) => detector.pushPcm(f, nowMs), 0, frame);
  return heard;
}

/** Every key for `toneMs`, `pauseMs` apart. */
function keypad(toneMs: number, pauseMs: number, options: ToneOptions = {}): Int16Array {
  return concatSamples(silence(40), ...ALL_DIGITS.flatMap((digit) => [dtmfTone(digit, toneMs, options), silence(pauseMs)]));
}

for (const encoding of ['PCMU', 'PCMA'] as const satisfies readonly G711Encoding[]) {
  test(`all 16 keys through ${encoding} at -10, -17 and -25 dBm0 per tone`, () => {
    for (const lowDbm0 of [-10, -17, -25]) {
      const heard = recorder();
      const detector = new InbandDtmfDetector({ onDigit: heard.onDigit, onDigitEnd: heard.onDigitEnd });
      inFrames(g711Encode(keypad(70, 60, { lowDbm0 }), encoding), (payload, nowMs) => detector.pushG711(payload, encoding, nowMs));
      assert.equal(heard.keys(), ALL_DIGITS.join(''), `${lowDbm0} dBm0`);
      assert.equal(heard.ends.length, 16);
      for (const end of heard.ends) {
        assert.equal(end.reason, 'end');
        assert.ok(Math.abs(end.durationMs - 70) <= 10, `${end.digit} held ${end.durationMs} ms`);
      }
    }
  });
}

test('a 40 ms tone counts and a 20 ms tone does not, however they fall on frames and windows', () => {
  for (let offset = 0; offset < 160; offset += 7) {
    const lead = new Int16Array(offset);
    assert.equal(detect(g711RoundTrip(concatSamples(lead, dtmfTone('8', 40), silence(100)), 'PCMU')).keys(), '8', `40 ms at +${offset}`);
    assert.equal(detect(g711RoundTrip(concatSamples(lead, dtmfTone('8', 20), silence(100)), 'PCMU')).keys(), '', `20 ms at +${offset}`);
  }
});

test('twist: the low tone up to 8 dB stronger (normal), the high one up to 4 dB (reverse)', () => {
  assert.equal(detect(keypad(60, 60, { lowDbm0: -10, highDbm0: -16 })).keys(), ALL_DIGITS.join(''), 'normal twist 6 dB');
  assert.equal(detect(keypad(60, 60, { lowDbm0: -10, highDbm0: -20 })).keys(), '', 'normal twist 10 dB');
  assert.equal(detect(keypad(60, 60, { lowDbm0: -13, highDbm0: -10 })).keys(), ALL_DIGITS.join(''), 'reverse twist 3 dB');
  assert.equal(detect(keypad(60, 60, { lowDbm0: -16, highDbm0: -10 })).keys(), '', 'reverse twist 6 dB');
});

test('level floor: a pair at -45 dBm0 is below it; a single tone is not a key', () => {
  assert.equal(detect(keypad(60, 60, { lowDbm0: -45 })).keys(), '');
  assert.equal(detect(tones([[770, -10]], 500)).keys(), '');
  assert.equal(detect(tones([[1336, -10]], 500)).keys(), '');
});

test('frequency: 1.5 % off still counts (Q.24), 3.5 % off does not', () => {
  for (const deviation of [-0.015, 0.015]) assert.equal(detect(keypad(60, 60, { deviation })).keys(), ALL_DIGITS.join(''), `${deviation}`);
  for (const deviation of [-0.035, 0.035]) assert.equal(detect(keypad(60, 60, { deviation })).keys(), '', `${deviation}`);
});

test('a dropout of 20 ms inside a key is bridged; a 40 ms pause separates two presses of it', () => {
  const held = concatSamples(dtmfTone('5', 300), silence(100));
  held.fill(0, 1200, 1200 + 160);
  const once = detect(held);
  assert.equal(once.keys(), '5');
  assert.equal(once.ends.length, 1);
  assert.equal(detect(concatSamples(dtmfTone('5', 100), silence(40), dtmfTone('5', 100, { phase: 1 }), silence(100))).keys(), '55');
  // A fast dialler: 40 ms on, 40 ms off.
  assert.equal(detect(concatSamples(...[1, 2, 3, 4].flatMap(() => [dtmfTone('0', 40), silence(40)]))).keys(), '0000');
});

test('another key straight after one (no pause): both count, the first released before the second is reported', () => {
  const heard = detect(concatSamples(dtmfTone('1', 100), dtmfTone('9', 100), silence(100)));
  assert.equal(heard.keys(), '19');
  assert.deepEqual(heard.ends.map((e) => e.digit), ['1', '9']);
  assert.ok((heard.ends[0]?.atMs ?? Infinity) <= (heard.digits[1]?.atMs ?? 0));
});

test('frames of any size give the same keys', () => {
  const signal = g711RoundTrip(keypad(50, 50, { lowDbm0: -20 }), 'PCMA');
  for (const frame of [1, 7, 51, 80, 160, 240, 480]) assert.equal(detect(signal, frame).keys(), ALL_DIGITS.join(''), `${frame}-sample frames`);
});

test('a key in background noise 20 dB down is still heard', () => {
  const tone = concatSamples(silence(100), dtmfTone('#', 80, { lowDbm0: -12 }), silence(100));
  const noise = whiteNoise(280, -32, 5);
  const mixed = tone.map((x, i) => Math.max(-32768, Math.min(32767, x + (noise[i] ?? 0))));
  assert.equal(detect(g711RoundTrip(mixed, 'PCMU')).keys(), '#');
});

test('talk-off: white noise, a voice, chords and sweeps give no key', () => {
  for (const seed of [1, 2]) for (const dbm0 of [-40, -20, -10, 0]) assert.equal(detect(whiteNoise(3000, dbm0, seed)).keys(), '', `noise ${dbm0} dBm0`);
  // 3 voices x 3 levels x 6 s; many more seeds and minutes were run while tuning, without a key.
  for (const seed of [1, 2, 3]) {
    for (const dbm0 of [-25, -12, -3]) assert.equal(detect(g711RoundTrip(speechLike(6000, seed, dbm0), 'PCMA')).keys(), '', `voice ${seed} at ${dbm0} dBm0`);
  }
  const chords: [number, number][][] = [
    // C major over two octaves (C5 E5 G5 C6 E6).
    [[523, -12], [659, -12], [784, -12], [1047, -12], [1319, -12]],
    // Pairs halfway between rows and between columns, and 3.5 % or more off.
    [[733, -10], [1270, -10]],
    [[720, -10], [1250, -10]],
    [[660, -10], [1175, -10]],
    [[890, -10], [1560, -10]],
    // A4 and its harmonics.
    [[440, -10], [880, -10], [1320, -10]],
  ];
  for (const chord of chords) assert.equal(detect(tones(chord, 2000)).keys(), '', JSON.stringify(chord));
  assert.equal(detect(sweep(300, 3400, 5000, -10)).keys(), '', 'one sweeping tone');
  assert.equal(detect(concatSamples(sweep(600, 1000, 2000, -10), sweep(1100, 1700, 2000, -10))).keys(), '', 'a sweep through both groups');
});

test('reset releases a held key and forgets half-filled windows', () => {
  const heard = recorder();
  const detector = new InbandDtmfDetector({ onDigit: heard.onDigit, onDigitEnd: heard.onDigitEnd });
  inFrames(dtmfTone('C', 100), (f, nowMs) => detector.pushPcm(f, nowMs));
  assert.equal(heard.keys(), 'C');
  detector.reset(500);
  assert.deepEqual(heard.ends.map((e) => [e.reason, e.atMs]), [['superseded', 500]]);
  inFrames(dtmfTone('C', 100), (f, nowMs) => detector.pushPcm(f, nowMs), 500);
  assert.equal(heard.keys(), 'CC');
});
