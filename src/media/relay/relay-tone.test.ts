// A side's call-progress tone (ringback to DIAL's source): paced G.711 RTP out of the side's own port, one RTP
// stream with the media that follows it, and silence once stopped. The tone runs on the relay's media clock, which
// the FakeClock drives: each 20 ms of advance() is one frame.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../shared/index.ts';
import { driveUntil, FakePhone, LOOPBACK, rtp, settle, waitUntil } from './fake-phone.test-support.ts';
import { MediaRelay } from './media-relay.ts';

// Ports private to this file (test files run in parallel).
const MIN = 47800;
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

test('ringback plays to the leg until stopped, then the bridged media continues the same RTP stream', async () => {
  const clock = new FakeClock();
  const relay = MediaRelay.create({ host: LOOPBACK, portMin: MIN, portMax: MIN + 19, clock });
  cleanups.push(() => relay.close());
  const opened = await relay.openSession();
  if (!opened.ok) throw new Error(opened.error);
  const session = opened.value;
  const [source, destination] = await Promise.all([FakePhone.open(0), FakePhone.open(0)]);
  cleanups.push(() => source.close(), () => destination.close());
  session.side('a').setRemote(LOOPBACK, source.port);
  session.side('b').setRemote(LOOPBACK, destination.port);

  session.side('a').playTone({ name: 'ringback', payloadType: 8 });
  session.side('a').playTone({ name: 'ringback', payloadType: 8 }); // a second 180: the tone goes on, not twice
  await waitUntil(() => relay.mediaSnapshot().playing === 1, 'the tone on the media clock');
  clock.advance(180); // frames at 0, 20, ..., 180 ms
  await waitUntil(() => source.received.length >= 10, 'ten tone packets', 2000);
  assert.equal(relay.mediaSnapshot().playing, 1, 'one playback: the second request did not start another');
  assert.equal(source.sources[0], `${LOOPBACK}:${session.side('a').localPort}`, 'the tone comes from the port the leg sends to');
  const tone = source.received.slice(0, 10);
  for (const packet of tone) assert.equal((packet[1] ?? 0) & 0x7f, 8, 'PCMA');
  const sequences = tone.map((p) => p.readUInt16BE(2));
  assert.deepEqual(sequences, sequences.map((_, i) => ((sequences[0] ?? 0) + i) & 0xffff), 'one packet per sequence number: a single tone');
  assert.equal(tone[0]?.length, 12 + 160, '20 ms of G.711');

  session.side('a').playTone(undefined);
  await settle(80);
  const heardBefore = source.received.length;
  const last = source.received.at(-1);
  clock.advance(200);
  await settle(100);
  assert.equal(source.received.length, heardBefore, 'silence once stopped');

  // The answer: the destination's media goes to the source under the tone's SSRC, its sequence numbers following on.
  await destination.send(session.side('b').localPort, rtp(5000, 0xabcdef01, 8));
  await waitUntil(() => source.received.length === heardBefore + 1, 'the destination heard');
  const media = source.received.at(-1);
  assert.equal(media?.readUInt32BE(8), last?.readUInt32BE(8), 'same SSRC as the tone');
  assert.equal(media?.readUInt16BE(2), ((last?.readUInt16BE(2) ?? 0) + 1) & 0xffff, 'sequence continues');
});

test('no tone without an address to send it to, and closing the session stops it', async () => {
  const clock = new FakeClock();
  const relay = MediaRelay.create({ host: LOOPBACK, portMin: MIN, portMax: MIN + 19, clock });
  cleanups.push(() => relay.close());
  const opened = await relay.openSession();
  if (!opened.ok) throw new Error(opened.error);
  const session = opened.value;
  session.side('a').playTone({ name: 'ringback', payloadType: 0 }); // no remote yet: nothing to do, no error
  const phone = await FakePhone.open(0);
  cleanups.push(() => phone.close());
  session.side('b').setRemote(LOOPBACK, phone.port);
  session.side('b').playTone({ name: 'ringback', payloadType: 0 });
  assert.equal(relay.mediaSnapshot().clock.frames, 0, 'side a plays nothing');
  await driveUntil(clock, () => phone.received.length >= 3, 'tone packets');
  assert.equal((phone.received[0]?.[1] ?? 0) & 0x7f, 0, 'PCMU');
  session.close();
  await settle(80);
  const count = phone.received.length;
  clock.advance(200);
  await settle(100);
  assert.equal(phone.received.length, count, 'no tone after close');
  assert.equal(relay.mediaSnapshot().playing, 0, 'nothing left on the media clock');
});
