// Playback through the relay's worker thread, driven as the PBX drives it: a file played to a fake phone and its
// promise settled by the worker's event, a fan-out source opened and closed, and a dying worker settling every
// playback still pending with an error.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { decodeMulaw, encodeMulaw } from '../g711.ts';
import { toneSamples } from '../player/index.ts';
import { wavBytes } from '../player/wav-file.test-support.ts';
import { FakePhone, LOOPBACK, waitUntil } from './fake-phone.test-support.ts';
import type { RelaySessionControl } from './relay-control.ts';
import { ThreadedMediaRelay } from './threaded-relay.ts';

// Ports private to this file (test files run in parallel).
const MIN = 47000;
const PCMU = { payloadType: 0, encoding: 'PCMU' } as const;
const cleanups: (() => void | Promise<void>)[] = [];
let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cg-threaded-play-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function rig(): Promise<{ relay: ThreadedMediaRelay; session: RelaySessionControl; phone: FakePhone }> {
  const relay = new ThreadedMediaRelay({ host: LOOPBACK, portMin: MIN, portMax: MIN + 39, logLevel: 'silent' });
  cleanups.push(() => relay.close());
  const opened = await relay.openSession();
  if (!opened.ok) throw new Error(opened.error);
  const phone = await FakePhone.open(0);
  cleanups.push(() => phone.close());
  opened.value.side('a').setRemote(LOOPBACK, phone.port);
  return { relay, session: opened.value, phone };
}

test('the worker plays a WAV file to a side and settles the play with how it ended', async () => {
  const { relay, session, phone } = await rig();
  const samples = toneSamples(700, 100); // 5 frames
  const path = join(dir, 'hello.wav');
  await writeFile(path, wavBytes(samples));
  const end = await session.side('a').play({ items: [{ kind: 'file', path }], format: PCMU });
  assert.deepEqual(end, { reason: 'finished', framesSent: 5 });
  await waitUntil(() => phone.received.length === 5, 'five packets');
  const payload = Buffer.concat(phone.received.map((packet) => packet.subarray(12)));
  assert.deepEqual(Array.from(decodeMulaw(payload)), Array.from(decodeMulaw(encodeMulaw(samples))));
  assert.equal(phone.sources[0], `${LOOPBACK}:${session.side('a').localPort}`);
  const snapshot = await relay.snapshot();
  assert.equal(snapshot?.packetsPlayed, 5);
  assert.equal(snapshot?.media.clipCache.misses, 1);

  const missing = await session.side('a').play({ items: [{ kind: 'file', path: join(dir, 'none.wav') }], format: PCMU });
  assert.equal(missing.reason, 'error');
  assert.match(missing.error ?? '', /ENOENT/);
});

test('a source opened through the worker is heard by a side until it is closed; stopPlayback stops a play', async () => {
  const { relay, session, phone } = await rig();
  const refused = await relay.openSource('moh', { items: [{ kind: 'file', path: join(dir, 'none.wav') }], loop: true });
  assert.equal(refused.ok, false);
  assert.deepEqual(await relay.openSource('moh', { items: [{ kind: 'tone', tone: 'busy' }], loop: true }), { ok: true, value: undefined });
  const onHold = session.side('a').play({ items: [{ kind: 'source', name: 'moh' }], format: PCMU });
  await waitUntil(() => phone.received.length >= 3, 'music on hold');
  relay.closeSource('moh');
  const end = await onHold;
  assert.equal(end.reason, 'stopped');
  assert.ok(end.framesSent >= 3);

  const looped = session.side('a').play({ items: [{ kind: 'tone', tone: 'ringback' }], loop: true, format: PCMU });
  const before = phone.received.length;
  await waitUntil(() => phone.received.length >= before + 2, 'ringback');
  session.side('a').stopPlayback();
  assert.equal((await looped).reason, 'stopped');
});

test('a dying worker settles the plays still pending with an error; a closed session plays nothing', async () => {
  const { relay, session, phone } = await rig();
  const pending = session.side('a').play({ items: [{ kind: 'tone', tone: 'congestion' }], loop: true, format: PCMU });
  await waitUntil(() => phone.received.length >= 2, 'the tone');
  await relay.killWorker();
  const end = await pending;
  assert.equal(end.reason, 'error');
  assert.equal(end.error, 'media relay worker stopped');
  assert.equal(session.closed, true);
  assert.deepEqual(await session.side('a').play({ items: [{ kind: 'silence', ms: 20 }], format: PCMU }), {
    reason: 'error',
    error: 'relay session is closed',
    framesSent: 0,
  });
});
