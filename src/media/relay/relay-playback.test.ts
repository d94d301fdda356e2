// A relay side as a party: prompts, tones and silence played to a phone on real loopback sockets, paced by the
// relay's media clock on a FakeClock (each 20 ms of advance() is one frame), as one RTP stream from the side's port.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { FakeClock } from '../../shared/index.ts';
import { decodeMulaw, encodeAlaw, encodeMulaw } from '../g711.ts';
import { toneSamples } from '../player/index.ts';
import { wavBytes } from '../player/wav-file.test-support.ts';
import { parseRtp, type RtpPacket } from '../rtp-packet.ts';
import { FakePhone, LOOPBACK, rtp, settle, waitUntil } from './fake-phone.test-support.ts';
import { MediaRelay } from './media-relay.ts';
import type { PlaybackEnd, PlayRequest } from './relay-control.ts';
import type { RelaySide } from './relay-side.ts';

// Ports private to this file (test files run in parallel).
const MIN = 47900;
const PCMU = { payloadType: 0, encoding: 'PCMU' } as const;
const PCMA = { payloadType: 8, encoding: 'PCMA' } as const;
const cleanups: (() => void)[] = [];
let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cg-playback-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

interface Rig {
  readonly clock: FakeClock;
  readonly relay: MediaRelay;
  /** Side A, whose leg is `phone`; side B's leg is `other`. */
  readonly side: RelaySide;
  readonly otherSide: RelaySide;
  readonly phone: FakePhone;
  readonly other: FakePhone;
}

async function rig(): Promise<Rig> {
  const clock = new FakeClock();
  const relay = MediaRelay.create({ host: LOOPBACK, portMin: MIN, portMax: MIN + 39, clock });
  cleanups.push(() => relay.close());
  const opened = await relay.openSession();
  if (!opened.ok) throw new Error(opened.error);
  const [phone, other] = await Promise.all([FakePhone.open(0), FakePhone.open(0)]);
  cleanups.push(() => phone.close(), () => other.close());
  const side = opened.value.side('a');
  const otherSide = opened.value.side('b');
  side.setRemote(LOOPBACK, phone.port);
  otherSide.setRemote(LOOPBACK, other.port);
  return { clock, relay, side, otherSide, phone, other };
}

async function file(name: string, data: Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, data);
  return path;
}

/** Waits until the playback has loaded and joined the media clock (its first frame is then due at once). */
function started(relay: MediaRelay, playing = 1): Promise<void> {
  return waitUntil(() => relay.mediaSnapshot().playing === playing, 'the playback on the media clock');
}

async function heard(phone: FakePhone, count: number): Promise<RtpPacket[]> {
  await waitUntil(() => phone.received.length >= count, `${count} packets`);
  return phone.received.slice(0, count).map((packet) => {
    const parsed = parseRtp(packet);
    if (!parsed.ok) throw new Error(`not RTP: ${parsed.error}`);
    return parsed.value;
  });
}

function assertOneStream(packets: readonly RtpPacket[]): void {
  const first = packets[0];
  assert.ok(first);
  packets.forEach((packet, i) => {
    assert.equal(packet.ssrc, first.ssrc, 'one SSRC');
    assert.equal(packet.sequenceNumber, (first.sequenceNumber + i) & 0xffff, 'sequence numbers follow on');
    assert.equal(packet.timestamp, (first.timestamp + 160 * i) >>> 0, 'timestamps follow on, 160 a frame');
  });
}

test('plays a WAV file as PCMU from the side port: one continuous stream carrying the file samples, then finished', async () => {
  const { clock, relay, side, phone } = await rig();
  const samples = toneSamples(1000, 95); // 760 samples: four frames and most of a fifth
  const done = side.play({ items: [{ kind: 'file', path: await file('hello.wav', wavBytes(samples)) }], format: PCMU });
  await started(relay);
  clock.advance(80); // frames at 0, 20, 40, 60, 80 ms
  const packets = await heard(phone, 5);
  assert.equal(phone.sources[0], `${LOOPBACK}:${side.localPort}`, 'from the port the leg sends to');
  assertOneStream(packets);
  assert.deepEqual(
    packets.map((p) => [p.payloadType, p.marker, p.payload.length]),
    [[0, true, 160], [0, false, 160], [0, false, 160], [0, false, 160], [0, false, 160]],
  );
  const decoded = decodeMulaw(Buffer.concat(packets.map((p) => p.payload)));
  assert.deepEqual(Array.from(decoded.subarray(0, 760)), Array.from(decodeMulaw(encodeMulaw(samples))), 'the file, through G.711');
  assert.deepEqual(Array.from(decoded.subarray(760)), new Array(40).fill(0), 'the last frame padded with silence');
  clock.advance(20); // the tick after the last frame
  assert.deepEqual(await done, { reason: 'finished', framesSent: 5 });
  assert.equal(relay.mediaSnapshot().playing, 0);
  clock.advance(100);
  await settle();
  assert.equal(phone.received.length, 5, 'nothing after the end');
});

