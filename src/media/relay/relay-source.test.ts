// Fan-out sources (music on hold) on real loopback sockets and a FakeClock: one playlist heard by several sides at
// the same point, advanced once and encoded once per law per frame, joined where it is now, and closed under them.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { FakeClock } from '../../shared/index.ts';
import { linearToAlaw, linearToMulaw } from '../g711.ts';
import { wavBytes } from '../player/wav-file.test-support.ts';
import { FakePhone, LOOPBACK, waitUntil } from './fake-phone.test-support.ts';
import { MediaRelay } from './media-relay.ts';
import type { RelaySide } from './relay-side.ts';

// Ports private to this file (test files run in parallel).
const MIN = 47500;
const PCMU = { payloadType: 0, encoding: 'PCMU' } as const;
const PCMA = { payloadType: 8, encoding: 'PCMA' } as const;
/** Seven frames, frame i a constant (i + 1) * 1000: a frame is known by its first code word. */
const FRAMES = 7;
const level = (frame: number) => ((frame % FRAMES) + 1) * 1000;

const cleanups: (() => void)[] = [];
let dir = '';
let music = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cg-source-'));
  music = join(dir, 'music.wav');
  await writeFile(music, wavBytes(Array.from({ length: FRAMES * 160 }, (_, i) => level(Math.floor(i / 160)))));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

async function rig(sides: number): Promise<{ clock: FakeClock; relay: MediaRelay; sides: RelaySide[]; phones: FakePhone[] }> {
  const clock = new FakeClock();
  const relay = MediaRelay.create({ host: LOOPBACK, portMin: MIN, portMax: MIN + 39, clock });
  cleanups.push(() => relay.close());
  const opened: RelaySide[] = [];
  while (opened.length < sides) {
    const session = await relay.openSession();
    if (!session.ok) throw new Error(session.error);
    opened.push(session.value.side('a'), session.value.side('b'));
  }
  const phones = await Promise.all(Array.from({ length: sides }, () => FakePhone.open(0)));
  phones.forEach((phone, i) => {
    cleanups.push(() => phone.close());
    opened[i]?.setRemote(LOOPBACK, phone.port);
  });
  return { clock, relay, sides: opened.slice(0, sides), phones };
}

/** The source frames a phone heard, by the first code word of each packet's payload. */
async function framesHeard(phone: FakePhone, count: number, law: 'PCMU' | 'PCMA'): Promise<number[]> {
  await waitUntil(() => phone.received.length >= count, `${count} packets`);
  const codeOf = (frame: number) => (law === 'PCMU' ? linearToMulaw(level(frame)) : linearToAlaw(level(frame)));
  return phone.received.map((packet) => {
    const index = Array.from({ length: FRAMES }, (_, i) => i).find((i) => codeOf(i) === packet[12]);
    return index ?? -1;
  });
}

