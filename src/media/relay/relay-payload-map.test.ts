// mapPayloadTypes: RTP forwarded to a side's leg carries the payload type number that leg uses for the format.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../shared/index.ts';
import { FakePhone, LOOPBACK, rtp, waitUntil } from './fake-phone.test-support.ts';
import { MediaRelay } from './media-relay.ts';

const MIN = 47860;
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

test("a side's map rewrites the payload type of what it receives from its pair, and nothing else", async () => {
  const relay = MediaRelay.create({ host: LOOPBACK, portMin: MIN, portMax: MIN + 19, clock: new FakeClock() });
  cleanups.push(() => relay.close());
  const opened = await relay.openSession();
  if (!opened.ok) throw new Error(opened.error);
  const [a, b] = [opened.value.side('a'), opened.value.side('b')];
  const phoneA = await FakePhone.open();
  const phoneB = await FakePhone.open();
  cleanups.push(() => phoneA.close(), () => phoneB.close());
  a.setRemote(LOOPBACK, phoneA.port, LOOPBACK);
  b.setRemote(LOOPBACK, phoneB.port, LOOPBACK);
  b.mapPayloadTypes({ 101: 96 });

  await phoneA.send(a.localPort, rtp(1, 0x1111, 101, 4));
  await phoneA.send(a.localPort, rtp(2, 0x1111, 0));
  await phoneB.send(b.localPort, rtp(3, 0x2222, 101, 4));
  await waitUntil(() => phoneB.received.length === 2 && phoneA.received.length === 1, 'both directions');
  assert.deepEqual(phoneB.received.map((p) => (p[1] ?? 0) & 0x7f), [96, 0], 'events renumbered to B, audio as it was');
  assert.equal((phoneA.received[0]?.[1] ?? 0) & 0x7f, 101, 'A has no map: as sent');
  b.mapPayloadTypes(undefined);
  await phoneA.send(a.localPort, rtp(4, 0x1111, 101, 4));
  await waitUntil(() => phoneB.received.length === 3, 'after the map is removed');
  assert.equal((phoneB.received[2]?.[1] ?? 0) & 0x7f, 101);
});