test('plays raw G.711 files: A-law as its own code words, mu-law transcoded for a PCMA leg', async () => {
  const { clock, relay, side, phone } = await rig();
  const codes = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 53 + 7) & 0xff));
  const alaw = await file('prompt.alaw', codes);
  const pcmu = await file('prompt.pcmu', encodeMulaw(toneSamples(500, 40)));
  const done = side.play({ items: [{ kind: 'file', path: alaw }, { kind: 'file', path: pcmu }], format: { payloadType: 8, encoding: 'PCMA' } });
  await started(relay);
  clock.advance(60); // 2 frames of the A-law file, 2 of the mu-law one
  const packets = await heard(phone, 4);
  assertOneStream(packets);
  assert.ok(packets.every((p) => p.payloadType === 8));
  assert.deepEqual(Buffer.concat(packets.slice(0, 2).map((p) => p.payload)), Buffer.concat([codes, Buffer.alloc(20, 0xd5)]));
  const transcoded = encodeAlaw(decodeMulaw(encodeMulaw(toneSamples(500, 40))));
  assert.deepEqual(Buffer.concat(packets.slice(2).map((p) => p.payload)), transcoded);
  clock.advance(20);
  assert.deepEqual(await done, { reason: 'finished', framesSent: 4 });
});

test('a list plays in order (tone, silence, file), and a looped list starts over until stopped', async () => {
  const { clock, relay, side, phone } = await rig();
  const beep = await file('beep.ulaw', Buffer.alloc(320, 0x10)); // two frames of a loud constant
  const items = [{ kind: 'tone', tone: 'confirm' }, { kind: 'silence', ms: 40 }, { kind: 'file', path: beep }] as const;
  const done = side.play({ items, format: PCMU });
  await started(relay);
  clock.advance(220); // 8 frames of tone, 2 of silence, 2 of file
  const packets = await heard(phone, 12);
  assertOneStream(packets);
  const energy = (p: RtpPacket) => decodeMulaw(p.payload).reduce((sum, s) => sum + Math.abs(s), 0);
  assert.ok(packets.slice(0, 8).every((p) => energy(p) > 0), 'the tone');
  assert.ok(packets.slice(8, 10).every((p) => p.payload.equals(Buffer.alloc(160, 0xff))), 'silence');
  assert.ok(packets.slice(10).every((p) => p.payload.equals(Buffer.alloc(160, 0x10))), 'the file');
  clock.advance(20);
  assert.deepEqual(await done, { reason: 'finished', framesSent: 12 });

  phone.received.length = 0;
  const looped = side.play({ items: [{ kind: 'file', path: beep }, { kind: 'silence', ms: 20 }], loop: true, format: PCMU });
  await started(relay);
  clock.advance(120); // 7 frames: file, file, silence, file, file, silence, file
  const again = await heard(phone, 7);
  assert.deepEqual(
    again.map((p) => p.payload[0]),
    [0x10, 0x10, 0xff, 0x10, 0x10, 0xff, 0x10],
  );
  side.stopPlayback();
  assert.deepEqual(await looped, { reason: 'stopped', framesSent: 7 });
});

test('stopOnDigits: a digit in the set ends the playback with that digit; every digit reaches onDtmf', async () => {
  const { clock, relay, side } = await rig();
  const digits: string[] = [];
  side.onDtmf = (digit, method) => digits.push(`${digit}/${method}`);
  const done = side.play({ items: [{ kind: 'tone', tone: 'busy' }], loop: true, stopOnDigits: '#*', format: PCMU });
  await started(relay);
  clock.advance(40);
  side.digitHeard('5', 'rfc4733');
  assert.equal(relay.mediaSnapshot().playing, 1, 'a digit not in the set goes on playing');
  side.digitHeard('#', 'inband');
  assert.deepEqual(await done, { reason: 'digit', digit: '#', framesSent: 3 });
  assert.deepEqual(digits, ['5/rfc4733', '#/inband']);
  side.digitHeard('1', 'info'); // no playback: still reported
  assert.deepEqual(digits.at(-1), '1/info');
  assert.equal(clock.pendingTimers() > 0, true, 'the relay ticker still runs');
  assert.equal(relay.mediaSnapshot().playing, 0);
});

