// RecorderTrack through the file it feeds: placement by RTP timestamp (reordering, duplicates, loss), new SSRCs and
// their stragglers, holds with and without a timestamp jump, and clocks that drift against the arrival clock.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { CallRecorder } from './call-recorder.ts';
import { driveWithIo, FRAME, readWav, rtpStream, seeded, sine, tempDir, throughCodec, type TimedPacket } from './recorder.test-support.ts';
import type { RecordingResult } from './recorder-types.ts';

/** Records `packets` in mono with ticks every 100 ms and returns the result and the samples. */
async function record(packets: readonly TimedPacket[], stopMs: number): Promise<{ result: RecordingResult; samples: Int16Array }> {
  const { dir, cleanup } = await tempDir();
  try {
    const path = join(dir, 'track.wav');
    const recorder = CallRecorder.start({ path, mode: 'mixed', nowMs: 0 });
    await driveWithIo(recorder, packets);
    const result = await recorder.stop(stopMs);
    assert.equal(result.error, undefined);
    const [samples] = (await readWav(path)).channelData;
    assert.ok(samples !== undefined);
    return { result, samples };
  } finally {
    await cleanup();
  }
}

/** `length` samples of silence with `parts` copied in at their offsets. */
function timeline(length: number, ...parts: readonly (readonly [number, Int16Array])[]): Int16Array {
  const out = new Int16Array(length);
  for (const [at, samples] of parts) out.set(samples.subarray(0, Math.max(0, Math.min(samples.length, length - at))), at);
  return out;
}

test('reordered and duplicated packets are placed by timestamp: the recording is the clean stream', async () => {
  const tone = sine(440, 16000);
  const random = seeded(7);
  const packets = rtpStream(tone, { track: 0, startMs: 0 }).map((packet) => (packet.arrivalMs === 0 ? packet : { ...packet, arrivalMs: packet.arrivalMs + Math.floor(random() * 120) }));
  const duplicates = packets.filter((_, i) => i % 7 === 3).map((packet) => ({ ...packet, arrivalMs: packet.arrivalMs + 30 }));
  const arrivalOrder = [...packets, ...duplicates].sort((a, b) => a.arrivalMs - b.arrivalMs);
  assert.ok(arrivalOrder.some((packet, i) => i > 0 && packet.timestamp < (arrivalOrder[i - 1]?.timestamp ?? 0)), 'the stream really is reordered');
  const { result, samples } = await record(arrivalOrder, 2000);
  assert.deepEqual(samples, throughCodec(tone, 'PCMU'));
  assert.equal(result.tracks[0].duplicates, duplicates.length);
  assert.equal(result.tracks[0].late, 0);
  assert.equal(result.tracks[0].decoded, 100);
});

test('a lost packet is 20 ms of silence in its place', async () => {
  const tone = sine(500, 16000);
  const packets = rtpStream(tone, { track: 0, startMs: 0 }).filter((_, i) => i !== 50);
  const { samples } = await record(packets, 2000);
  const expected = throughCodec(tone, 'PCMU');
  expected.fill(0, 50 * FRAME, 51 * FRAME);
  assert.deepEqual(samples, expected);
});

test('a new SSRC with a random timestamp base continues at its arrival time', async () => {
  const [first, second] = [sine(440, 8000), sine(660, 8000)];
  const packets = [
    ...rtpStream(first, { track: 0, startMs: 0, ssrc: 0xaaaa, timestamp: 123_456_789, sequence: 65_500 }),
    // A transfer after half a second of nothing: another party, its own numbering, timestamps about to wrap.
    ...rtpStream(second, { track: 0, startMs: 1500, ssrc: 0xbbbb, timestamp: 2 ** 32 - 4000, sequence: 7 }),
  ];
  const { result, samples } = await record(packets, 3000);
  assert.deepEqual(samples, timeline(24000, [0, throughCodec(first, 'PCMU')], [12000, throughCodec(second, 'PCMU')]));
  assert.equal(result.tracks[0].streams, 2);
  assert.equal(result.tracks[0].reanchors, 0);
});

