// A relay session recorded on this thread (MediaRelay on a FakeClock), with real loopback phones: a bridged call in
// stereo (each party in its channel), a prompt over a bridged call and a call the PBX answered (track 1 holds what the
// caller heard: the party, then the prompt), and the recording's life (close, pause, a bad request).
import assert from 'node:assert/strict';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { FakeClock } from '../../shared/index.ts';
import { encodeMulaw } from '../g711.ts';
import { wavBytes } from '../player/wav-file.test-support.ts';
import { readWav, sine, tempDir, toneLevel } from '../recorder/recorder.test-support.ts';
import { FakePhone, LOOPBACK, waitUntil } from './fake-phone.test-support.ts';
import { MediaRelay } from './media-relay.ts';
import type { RelaySession } from './relay-session.ts';

// Ports private to this file (test files run in parallel).
const MIN = 46800;
const PCMU = { payloadType: 0, encoding: 'PCMU' } as const;
const cleanups: (() => void | Promise<void>)[] = [];
let dir = '';
let removeDir: () => Promise<void> = async () => undefined;
before(async () => {
  ({ dir, cleanup: removeDir } = await tempDir());
});
after(() => removeDir());
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Rig {
  readonly clock: FakeClock;
  readonly relay: MediaRelay;
  readonly session: RelaySession;
  /** Side A's leg (the caller) and side B's. */
  readonly caller: FakePhone;
  readonly callee: FakePhone;
}

