// CallRecorder: the WAV it writes (header, length, each channel's content), codecs and payload-type maps, pause,
// bounded memory on a long call, raw datagrams, and failures reported by stop() instead of thrown.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { encodeMulaw } from '../g711.ts';
import { serializeRtp } from '../rtp-packet.ts';
import { CallRecorder } from './call-recorder.ts';
import { drive, FRAME, readWav, rms, rtpStream, seeded, sine, tempDir, throughCodec, toneLevel, yieldToIo } from './recorder.test-support.ts';

test('stereo: caller left, other party right, sample-exact on the wall-clock timeline, sizes patched', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const path = join(dir, 'tenant-1', 'call.wav');
    const recorder = CallRecorder.start({ path, mode: 'stereo', nowMs: 1000 });
    const left = sine(440, 24000);
    const right = sine(1000, 24000, 6000);
    const jitter = seeded(1);
    // Track 0's timestamps wrap round 2^32 mid-call; every packet but the first comes up to 15 ms late.
    const packets = [...rtpStream(left, { track: 0, startMs: 1000, timestamp: 2 ** 32 - 10_000 }), ...rtpStream(right, { track: 1, law: 'PCMA', startMs: 1000, ssrc: 77 })].map((packet) =>
      packet.arrivalMs === 1000 ? packet : { ...packet, arrivalMs: packet.arrivalMs + Math.floor(jitter() * 15) },
    );
    drive(recorder, packets, 100, 1000);
    const result = await recorder.stop(4000);
    assert.equal(result.error, undefined);
    assert.equal(result.path, path);
    assert.equal(result.mode, 'stereo');
    assert.equal(result.durationMs, 3000);
    assert.equal(result.pausedMs, 0);
    assert.equal(result.bytes, 44 + 24000 * 4);
    assert.deepEqual(result.undecodable, { count: 0, payloadTypes: [] });
    assert.equal(result.tracks[0].decoded, 150);
    assert.equal(result.tracks[1].decoded, 150);

    const wav = await readWav(path);
    assert.equal(wav.riff, 'RIFF');
    assert.equal(wav.wave, 'WAVEfmt ');
    assert.equal(wav.format, 1);
    assert.equal(wav.channels, 2);
    assert.equal(wav.sampleRate, 8000);
    assert.equal(wav.byteRate, 32000);
    assert.equal(wav.blockAlign, 4);
    assert.equal(wav.bitsPerSample, 16);
    assert.equal(wav.dataSize, 24000 * 4);
    assert.equal(wav.riffSize, wav.fileSize - 8);
    const [l, r] = wav.channelData;
    assert.ok(l !== undefined && r !== undefined);
    assert.deepEqual(l, throughCodec(left, 'PCMU'));
    assert.deepEqual(r, throughCodec(right, 'PCMA'));
    assert.ok(toneLevel(l, 440) > 7000 && toneLevel(l, 1000) < 100, 'left holds 440 Hz only');
    assert.ok(toneLevel(r, 1000) > 5000 && toneLevel(r, 440) < 100, 'right holds 1000 Hz only');
  } finally {
    await cleanup();
  }
});

test('mixed: one channel holding both tones', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const path = join(dir, 'mixed.wav');
    const recorder = CallRecorder.start({ path, mode: 'mixed', nowMs: 0 });
    drive(recorder, [...rtpStream(sine(440, 16000), { track: 0, startMs: 0 }), ...rtpStream(sine(1000, 16000), { track: 1, law: 'PCMA', startMs: 0 })]);
    const result = await recorder.stop(2000);
    assert.equal(result.durationMs, 2000);
    const wav = await readWav(path);
    assert.equal(wav.channels, 1);
    assert.equal(wav.byteRate, 16000);
    assert.equal(wav.blockAlign, 2);
    const [mono] = wav.channelData;
    assert.ok(mono !== undefined && mono.length === 16000);
    assert.ok(toneLevel(mono, 440) > 7000 && toneLevel(mono, 1000) > 7000);
  } finally {
    await cleanup();
  }
});