test('three sides hear one source at the same point, each frame encoded once per law; it goes on while nobody listens', async () => {
  const { clock, relay, sides, phones } = await rig(3);
  const [one, two, three] = sides as [RelaySide, RelaySide, RelaySide];
  const [phoneOne, phoneTwo, phoneThree] = phones as [FakePhone, FakePhone, FakePhone];
  assert.deepEqual(await relay.openSource('moh', { items: [{ kind: 'file', path: music }], loop: true }), { ok: true, value: undefined });
  // One second with no listener: no timer runs for the source, yet it moves on by 50 frames (50 % 7 = 1).
  clock.advance(1000);
  assert.equal(relay.mediaSnapshot().clock.frames, 0);
  const first = one.play({ items: [{ kind: 'source', name: 'moh' }], format: PCMU });
  await waitUntil(() => relay.mediaSnapshot().playing === 1, 'the first listener');
  clock.advance(20); // frames 1 and 2 of the playlist
  assert.deepEqual(await framesHeard(phoneOne, 2, 'PCMU'), [1, 2], 'joined where the stream was');
  const second = two.play({ items: [{ kind: 'source', name: 'moh' }], format: PCMU });
  const third = three.play({ items: [{ kind: 'source', name: 'moh' }], format: PCMA });
  await waitUntil(() => relay.mediaSnapshot().playing === 3, 'three listeners');
  clock.advance(40); // frames 3 and 4, heard by all three
  assert.deepEqual(await framesHeard(phoneOne, 4, 'PCMU'), [1, 2, 3, 4]);
  assert.deepEqual(await framesHeard(phoneTwo, 2, 'PCMU'), [3, 4], 'a later listener joins the stream where it is now');
  assert.deepEqual(await framesHeard(phoneThree, 2, 'PCMA'), [3, 4]);
  const stats = relay.mediaSnapshot().sources.moh;
  assert.deepEqual(stats, { listeners: 3, frames: 4, encodes: { PCMU: 4, PCMA: 2 } }, 'one advance per frame, one encode per law per frame');

  relay.closeSource('moh');
  assert.deepEqual(await Promise.all([first, second, third]), [
    { reason: 'stopped', framesSent: 4 },
    { reason: 'stopped', framesSent: 2 },
    { reason: 'stopped', framesSent: 2 },
  ]);
  assert.equal(relay.mediaSnapshot().sources.moh, undefined);
  assert.equal(relay.mediaSnapshot().playing, 0);
});

test('a prompt then the source; a replaced playlist keeps its listeners', async () => {
  const { clock, relay, sides, phones } = await rig(1);
  const [side] = sides as [RelaySide];
  const [phone] = phones as [FakePhone];
  assert.ok((await relay.openSource('moh', { items: [{ kind: 'silence', ms: 100 }], loop: true })).ok);
  const done = side.play({ items: [{ kind: 'file', path: music }, { kind: 'source', name: 'moh' }], format: PCMU });
  await waitUntil(() => relay.mediaSnapshot().playing === 1, 'the playback');
  clock.advance(160); // the 7 frames of the file, then 2 of the source's silence
  await waitUntil(() => phone.received.length === 9, 'nine packets');
  assert.deepEqual((await framesHeard(phone, 9, 'PCMU')).slice(0, 7), [0, 1, 2, 3, 4, 5, 6]);
  assert.deepEqual(phone.received.slice(7).map((p) => p[12]), [0xff, 0xff], 'the source');
  // New music for the class: its listeners hear it from its start, and their playbacks go on.
  assert.ok((await relay.openSource('moh', { items: [{ kind: 'file', path: music }], loop: true })).ok);
  clock.advance(40);
  assert.deepEqual((await framesHeard(phone, 11, 'PCMU')).slice(9), [0, 1]);
  side.stopPlayback();
  assert.deepEqual(await done, { reason: 'stopped', framesSent: 11 });
  assert.equal(relay.mediaSnapshot().sources.moh?.listeners, 0);
});

test('a source that cannot load does not open; a failed replacement leaves the playing one', async () => {
  const { relay } = await rig(1);
  const missing = await relay.openSource('broken', { items: [{ kind: 'file', path: join(dir, 'none.wav') }], loop: true });
  assert.ok(!missing.ok && /source broken: cannot read .*ENOENT/.test(missing.error));
  assert.equal(relay.mediaSnapshot().sources.broken, undefined);
  const nested = await relay.openSource('nested', { items: [{ kind: 'source', name: 'broken' }], loop: true });
  assert.ok(!nested.ok && nested.error.includes('a source cannot play another source'));
  const empty = await relay.openSource('empty', { items: [{ kind: 'silence', ms: 0 }], loop: true });
  assert.ok(!empty.ok && empty.error.includes('empty'));
  assert.ok((await relay.openSource('moh', { items: [{ kind: 'file', path: music }], loop: true })).ok);
  const replaced = await relay.openSource('moh', { items: [{ kind: 'file', path: join(dir, 'gone.wav') }], loop: true });
  assert.equal(replaced.ok, false);
  assert.ok(relay.mediaSnapshot().sources.moh, 'the previous playlist is still open');
});
