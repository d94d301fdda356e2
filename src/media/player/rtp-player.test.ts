// RtpPlayer against a real UDP receiver on loopback: packet count, header continuity, payload and pacing.
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { after, before, describe, test } from 'node:test';
import { decodeAlaw, decodeMulaw } from '../g711.ts';
import { parseRtp, type RtpPacket } from '../rtp-packet.ts';
import { RtpPlayer } from './rtp-player.ts';
import { concatSamples, silence, toneSamples } from './tone-samples.ts';

const LOOPBACK = '127.0.0.1';

interface Received {
  readonly packet: RtpPacket;
  readonly at: number;
  readonly from: number;
}

async function receiver(): Promise<{ socket: Socket; port: number; received: Received[] }> {
  const socket = createSocket('udp4');
  const received: Received[] = [];
  socket.on('message', (data, rinfo) => {
    const parsed = parseRtp(data);
    if (parsed.ok) received.push({ packet: { ...parsed.value, payload: Buffer.from(parsed.value.payload) }, at: performance.now(), from: rinfo.port });
  });
  await new Promise<void>((resolve) => socket.bind(0, LOOPBACK, resolve));
  return { socket, port: socket.address().port, received };
}

async function waitFor(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('RtpPlayer', () => {
  let phone: Awaited<ReturnType<typeof receiver>>;
  before(async () => {
    phone = await receiver();
  });
  after(() => phone.socket.close());

  test('sends 20 ms PCMU packets with contiguous sequence numbers and timestamps, marker on the first', async () => {
    phone.received.length = 0;
    const tone = toneSamples(800, 200, 8000);
    const player = new RtpPlayer();
    const started = performance.now();
    const result = await player.play(tone, { payloadType: 0, remote: { address: LOOPBACK, port: phone.port } });
    const took = performance.now() - started;
    assert.deepEqual(result, { packets: 10, stopped: false, sendErrors: 0 });
    await waitFor(() => phone.received.length === 10);
    const packets = phone.received.map((r) => r.packet);
    const first = packets[0];
    assert.ok(first);
    packets.forEach((p, i) => {
      assert.equal(p.payloadType, 0);
      assert.equal(p.ssrc, player.ssrc);
      assert.equal(p.marker, i === 0);
      assert.equal(p.payload.length, 160);
      assert.equal(p.sequenceNumber, (first.sequenceNumber + i) & 0xffff);
      assert.equal(p.timestamp, (first.timestamp + 160 * i) >>> 0);
    });
    // 10 packets, the first at once: about 180 ms. Loose bounds; the machine may be busy.
    assert.ok(took >= 150, `took ${took} ms`);
    assert.ok(took < 2000, `took ${took} ms`);
  });

  test('the payload decodes back to the tone within G.711 quantisation', async () => {
    phone.received.length = 0;
    const tone = toneSamples(800, 100, 8000);
    await new RtpPlayer().play(tone, { payloadType: 0, remote: { address: LOOPBACK, port: phone.port } });
    await waitFor(() => phone.received.length === 5);
    const decoded = new Int16Array(phone.received.flatMap((r) => Array.from(decodeMulaw(r.packet.payload))));
    assert.equal(decoded.length, tone.length);
    for (let i = 0; i < tone.length; i++) {
      const expected = tone[i] ?? 0;
      // μ-law keeps about 3% of the magnitude at this level, plus a step near zero.
      assert.ok(Math.abs((decoded[i] ?? 0) - expected) <= Math.abs(expected) * 0.04 + 16, `sample ${i}: ${decoded[i]} vs ${expected}`);
    }
  });

  test('PCMA, a partial last packet padded with silence, sequence continuing across plays', async () => {
    phone.received.length = 0;
    const player = new RtpPlayer();
    const samples = toneSamples(400, 30, 4000); // 240 samples: one full packet and half of one
    await player.play(samples, { payloadType: 8, remote: { address: LOOPBACK, port: phone.port } });
    await player.play(silence(20), { payloadType: 8, remote: { address: LOOPBACK, port: phone.port } });
    await waitFor(() => phone.received.length === 3);
    const [a, b, c] = phone.received.map((r) => r.packet);
    assert.ok(a && b && c);
    assert.equal(a.payloadType, 8);
    assert.deepEqual(Array.from(decodeAlaw(b.payload).subarray(80)), new Array(80).fill(decodeAlaw(Buffer.from([0xd5]))[0]));
    assert.equal(b.sequenceNumber, (a.sequenceNumber + 1) & 0xffff);
    assert.equal(c.sequenceNumber, (a.sequenceNumber + 2) & 0xffff);
    assert.equal(c.timestamp, (a.timestamp + 320) >>> 0);
    assert.equal(c.marker, true, 'a new play is a new talkspurt');
  });

  test('stop() resolves the playback early and sends nothing more', async () => {
    phone.received.length = 0;
    const player = new RtpPlayer();
    const playing = player.play(toneSamples(800, 2000), { payloadType: 0, remote: { address: LOOPBACK, port: phone.port } });
    assert.equal(player.playing, true);
    setTimeout(() => player.stop(), 100);
    const result = await playing;
    assert.equal(result.stopped, true);
    assert.ok(result.packets > 0 && result.packets < 100, `${result.packets} packets`);
    await new Promise((resolve) => setTimeout(resolve, 80));
    assert.equal(phone.received.length, result.packets);
    assert.equal(player.playing, false);
  });

  test('sends from the socket it is given (symmetric RTP) and leaves it open', async () => {
    phone.received.length = 0;
    const own = createSocket('udp4');
    await new Promise<void>((resolve) => own.bind(0, LOOPBACK, resolve));
    try {
      await new RtpPlayer().play(concatSamples(toneSamples(800, 20), silence(20)), { payloadType: 0, remote: { address: LOOPBACK, port: phone.port }, socket: own });
      await waitFor(() => phone.received.length === 2);
      assert.ok(phone.received.every((r) => r.from === own.address().port));
      assert.doesNotThrow(() => own.address(), 'the socket is still bound');
    } finally {
      own.close();
    }
  });

  test('nothing to play resolves at once', async () => {
    assert.deepEqual(await new RtpPlayer().play(new Int16Array(0), { payloadType: 0, remote: { address: LOOPBACK, port: phone.port } }), { packets: 0, stopped: false, sendErrors: 0 });
  });
});