test('a missing file, an unknown tone or a bad format end the playback with an error; the leg hears nothing', async () => {
  const { relay, side, phone } = await rig();
  const missing = await side.play({ items: [{ kind: 'tone', tone: 'ringback' }, { kind: 'file', path: join(dir, 'none.wav') }], format: PCMU });
  assert.equal(missing.reason, 'error');
  assert.match(missing.error ?? '', /item 2: cannot read .*none\.wav: ENOENT/);
  assert.equal(missing.framesSent, 0);
  const request = { items: [{ kind: 'tone', tone: 'dial' }], format: PCMU } as unknown as PlayRequest;
  assert.match((await side.play(request)).error ?? '', /unknown tone dial/);
  const g729 = { items: [{ kind: 'silence', ms: 20 }], format: { payloadType: 18, encoding: 'G729' } } as unknown as PlayRequest;
  assert.match((await side.play(g729)).error ?? '', /PCMU or PCMA/);
  assert.match((await side.play({ items: [{ kind: 'source', name: 'nope' }], format: PCMU })).error ?? '', /no source named nope/);
  assert.equal(relay.mediaSnapshot().playing, 0);
  await settle();
  assert.equal(phone.received.length, 0);
});

test('a second play stops the first; the leg hears one RTP stream across both', async () => {
  const { clock, relay, side, phone } = await rig();
  const first = side.play({ items: [{ kind: 'tone', tone: 'ringback' }], loop: true, format: PCMA });
  await started(relay);
  clock.advance(40); // 3 frames
  await heard(phone, 3);
  const second = side.play({ items: [{ kind: 'silence', ms: 40 }], format: PCMA });
  assert.deepEqual(await first, { reason: 'stopped', framesSent: 3 });
  await started(relay);
  clock.advance(20); // 2 frames of silence
  const packets = await heard(phone, 5);
  assertOneStream(packets);
  assert.deepEqual(packets.map((p) => p.marker), [true, false, false, true, false], 'each playback starts a talkspurt');
  clock.advance(20);
  assert.deepEqual(await second, { reason: 'finished', framesSent: 2 });
});

test('the prompt wins: bridged media is held back from a playing side, then flows on in the same stream', async () => {
  const { clock, relay, side, otherSide, phone, other } = await rig();
  const done = side.play({ items: [{ kind: 'silence', ms: 1000 }], format: PCMU });
  await started(relay);
  clock.advance(20); // 2 frames
  await heard(phone, 2);
  await other.send(otherSide.localPort, rtp(700, 0x55667788));
  await waitUntil(() => relay.snapshot().mutedByPlayback === 1, 'the bridged packet held back');
  side.stopPlayback();
  assert.equal((await done).reason, 'stopped');
  await other.send(otherSide.localPort, rtp(701, 0x55667788));
  const packets = await heard(phone, 3);
  assertOneStream(packets);
  assert.equal(packets[2]?.marker, true, 'the bridged party starts a talkspurt');
});

test('closing the session stops its playback; a play on a closed session is an error', async () => {
  const { clock, relay, side } = await rig();
  const done = side.play({ items: [{ kind: 'tone', tone: 'congestion' }], loop: true, format: PCMU });
  await started(relay);
  clock.advance(20);
  const sessions = relay.sessionCount;
  relay.close();
  assert.equal(sessions, 1);
  assert.deepEqual(await done, { reason: 'stopped', framesSent: 2 });
  const late: PlaybackEnd = await side.play({ items: [{ kind: 'silence', ms: 20 }], format: PCMU });
  assert.deepEqual(late, { reason: 'error', error: 'relay session is closed', framesSent: 0 });
  assert.equal(clock.pendingTimers(), 0, 'no timer left');
});

test("a stall of the relay's thread: the frames skipped move the timestamp on and the next packet is marked", async () => {
  const { clock, relay, side, phone } = await rig();
  const done = side.play({ items: [{ kind: 'silence', ms: 60_000 }], format: PCMU });
  await started(relay);
  clock.advance(40); // frames at 0, 20, 40 ms
  await heard(phone, 3);
  // The thread is busy for a second: the media clock's timer runs that late and re-anchors its schedule.
  clock.set(new Date(clock.now().getTime() + 1000));
  clock.advance(0);
  const packets = await heard(phone, 4);
  const [, , third, fourth] = packets;
  assert.ok(third && fourth);
  assert.equal(fourth.sequenceNumber, (third.sequenceNumber + 1) & 0xffff, 'no packet is invented');
  assert.equal(fourth.marker, true, 'a new talkspurt');
  const gap = (fourth.timestamp - third.timestamp) >>> 0;
  assert.ok(gap >= 160 * 50, `the timestamp moved on by the second that passed (moved ${gap})`);
  side.stopPlayback();
  assert.equal((await done).reason, 'stopped');
});