test('mixed: loud tones in phase saturate at full scale instead of wrapping round', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const path = join(dir, 'loud.wav');
    const recorder = CallRecorder.start({ path, mode: 'mixed', nowMs: 0 });
    const loud = sine(500, 8000, 30000);
    drive(recorder, [...rtpStream(loud, { track: 0, startMs: 0 }), ...rtpStream(loud, { track: 1, startMs: 0 })]);
    await recorder.stop(1000);
    const [mono] = (await readWav(path)).channelData;
    const decoded = throughCodec(loud, 'PCMU');
    const expected = decoded.map((sample) => Math.max(-32768, Math.min(32767, 2 * sample)));
    assert.deepEqual(mono, expected);
    assert.ok(mono !== undefined && mono.includes(32767) && mono.includes(-32768));
  } finally {
    await cleanup();
  }
});

test('payload types: a dynamic PT mapped to PCMA decodes, CN and telephone-event are silence, an unknown codec is counted', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const path = join(dir, 'codecs.wav');
    const recorder = CallRecorder.start({
      path,
      mode: 'stereo',
      nowMs: 0,
      encodings: [new Map([[96, 'PCMA'], [101, 'telephone-event']]), new Map([[0, 'PCMU']])],
    });
    const tone = sine(700, 8000);
    const events = rtpStream(new Int16Array(8 * 4 * 5), { track: 0, startMs: 300, payloadType: 101, ssrc: 5 }).map((packet) => ({ ...packet, payload: Buffer.alloc(4) }));
    const comfortNoise = rtpStream(new Int16Array(FRAME), { track: 1, startMs: 10, payloadType: 13, ssrc: 9 }).map((packet) => ({ ...packet, payload: Buffer.from([40]) }));
    // G.729 (PT 18, 10-byte frames) was never negotiated with the recorder: it must not become noise.
    const g729 = rtpStream(new Int16Array(8000), { track: 1, startMs: 0, payloadType: 18 }).map((packet) => ({ ...packet, payload: Buffer.alloc(20, 0x5a) }));
    drive(recorder, [...rtpStream(tone, { track: 0, law: 'PCMA', payloadType: 96, startMs: 0 }), ...events, ...comfortNoise, ...g729]);
    const result = await recorder.stop(1000);
    assert.deepEqual(result.undecodable, { count: 50, payloadTypes: [18] });
    assert.equal(result.tracks[0].nonAudio, events.length);
    assert.equal(result.tracks[1].nonAudio, 1);
    assert.equal(result.tracks[1].undecodable, 50);
    const [left, right] = (await readWav(path)).channelData;
    assert.deepEqual(left, throughCodec(tone, 'PCMA'));
    assert.ok(right !== undefined && rms(right) === 0);
  } finally {
    await cleanup();
  }
});

test('pause skips the paused time: the file holds what came before and after, nothing of what came between', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const path = join(dir, 'paused.wav');
    const recorder = CallRecorder.start({ path, mode: 'mixed', nowMs: 0 });
    const [before, during, after] = [sine(440, 8000), sine(660, 8000), sine(880, 8000)];
    const all = new Int16Array(24000);
    all.set(before, 0);
    all.set(during, 8000);
    all.set(after, 16000);
    const packets = rtpStream(all, { track: 0, startMs: 0 });
    let last = drive(recorder, packets.filter((p) => p.arrivalMs < 1000));
    recorder.pause(1000);
    assert.equal(recorder.paused, true);
    last = drive(recorder, packets.filter((p) => p.arrivalMs >= 1000 && p.arrivalMs < 2000), 100, last);
    recorder.resume(2000);
    assert.equal(recorder.paused, false);
    drive(recorder, packets.filter((p) => p.arrivalMs >= 2000), 100, last);
    const result = await recorder.stop(3000);
    assert.equal(result.durationMs, 2000);
    assert.equal(result.pausedMs, 1000);
    const [mono] = (await readWav(path)).channelData;
    const codec = throughCodec(all, 'PCMU');
    const expected = new Int16Array(16000);
    expected.set(codec.subarray(0, 8000), 0);
    expected.set(codec.subarray(16000), 8000);
    assert.deepEqual(mono, expected);
  } finally {
    await cleanup();
  }
});