test("the old SSRC's straggler, reordered across the switch, still lands in its own place", async () => {
  const [first, second] = [sine(440, 8000), sine(660, 8000)];
  const old = rtpStream(first, { track: 0, startMs: 0, ssrc: 1, timestamp: 42 });
  const straggler = old[49];
  assert.ok(straggler !== undefined);
  const packets = [...old.slice(0, 49), { ...straggler, arrivalMs: 1030 }, ...rtpStream(second, { track: 0, startMs: 1000, ssrc: 2, timestamp: 9_999_999 })];
  const { result, samples } = await record(packets, 2000);
  assert.deepEqual(samples, timeline(16000, [0, throughCodec(first, 'PCMU')], [8000, throughCodec(second, 'PCMU')]));
  assert.equal(result.tracks[0].streams, 2);
  assert.equal(result.tracks[0].late, 0);
});

test('a hold whose timestamps kept running is silence of the right length', async () => {
  const tone = sine(440, 32000);
  const packets = rtpStream(tone, { track: 0, startMs: 0 }).filter((packet) => packet.arrivalMs < 1000 || packet.arrivalMs >= 3000);
  const { result, samples } = await record(packets, 4000);
  const expected = throughCodec(tone, 'PCMU');
  expected.fill(0, 8000, 24000);
  assert.deepEqual(samples, expected);
  assert.equal(result.tracks[0].reanchors, 0);
});

test('a long hold whose timestamps stood still re-anchors at once: the audio comes back when it is heard', async () => {
  const tone = sine(440, 16000);
  const packets = rtpStream(tone, { track: 0, startMs: 0 }).map((packet, i) => (i < 50 ? packet : { ...packet, arrivalMs: packet.arrivalMs + 10_000 }));
  const { result, samples } = await record(packets, 12_000);
  const codec = throughCodec(tone, 'PCMU');
  assert.deepEqual(samples, timeline(96_000, [0, codec.subarray(0, 8000)], [88_000, codec.subarray(8000)]));
  assert.equal(result.tracks[0].reanchors, 1);
});

test('a short hold whose timestamps stood still costs at most one drift period before the audio is back in time', async () => {
  const tone = sine(440, 16000);
  // One second of hold, the timestamps frozen: every packet after it looks one second late.
  const packets = rtpStream(tone, { track: 0, startMs: 0 }).map((packet, i) => (i < 50 ? packet : { ...packet, arrivalMs: packet.arrivalMs + 1000 }));
  const { result, samples } = await record(packets, 3000);
  const codec = throughCodec(tone, 'PCMU');
  // The first 200 ms after the hold miss the window; from then on each packet is where it arrived.
  assert.deepEqual(samples, timeline(24_000, [0, codec.subarray(0, 8000)], [17_600, codec.subarray(9600)]));
  assert.equal(result.tracks[0].late, 10);
  assert.equal(result.tracks[0].driftCorrections, 1);
  assert.equal(result.tracks[0].reanchors, 0);
});

for (const [name, msPerPacket] of [
  ['slow', 20.1],
  ['fast', 19.9],
] as const) {
  test(`a sender clock 0.5 % ${name} is kept inside the window: nothing late, the end still in time`, async () => {
    // 60 s of packets; each carries 20 ms of audio but they come every `msPerPacket` ms: 300 ms of drift in all.
    const tone = sine(400, 480_000);
    const packets = rtpStream(tone, { track: 0, startMs: 0 }).map((packet, i) => ({ ...packet, arrivalMs: Math.floor(i * msPerPacket) }));
    const end = Math.ceil(3000 * msPerPacket);
    const { result, samples } = await record(packets, end + 40);
    const stats = result.tracks[0];
    assert.equal(stats.late, 0);
    assert.ok(stats.driftCorrections >= 1, `${stats.driftCorrections} corrections`);
    // The last packet is recorded within the reorder window of when it arrived.
    let lastSound = samples.length - 1;
    while (lastSound > 0 && samples[lastSound] === 0) lastSound--;
    assert.ok(Math.abs(lastSound / 8 - end) <= 200, `last audio at ${lastSound / 8} ms, last arrival at ${end} ms`);
  });
}
