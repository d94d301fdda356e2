// Re-pairing relay sides across sessions (consultation and attended transfer): a held side hears nothing, a side
// bridged to another session's side talks with it both ways.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../shared/index.ts';
import { FakePhone, LOOPBACK, rtp, settle, waitUntil } from './fake-phone.test-support.ts';
import { MediaRelay } from './media-relay.ts';

// Ports private to this file (test files run in parallel).
const MIN = 47400;
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

test('bridgeTo: hold one party, join another session, then re-join the held party', async () => {
  const relay = MediaRelay.create({ host: LOOPBACK, portMin: MIN, portMax: MIN + 19, clock: new FakeClock() });
  cleanups.push(() => relay.close());
  const opened = [await relay.openSession(), await relay.openSession()];
  const [first, second] = opened.map((r) => {
    if (!r.ok) throw new Error(r.error);
    return r.value;
  });
  assert.ok(first && second);
  const phones = await Promise.all([FakePhone.open(0), FakePhone.open(0), FakePhone.open(0)]);
  for (const p of phones) cleanups.push(() => p.close());
  const [caller, agent, target] = phones as [FakePhone, FakePhone, FakePhone];
  first.side('a').setRemote(LOOPBACK, caller.port);
  first.side('b').setRemote(LOOPBACK, agent.port);
  second.side('b').setRemote(LOOPBACK, target.port);

  // Consultation: the caller is held, the agent talks with the target of the second session.
  first.side('a').bridgeTo(undefined);
  first.side('b').bridgeTo(second.side('b'));
  await agent.send(first.side('b').localPort, rtp(1));
  await waitUntil(() => target.received.length === 1, 'agent -> target');
  await target.send(second.side('b').localPort, rtp(2));
  await waitUntil(() => agent.received.length === 1, 'target -> agent');
  await caller.send(first.side('a').localPort, rtp(3));
  await settle();
  assert.equal(agent.received.length, 1, 'the held caller reaches no one');
  assert.equal(caller.received.length, 0, 'and hears no one');

  // Completion: the agent leaves, the caller is joined to the target.
  first.side('b').bridgeTo(undefined);
  first.side('a').bridgeTo(second.side('b'));
  await caller.send(first.side('a').localPort, rtp(4));
  await waitUntil(() => target.received.length === 2, 'caller -> target');
  await target.send(second.side('b').localPort, rtp(5));
  await waitUntil(() => caller.received.length === 1, 'target -> caller');
  await agent.send(first.side('b').localPort, rtp(6));
  await settle();
  assert.equal(target.received.length, 2, 'the agent that left reaches no one');
});
