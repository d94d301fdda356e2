// The relay in its worker thread, driven from this thread as the B2BUA drives it: real sockets on loopback, packets
// between fake phones, sessions bridged across, inactivity and a worker crash reported back.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakePhone, LOOPBACK, rtp, settle, waitUntil } from './fake-phone.test-support.ts';
import type { RelaySessionControl } from './relay-control.ts';
import { ThreadedMediaRelay } from './threaded-relay.ts';

// Ports private to this file (test files run in parallel).
const MIN = 47600;
const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function relay(options: { portMax?: number; inactivityMs?: number } = {}): ThreadedMediaRelay {
  const created = new ThreadedMediaRelay({ host: LOOPBACK, portMin: MIN, portMax: options.portMax ?? MIN + 19, inactivityMs: options.inactivityMs, logLevel: 'silent' });
  cleanups.push(() => created.close());
  return created;
}

async function open(from: ThreadedMediaRelay): Promise<RelaySessionControl> {
  const opened = await from.openSession();
  if (!opened.ok) throw new Error(opened.error);
  return opened.value;
}

async function phones(count: number): Promise<FakePhone[]> {
  const opened = await Promise.all(Array.from({ length: count }, () => FakePhone.open(0)));
  for (const phone of opened) cleanups.push(() => phone.close());
  return opened;
}

test('forwards RTP both ways between the two sides of a session', async () => {
  const media = relay();
  const session = await open(media);
  const [caller, callee] = (await phones(2)) as [FakePhone, FakePhone];
  assert.equal(session.side('a').localAddress, LOOPBACK);
  assert.notEqual(session.side('a').localPort, session.side('b').localPort);
  session.side('a').setRemote(LOOPBACK, caller.port);
  session.side('b').setRemote(LOOPBACK, callee.port);
  await caller.send(session.side('a').localPort, rtp(1));
  await waitUntil(() => callee.received.length === 1, 'caller -> callee');
  await callee.send(session.side('b').localPort, rtp(7));
  await waitUntil(() => caller.received.length === 1, 'callee -> caller');
  assert.equal(callee.received[0]?.length, rtp(1).length);
  assert.equal(media.sessionCount, 1);
  const snapshot = await media.snapshot();
  assert.equal(snapshot?.packetsForwarded, 2);
});

test('bridges a side to a side of another session in the same worker', async () => {
  const media = relay();
  const first = await open(media);
  const second = await open(media);
  const [caller, agent, target] = (await phones(3)) as [FakePhone, FakePhone, FakePhone];
  first.side('a').setRemote(LOOPBACK, caller.port);
  first.side('b').setRemote(LOOPBACK, agent.port);
  second.side('b').setRemote(LOOPBACK, target.port);
  first.side('b').bridgeTo(undefined);
  first.side('a').bridgeTo(second.side('b'));
  await caller.send(first.side('a').localPort, rtp(1));
  await waitUntil(() => target.received.length === 1, 'caller -> target');
  await target.send(second.side('b').localPort, rtp(2));
  await waitUntil(() => caller.received.length === 1, 'target -> caller');
  await agent.send(first.side('b').localPort, rtp(3));
  await settle();
  assert.equal(target.received.length + caller.received.length, 2, 'the side left unpaired reaches no one');
});

test('reports a silent session once, and not while it is paused', async () => {
  const media = relay({ inactivityMs: 150 });
  const paused = await open(media);
  const watched = await open(media);
  paused.pause();
  const fired: string[] = [];
  paused.onInactive = (s) => fired.push(s.id);
  watched.onInactive = (s) => fired.push(s.id);
  await waitUntil(() => fired.length === 1, 'the watched session reported silent');
  await settle(400);
  assert.deepEqual(fired, [watched.id]);
});

test('a closed session frees its ports for the next one; a closed relay refuses new sessions', async () => {
  const media = relay({ portMax: MIN + 3 }); // two port pairs: one session
  const first = await open(media);
  const refused = await media.openSession();
  assert.equal(refused.ok, false);
  assert.match(refused.ok ? '' : refused.error, /port/i);
  first.close();
  assert.equal(first.closed, true);
  const again = await open(media); // the close command lands before the open: the ports are free again
  const ports = (s: RelaySessionControl) => [s.side('a').localPort, s.side('b').localPort].sort();
  assert.deepEqual(ports(again), ports(first));
  await media.close();
  const late = await media.openSession();
  assert.deepEqual(late, { ok: false, error: 'media relay is closed' });
});

test('a crashed worker ends its sessions as inactive, and the next session starts a new one', async () => {
  const media = relay();
  const session = await open(media);
  const lost: string[] = [];
  session.onInactive = (s) => lost.push(s.id);
  await media.killWorker();
  await waitUntil(() => lost.length === 1, 'the session reported lost');
  assert.equal(session.closed, true);
  assert.equal(media.sessionCount, 0);
  const fresh = await open(media);
  const [caller, callee] = (await phones(2)) as [FakePhone, FakePhone];
  fresh.side('a').setRemote(LOOPBACK, caller.port);
  fresh.side('b').setRemote(LOOPBACK, callee.port);
  await caller.send(fresh.side('a').localPort, rtp(1));
  await waitUntil(() => callee.received.length === 1, 'media through the new worker');
});