test('a 10-minute call pushed fast keeps memory bounded and the file exact in length', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const path = join(dir, 'long.wav');
    const recorder = CallRecorder.start({ path, mode: 'stereo', nowMs: 0 });
    // Whole cycles in one second, so one second of payloads repeats seamlessly.
    const payloads = [encodeMulaw(sine(400, 8000)), encodeMulaw(sine(1000, 8000))];
    let maxBuffered = 0;
    for (let second = 0; second < 600; second++) {
      for (let i = 0; i < 50; i++) {
        const n = second * 50 + i;
        const arrivalMs = n * 20;
        if (n % 5 === 0) recorder.tick(arrivalMs);
        for (const track of [0, 1] as const) {
          const payload = payloads[track]?.subarray(i * FRAME, (i + 1) * FRAME) ?? Buffer.alloc(0);
          recorder.push(track, { payloadType: 0, sequenceNumber: n & 0xffff, timestamp: (n * FRAME) % 2 ** 32, ssrc: 10 + track, payload }, arrivalMs);
        }
        maxBuffered = Math.max(maxBuffered, recorder.bufferedSamples);
      }
      await yieldToIo();
    }
    assert.ok(maxBuffered <= recorder.maxBufferedSamples, `${maxBuffered} samples buffered, bound ${recorder.maxBufferedSamples}`);
    assert.equal(recorder.error, undefined);
    const result = await recorder.stop(600_000);
    assert.equal(result.error, undefined);
    assert.equal(result.durationMs, 600_000);
    assert.equal(result.bytes, 44 + 600 * 8000 * 4);
    const wav = await readWav(path);
    const [left, right] = wav.channelData;
    assert.ok(left !== undefined && right !== undefined);
    const lastSecond = (samples: Int16Array): Int16Array => samples.subarray(599 * 8000);
    assert.ok(toneLevel(lastSecond(left), 400) > 7000 && toneLevel(lastSecond(right), 1000) > 7000);
  } finally {
    await cleanup();
  }
});

test('raw datagrams (CSRCs, header extension, padding) record like parsed packets, with no tick at all', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const path = join(dir, 'datagrams.wav');
    const recorder = CallRecorder.start({ path, mode: 'mixed', nowMs: 0 });
    const tone = sine(600, 8000);
    for (const packet of rtpStream(tone, { track: 0, startMs: 0 })) {
      const { payloadType, sequenceNumber, timestamp, ssrc } = packet;
      const datagram = serializeRtp({
        ...{ payloadType, sequenceNumber, timestamp, ssrc, payload: Buffer.from(packet.payload) },
        ...{ marker: false, csrcs: [1, 2], extension: { profile: 0xbede, data: Buffer.alloc(8) }, paddingLength: 4 },
      });
      recorder.pushDatagram(0, datagram, packet.arrivalMs);
      // The relay reuses its buffer: nothing of it may be read later.
      datagram.fill(0xaa);
    }
    recorder.pushDatagram(0, Buffer.from([0x40, 0, 0, 0]), 999);
    const result = await recorder.stop(1000);
    assert.equal(result.tracks[0].malformed, 1);
    assert.equal(result.tracks[0].decoded, 50);
    assert.deepEqual((await readWav(path)).channelData[0], throughCodec(tone, 'PCMU'));
  } finally {
    await cleanup();
  }
});

test('a path that cannot be written is reported by stop() and onError, never thrown from push', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    await writeFile(join(dir, 'plain-file'), 'not a folder');
    const errors: string[] = [];
    const recorder = CallRecorder.start({ path: join(dir, 'plain-file', 'sub', 'call.wav'), mode: 'stereo', nowMs: 0, onError: (message) => errors.push(message) });
    const packets = rtpStream(sine(440, 8000), { track: 0, startMs: 0 });
    assert.doesNotThrow(() => drive(recorder, packets));
    await yieldToIo();
    assert.doesNotThrow(() => drive(recorder, packets));
    const result = await recorder.stop(1000);
    assert.match(result.error ?? '', /cannot open .*call\.wav: (ENOTDIR|EEXIST)/);
    assert.equal(result.bytes, 0);
    assert.equal(result.durationMs, 0);
    assert.deepEqual(errors, [result.error]);
    assert.equal(await recorder.stop(2000), result, 'stop() again returns the same outcome');
  } finally {
    await cleanup();
  }
});

test('a full disk is reported by stop()', { skip: !existsSync('/dev/full') }, async () => {
  const recorder = CallRecorder.start({ path: '/dev/full', mode: 'mixed', nowMs: 0 });
  drive(recorder, rtpStream(sine(440, 8000), { track: 0, startMs: 0 }));
  const result = await recorder.stop(1000);
  assert.match(result.error ?? '', /ENOSPC/);
});