async function rig(): Promise<Rig> {
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

/** 20 ms PCMU packets of a steady tone, numbered as a phone would (its own SSRC, sequence and timestamps). */
function tonePackets(frequencyHz: number, count: number, ssrc: number): Buffer[] {
  const encoded = encodeMulaw(sine(frequencyHz, count * 160));
  return Array.from({ length: count }, (_, i) => {
    const packet = Buffer.alloc(12 + 160);
    packet[0] = 0x80;
    packet.writeUInt16BE((1000 + i) & 0xffff, 2);
    packet.writeUInt32BE(90_000 + 160 * i, 4);
    packet.writeUInt32BE(ssrc, 8);
    encoded.copy(packet, 12, 160 * i, 160 * (i + 1));
    return packet;
  });
}

/** The samples of [fromMs, toMs) of a channel. */
function span(samples: Int16Array | undefined, fromMs: number, toMs: number): Int16Array {
  assert.ok(samples);
  return samples.subarray(fromMs * 8, toMs * 8);
}

test('a bridged call recorded in stereo: what the caller says on the left, what the callee says on the right', async () => {
  const { clock, session, caller, callee } = await rig();
  const path = join(dir, 'bridged.wav');
  session.record({ path, mode: 'stereo' });
  const fromCaller = tonePackets(1000, 50, 0xa1);
  const fromCallee = tonePackets(400, 50, 0xb2);
  for (let i = 0; i < 50; i++) {
    // One packet each way per 20 ms of the relay's clock: each has crossed the relay before time moves on.
    await caller.send(session.side('a').localPort, fromCaller[i] ?? Buffer.alloc(0));
    await callee.send(session.side('b').localPort, fromCallee[i] ?? Buffer.alloc(0));
    await waitUntil(() => callee.received.length === i + 1 && caller.received.length === i + 1, `packet ${i} both ways`);
    clock.advance(20);
  }
  const result = await session.stopRecording();
  assert.ok(result);
  assert.equal(result.error, undefined);
  assert.equal(result.mode, 'stereo');
  assert.equal(result.durationMs, 1000);
  assert.deepEqual([result.tracks[0].decoded, result.tracks[1].decoded], [50, 50]);
  assert.deepEqual([result.tracks[0].late, result.tracks[1].late], [0, 0]);
  const wav = await readWav(path);
  assert.equal(wav.channels, 2);
  const [left, right] = wav.channelData;
  assert.ok(toneLevel(span(left, 0, 1000), 1000) > 6000, 'the caller on the left');
  assert.ok(toneLevel(span(left, 0, 1000), 400) < 100, 'only the caller on the left');
  assert.ok(toneLevel(span(right, 0, 1000), 400) > 6000, 'the callee on the right');
  assert.ok(toneLevel(span(right, 0, 1000), 1000) < 100, 'only the callee on the right');
  assert.equal(await session.stopRecording(), result, 'stopped: the last result again');
});

test('track 1 is what the caller hears: the callee, a prompt played over it (the callee held back), the callee again', async () => {
  const { clock, relay, session, caller, callee } = await rig();
  const path = join(dir, 'prompt-over-call.wav');
  const prompt = join(dir, 'prompt-500.wav');
  await writeFile(prompt, wavBytes(sine(500, 1600))); // 10 frames
  session.record({ path, mode: 'stereo' });
  const fromCallee = tonePackets(400, 40, 0xb3);
  let played: Promise<unknown> = Promise.resolve();
  for (let i = 0; i < 40; i++) {
    if (i === 20) {
      // 400 ms in: a prompt to the caller (frames due at 400-580 ms, over at 600 ms): the callee's packets 20-29 are
      // held back from the caller, and not recorded (the caller did not hear them).
      played = session.side('a').play({ items: [{ kind: 'file', path: prompt }], format: PCMU });
      await waitUntil(() => relay.mediaSnapshot().playing === 1, 'the prompt on the media clock');
    }
    await callee.send(session.side('b').localPort, fromCallee[i] ?? Buffer.alloc(0));
    await waitUntil(() => session.side('b').packetsIn === i + 1, `callee packet ${i}`);
    clock.advance(20);
  }
  assert.equal(((await played) as { reason: string }).reason, 'finished');
  await waitUntil(() => caller.received.length === 40 - 10 + 10, 'the callee, then the prompt, then the callee');
  assert.equal(relay.snapshot().mutedByPlayback, 10, 'the callee held back while the prompt played (400-600 ms)');
  const result = await session.stopRecording();
  assert.equal(result?.error, undefined);
  assert.deepEqual(result?.tracks[1].streams, 2, 'the callee and the player: two sources on track 1');
  const right = (await readWav(path)).channelData[1];
  assert.ok(toneLevel(span(right, 20, 380), 400) > 6000, 'the callee first');
  assert.ok(toneLevel(span(right, 420, 580), 500) > 6000, 'then the prompt, at the time it was played');
  assert.ok(toneLevel(span(right, 420, 580), 400) < 100, 'without the callee under it');
  assert.ok(toneLevel(span(right, 640, 800), 400) > 6000, 'then the callee again, where it was heard');
  assert.ok(toneLevel(span(right, 640, 800), 500) < 100);
});

test('a call the PBX answered: the caller on track 0, the prompt it hears on track 1', async () => {
  const { clock, relay, session, caller } = await rig();
  session.side('b').setRemote(LOOPBACK, 0); // no callee: side A is the PBX's own party
  const path = join(dir, 'answered.wav');
  const prompt = join(dir, 'welcome.wav');
  await writeFile(prompt, wavBytes(sine(500, 40 * 160)));
  session.record({ path, mode: 'stereo' });
  const done = session.side('a').play({ items: [{ kind: 'file', path: prompt }], format: PCMU });
  await waitUntil(() => relay.mediaSnapshot().playing === 1, 'the prompt on the media clock');
  const fromCaller = tonePackets(1000, 40, 0xa4);
  for (let i = 0; i < 40; i++) {
    await caller.send(session.side('a').localPort, fromCaller[i] ?? Buffer.alloc(0));
    await waitUntil(() => session.side('a').packetsIn === i + 1, `caller packet ${i}`);
    clock.advance(20); // the prompt's next frame
  }
  clock.advance(20);
  assert.equal((await done).reason, 'finished');
  await waitUntil(() => caller.received.length === 40, 'the whole prompt');
  const result = await session.stopRecording();
  assert.equal(result?.error, undefined);
  assert.deepEqual([result?.tracks[0].decoded, result?.tracks[1].decoded], [40, 40]);
  const [left, right] = (await readWav(path)).channelData;
  assert.ok(toneLevel(span(left, 0, 800), 1000) > 6000, 'the caller');
  assert.ok(toneLevel(span(left, 0, 800), 500) < 100);
  assert.ok(toneLevel(span(right, 0, 800), 500) > 6000, 'the prompt');
  assert.ok(toneLevel(span(right, 0, 800), 1000) < 100);
});

test('closing the session stops its recording: stopRecording then answers its result; none recorded is undefined', async () => {
  const { clock, relay, session, caller, callee } = await rig();
  assert.equal(await session.stopRecording(), undefined, 'nothing recorded');
  const path = join(dir, 'closed.wav');
  session.record({ path, mode: 'mixed' });
  assert.equal(relay.snapshot().recording, 1);
  const fromCaller = tonePackets(1000, 10, 0xa5);
  for (let i = 0; i < 10; i++) {
    await caller.send(session.side('a').localPort, fromCaller[i] ?? Buffer.alloc(0));
    await waitUntil(() => callee.received.length === i + 1, `packet ${i}`);
    clock.advance(20);
  }
  session.close();
  assert.equal(relay.snapshot().recording, 0);
  const result = await session.stopRecording();
  assert.equal(result?.error, undefined);
  assert.equal(result?.mode, 'mixed');
  assert.equal(result?.durationMs, 200);
  assert.equal((await stat(path)).size, 44 + 200 * 8 * 2, 'mono, 16-bit, 200 ms');
  session.record({ path: join(dir, 'late.wav'), mode: 'mixed' });
  assert.equal(await session.stopRecording(), result, 'a closed session records nothing new');
});

test('pauseRecording leaves paused time out of the file; a bad request is a failed recording, not a throw', async () => {
  const { clock, session, caller } = await rig();
  const path = join(dir, 'paused.wav');
  session.record({ path, mode: 'stereo' });
  const fromCaller = tonePackets(1000, 30, 0xa6);
  for (let i = 0; i < 30; i++) {
    if (i === 10) session.pauseRecording(true);
    if (i === 20) session.pauseRecording(false);
    await caller.send(session.side('a').localPort, fromCaller[i] ?? Buffer.alloc(0));
    await waitUntil(() => session.side('a').packetsIn === i + 1, `packet ${i}`);
    clock.advance(20);
  }
  const result = await session.stopRecording();
  assert.deepEqual([result?.durationMs, result?.pausedMs], [400, 200]);

  session.record({ path: '', mode: 'stereo' });
  assert.match((await session.stopRecording())?.error ?? '', /path/);
  session.record({ path: join(dir, 'bad.wav'), mode: 'stereo', encodings: [{ 0: 'G729' }, {}] } as never);
  assert.match((await session.stopRecording())?.error ?? '', /unknown encoding G729/);
});

test('prompts a moment apart are each recorded where the caller heard them (the player stream does not count the gap)', async () => {
  const { clock, relay, session, caller } = await rig();
  const path = join(dir, 'two-prompts.wav');
  const first = join(dir, 'first-600.wav');
  const second = join(dir, 'second-900.wav');
  await writeFile(first, wavBytes(sine(600, 10 * 160)));
  await writeFile(second, wavBytes(sine(900, 10 * 160)));
  const start = clock.now().getTime();
  session.record({ path, mode: 'stereo' });
  for (const [prompt, startMs] of [[first, 0], [second, 500]] as const) {
    while (clock.now().getTime() - start < startMs) clock.advance(20);
    const done = session.side('a').play({ items: [{ kind: 'file', path: prompt }], format: PCMU });
    await waitUntil(() => relay.mediaSnapshot().playing === 1, 'the prompt on the media clock');
    while (relay.mediaSnapshot().playing === 1) {
      clock.advance(20);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    assert.equal((await done).framesSent, 10);
  }
  clock.advance(100);
  await waitUntil(() => caller.received.length === 20, 'both prompts');
  const result = await session.stopRecording();
  assert.equal(result?.tracks[1].late, 0, 'no frame of the second prompt came after its place was written');
  const right = (await readWav(path)).channelData[1];
  assert.ok(toneLevel(span(right, 0, 200), 600) > 6000, 'the first prompt at 0-200 ms');
  assert.ok(toneLevel(span(right, 200, 500), 600) < 100, 'then 300 ms of nothing');
  assert.ok(toneLevel(span(right, 500, 700), 900) > 6000, 'the second prompt at 500-700 ms');
});
