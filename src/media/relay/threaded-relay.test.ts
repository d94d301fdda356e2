// The relay in its worker thread, driven from this thread as the B2BUA drives it: real sockets on loopback, packets
// between fake phones, sessions bridged across, inactivity and a worker crash reported back; then a pool of workers
// (relay-pool.ts): sessions spread, placed beside the session they join, paired across two workers, and a killed
// worker ending only its own sessions.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakePhone, LOOPBACK, rtp, settle, waitUntil } from './fake-phone.test-support.ts';
import type { RelaySessionControl } from './relay-control.ts';
import { ThreadedMediaRelay } from './threaded-relay.ts';
import { MediaRelayPool } from './relay-pool.ts';

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

function pool(workers = 2): MediaRelayPool {
  // Ports MIN+20 .. MIN+59: ten pairs (five sessions) per worker.
  const created = new MediaRelayPool({ host: LOOPBACK, portMin: MIN + 20, portMax: MIN + 59, workers, logLevel: 'silent' });
  cleanups.push(() => created.close());
  return created;
}

/** How many sessions each worker of the pool holds. */
const spread = (from: MediaRelayPool): number[] => from.workers.map((worker) => worker.sessionCount);

async function open(from: ThreadedMediaRelay | MediaRelayPool): Promise<RelaySessionControl> {
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

test('a pool spreads sessions over its workers, each on its own slice of the ports', async () => {
  const media = pool();
  const sessions = [await open(media), await open(media), await open(media), await open(media)];
  assert.deepEqual(spread(media), [2, 2]);
  assert.equal(media.sessionCount, 4);
  assert.equal(media.sessionCapacity, 10);
  const ports = sessions.flatMap((s) => [s.side('a').localPort, s.side('b').localPort]);
  assert.equal(new Set(ports).size, 8);
  // Worker 0 holds MIN+20..MIN+39, worker 1 MIN+40..MIN+59: a session's two ports are in one slice.
  for (const s of sessions) assert.equal(s.side('a').localPort < MIN + 40, s.side('b').localPort < MIN + 40);
  const phonesUsed = await phones(8);
  for (const [i, s] of sessions.entries()) {
    s.side('a').setRemote(LOOPBACK, (phonesUsed[2 * i] as FakePhone).port);
    s.side('b').setRemote(LOOPBACK, (phonesUsed[2 * i + 1] as FakePhone).port);
  }
  for (const [i, s] of sessions.entries()) await (phonesUsed[2 * i] as FakePhone).send(s.side('a').localPort, rtp(i));
  await waitUntil(() => phonesUsed.every((phone, i) => i % 2 === 0 || phone.received.length === 1), 'media through both workers');
  const [first, second] = await media.snapshots();
  assert.equal(first?.packetsForwarded, 2);
  assert.equal(second?.packetsForwarded, 2);
});

test('a session opened near another is placed in its worker', async () => {
  const media = pool();
  const call = await open(media);
  await open(media); // the other worker, now as loaded as the first
  const consultation = await media.openSession({ near: call });
  assert.ok(consultation.ok);
  assert.deepEqual(spread(media), [2, 1]);
  const [caller, target] = (await phones(2)) as [FakePhone, FakePhone];
  call.side('a').setRemote(LOOPBACK, caller.port);
  consultation.value.side('b').setRemote(LOOPBACK, target.port);
  call.side('a').bridgeTo(consultation.value.side('b'));
  await caller.send(call.side('a').localPort, rtp(1));
  await waitUntil(() => target.received.length === 1, 'caller -> consulted target');
});

test('sides in two workers are paired across them, and a new pairing undoes it in both', async () => {
  const media = pool();
  const first = await open(media);
  const second = await open(media);
  assert.deepEqual(spread(media), [1, 1]);
  const [caller, agent, target] = (await phones(3)) as [FakePhone, FakePhone, FakePhone];
  first.side('a').setRemote(LOOPBACK, caller.port);
  first.side('b').setRemote(LOOPBACK, agent.port);
  second.side('b').setRemote(LOOPBACK, target.port);
  // A phone's own attended transfer: the caller of one call joined to the target of another.
  first.side('a').bridgeTo(second.side('b'));
  await caller.send(first.side('a').localPort, rtp(1));
  await waitUntil(() => target.received.length === 1, 'caller -> target, across workers');
  await target.send(second.side('b').localPort, rtp(2));
  await waitUntil(() => caller.received.length === 1, 'target -> caller, across workers');
  assert.equal(caller.received[0]?.length, rtp(2).length);
  await agent.send(first.side('b').localPort, rtp(3));
  await settle();
  assert.equal(caller.received.length + target.received.length, 2, 'the side left unpaired reaches no one');
  // Paired back within its own session: the target, in the other worker, reaches no one any more.
  first.side('a').bridgeTo(first.side('b'));
  await settle();
  await target.send(second.side('b').localPort, rtp(4));
  await agent.send(first.side('b').localPort, rtp(5));
  await waitUntil(() => caller.received.length === 2, 'agent -> caller again');
  await settle();
  assert.equal(caller.received.length, 2, 'only the agent reached the caller');
});

test('a killed worker ends only its own sessions, is replaced, and plays the pool\'s sources again', async () => {
  const media = pool();
  assert.deepEqual(await media.openSource('moh', { items: [{ kind: 'tone', tone: 'busy' }], loop: true }), { ok: true, value: undefined });
  const kept = await open(media);
  const doomed = await open(media);
  assert.deepEqual(spread(media), [1, 1]);
  const lost: string[] = [];
  kept.onInactive = (s) => lost.push(s.id);
  doomed.onInactive = (s) => lost.push(s.id);
  await (media.workers[1] as ThreadedMediaRelay).killWorker();
  await waitUntil(() => lost.length === 1, 'the killed worker\'s session reported lost');
  assert.deepEqual(lost, [doomed.id]);
  assert.equal(doomed.closed, true);
  assert.equal(kept.closed, false);
  const [caller, callee, held] = (await phones(3)) as [FakePhone, FakePhone, FakePhone];
  kept.side('a').setRemote(LOOPBACK, caller.port);
  kept.side('b').setRemote(LOOPBACK, callee.port);
  await caller.send(kept.side('a').localPort, rtp(1));
  await waitUntil(() => callee.received.length === 1, 'the other worker still forwards');
  // The next session goes to the emptier worker: a new thread, which opened the music on hold again.
  const fresh = await open(media);
  assert.deepEqual(spread(media), [1, 1]);
  fresh.side('a').setRemote(LOOPBACK, held.port);
  const onHold = fresh.side('a').play({ items: [{ kind: 'source', name: 'moh' }], format: { payloadType: 0, encoding: 'PCMU' } });
  await waitUntil(() => held.received.length >= 2, 'music on hold from the new worker');
  fresh.side('a').stopPlayback();
  assert.equal((await onHold).reason, 'stopped');
  assert.equal(lost.length, 1);
});
