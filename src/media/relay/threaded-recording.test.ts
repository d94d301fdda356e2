// Recording and key sending through the relay's worker thread, driven as the PBX drives them: a bridged call recorded
// in stereo with its result coming back from the worker, a recording stopped by close(), a key sent to a phone, and a
// dying worker settling every recording with an error result.
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, afterEach, before, test } from 'node:test';
import { DtmfDetector } from '../dtmf/index.ts';
import { encodeMulaw } from '../g711.ts';
import { readWav, sine, tempDir, toneLevel } from '../recorder/recorder.test-support.ts';
import { FakePhone, LOOPBACK, waitUntil } from './fake-phone.test-support.ts';
import type { RelaySessionControl } from './relay-control.ts';
import { ThreadedMediaRelay } from './threaded-relay.ts';

// Ports private to this file (test files run in parallel).
const MIN = 46900;
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
  readonly relay: ThreadedMediaRelay;
  readonly session: RelaySessionControl;
  readonly caller: FakePhone;
  readonly callee: FakePhone;
}

async function rig(relay = new ThreadedMediaRelay({ host: LOOPBACK, portMin: MIN, portMax: MIN + 39, logLevel: 'silent' })): Promise<Rig> {
  cleanups.push(() => relay.close());
  const opened = await relay.openSession();
  if (!opened.ok) throw new Error(opened.error);
  const [caller, callee] = await Promise.all([FakePhone.open(0), FakePhone.open(0)]);
  cleanups.push(() => caller.close(), () => callee.close());
  opened.value.side('a').setRemote(LOOPBACK, caller.port);
  opened.value.side('b').setRemote(LOOPBACK, callee.port);
  return { relay, session: opened.value, caller, callee };
}

/** A phone's 20 ms PCMU packets of a steady tone. */
function tonePacket(frequencyHz: number, i: number, ssrc: number): Buffer {
  const packet = Buffer.alloc(12 + 160);
  packet[0] = 0x80;
  packet.writeUInt16BE(i, 2);
  packet.writeUInt32BE(160 * i, 4);
  packet.writeUInt32BE(ssrc, 8);
  encodeMulaw(sine(frequencyHz, 160 * (i + 1)).subarray(160 * i)).copy(packet, 12);
  return packet;
}

/** Both parties talk for `count` packets, in real time. */
async function talk({ session, caller, callee }: Rig, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await caller.send(session.side('a').localPort, tonePacket(1000, i, 0xa1));
    await callee.send(session.side('b').localPort, tonePacket(400, i, 0xb2));
    await sleep(20);
  }
  await waitUntil(() => caller.received.length >= count && callee.received.length >= count, 'every packet across');
}

test('the worker records a bridged call in stereo and answers stopRecording with the result', async () => {
  const call = await rig();
  const path = join(dir, 'threaded.wav');
  call.session.record({ path, mode: 'stereo', encodings: [{ 0: 'PCMU', 101: 'telephone-event' }, { 0: 'PCMU', 101: 'telephone-event' }] });
  await talk(call, 25);
  const result = await call.session.stopRecording();
  assert.ok(result);
  assert.equal(result.error, undefined);
  assert.equal(result.path, path);
  assert.deepEqual([result.tracks[0].decoded, result.tracks[1].decoded], [25, 25]);
  assert.ok(result.durationMs >= 500, `${result.durationMs} ms`);
  const [left, right] = (await readWav(path)).channelData;
  assert.ok(left && right);
  assert.ok(toneLevel(left, 1000) > 10 * toneLevel(left, 400), 'the caller on the left');
  assert.ok(toneLevel(right, 400) > 10 * toneLevel(right, 1000), 'the callee on the right');
  assert.equal(await call.session.stopRecording(), result, 'stopped: the same result again');
});

test('closing a session stops its recording in the worker; stopRecording then answers the finished file', async () => {
  const call = await rig();
  const path = join(dir, 'closed.wav');
  assert.equal(await call.session.stopRecording(), undefined, 'none ran');
  call.session.record({ path, mode: 'mixed' });
  await talk(call, 10);
  call.session.close();
  const result = await call.session.stopRecording();
  assert.equal(result?.error, undefined);
  assert.equal(result?.tracks[0].decoded, 10);
  assert.equal((await stat(path)).size, result?.bytes);
});

test('the worker sends a key to a side: the phone hears one RFC 4733 event', async () => {
  const { session, callee } = await rig();
  session.side('b').sendDtmf('7', { durationMs: 120, payloadType: 101 });
  await waitUntil(() => callee.received.length >= 9, 'six held and three end packets');
  const keys: string[] = [];
  const detector = new DtmfDetector({ mode: 'rfc4733', telephoneEventPayloadType: 101, onDigit: (event) => keys.push(event.digit) });
  callee.received.forEach((packet, i) => detector.onDatagram(packet, 20 * i));
  assert.deepEqual(keys, ['7']);
});

test('a dying worker settles recordings with an error result: one running, and one being stopped', async () => {
  const relay = new ThreadedMediaRelay({ host: LOOPBACK, portMin: MIN, portMax: MIN + 39, logLevel: 'silent' });
  const first = await rig(relay);
  const second = await rig(relay);
  first.session.record({ path: join(dir, 'crash-1.wav'), mode: 'stereo' });
  second.session.record({ path: join(dir, 'crash-2.wav'), mode: 'mixed' });
  await talk(first, 3);
  const stopping = second.session.stopRecording();
  await relay.killWorker();
  const pending = await stopping;
  // The stop raced the kill: either the worker finished the file first, or the result says it could not.
  assert.ok(pending?.error === undefined || pending.error === 'media relay worker stopped', String(pending?.error));
  assert.equal(pending?.path, join(dir, 'crash-2.wav'));
  const lost = await first.session.stopRecording();
  assert.equal(lost?.error, 'media relay worker stopped');
  assert.deepEqual([lost?.path, lost?.mode], [join(dir, 'crash-1.wav'), 'stereo']);
  assert.equal(first.session.closed, true);
});
