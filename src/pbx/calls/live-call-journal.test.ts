// The live-call journal against a real SQLite store: a row from setup to the stored CDR, the heartbeat, and a store
// that fails without the call noticing. The call is a fake JournaledCall (the journal reads nothing else of it).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock, silentLogger } from '../../shared/index.ts';
import { openStore, type Store } from '../../store/index.ts';
import type { CallRecord } from '../cdr/index.ts';
import { parseSnapshot } from '../recovery/live-call-snapshot.ts';
import { LiveCallJournal, type JournaledCall, type LiveCallStore } from './live-call-journal.ts';

function fakeCall(linkedId: string, clock: FakeClock): JournaledCall & { answered: boolean } {
  const startedAt = clock.now();
  return {
    linkedId,
    tenantId: 1,
    answered: false,
    caller: { leg: { dialog: undefined } },
    answeredLeg: undefined,
    recordSoFar() {
      const now = clock.now();
      const record: CallRecord = {
        tenantId: 1, tenantCode: 'ACME', linkedId, direction: 'LOCAL', originateId: '', sipCallId: 'c1',
        caller: { number: '100', name: '', extension: '100', account: '100-ACME' }, dialled: '101', startedAt, endedAt: now,
        attempts: [{ uniqueId: linkedId, dstChannel: '', destination: '101', landed: { kind: 'EXT', label: '101' }, peerAccount: '101-ACME', startedAt, endedAt: now, ...(this.answered ? { disposition: 'ANSWERED' as const, answeredAt: now } : { disposition: 'NO ANSWER' as const }) }],
      };
      return { record, openAttempt: true };
    },
  };
}

async function withStore(body: (store: Store) => Promise<void>): Promise<void> {
  const store = openStore('sqlite::memory:');
  try {
    await store.migrate();
    await body(store);
  } finally {
    await store.close();
  }
}

test('a call has a row from setup, rewritten at answer, gone only once its CDR is stored', async () => {
  await withStore(async (store) => {
    const clock = new FakeClock('2026-05-04T10:00:00Z');
    const journal = new LiveCallJournal(store.liveCalls, clock, silentLogger, { nodeName: 'n1' });
    const call = fakeCall('n1-1.1', clock);
    journal.opened(call);
    await journal.stop();
    const [opened] = await store.liveCalls.ofNode('n1');
    assert.equal(parseSnapshot(opened!.lc_cdr).record.attempts[0]?.disposition, 'NO ANSWER');

    clock.advance(3_000);
    call.answered = true;
    journal.changed(call);
    await journal.stop();
    const [answered] = await store.liveCalls.ofNode('n1');
    assert.deepEqual([parseSnapshot(answered!.lc_cdr).record.attempts[0]?.disposition, answered!.lc_heartbeat], ['ANSWERED', Date.parse('2026-05-04T10:00:03Z')]);

    clock.advance(4_000);
    await journal.beat();
    assert.equal((await store.liveCalls.ofNode('n1'))[0]?.lc_heartbeat, Date.parse('2026-05-04T10:00:07Z'));

    let cdrStored!: () => void;
    journal.closed(call.linkedId, new Promise<void>((resolve) => (cdrStored = resolve)));
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal((await store.liveCalls.ofNode('n1')).length, 1, 'the row outlives a CDR not yet stored');
    cdrStored();
    await journal.stop();
    assert.deepEqual(await store.liveCalls.ofNode('n1'), []);
    // No call: the heartbeat writes nothing.
    await journal.beat();
    assert.equal(journal.failed, 0);
  });
});

test('a failing store is counted and logged; the call never sees it', async () => {
  const failing: LiveCallStore = {
    apply: () => Promise.reject(new Error('disk full')),
    beat: () => Promise.reject(new Error('disk full')),
  };
  const clock = new FakeClock();
  const journal = new LiveCallJournal(failing, clock, silentLogger, { nodeName: 'n1' });
  const call = fakeCall('n1-1.2', clock);
  journal.opened(call);
  await journal.flush();
  await journal.beat();
  journal.changed(call);
  journal.closed(call.linkedId, Promise.resolve());
  await journal.stop();
  // The row write and the heartbeat failed; the call's row was never stored, so its end removes nothing.
  assert.equal(journal.failed, 2);
});

test('changes within one flush window are one write: a call set up and ended in it, CDR stored, leaves no row', async () => {
  await withStore(async (store) => {
    const writes: number[] = [];
    const counting: LiveCallStore = {
      apply: async (changes) => {
        writes.push(changes.put.length + changes.remove.length);
        await store.liveCalls.apply(changes);
      },
      beat: (node, at) => store.liveCalls.beat(node, at),
    };
    const clock = new FakeClock('2026-05-04T10:00:00Z');
    const journal = new LiveCallJournal(counting, clock, silentLogger, { nodeName: 'n1', flushMs: 1_000 });
    const calls = Array.from({ length: 5 }, (_, i) => fakeCall(`n1-1.${i}`, clock));
    for (const call of calls) journal.opened(call);
    for (const call of calls) journal.changed(call);
    journal.closed('n1-1.4', Promise.resolve());
    await journal.flush();
    assert.deepEqual(writes, [4], 'one transaction for four calls; the ended one never written');
    assert.deepEqual((await store.liveCalls.ofNode('n1')).map((r) => r.lc_linkedid), ['n1-1.0', 'n1-1.1', 'n1-1.2', 'n1-1.3']);
    for (const call of calls.slice(0, 4)) journal.closed(call.linkedId, Promise.resolve());
    await journal.stop();
    assert.deepEqual(writes, [4, 4]);
    assert.deepEqual(await store.liveCalls.ofNode('n1'), []);
  });
});

test('a row written while its call ends is still removed once the CDR is stored', async () => {
  await withStore(async (store) => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const slow: LiveCallStore = {
      apply: async (changes) => {
        await held;
        await store.liveCalls.apply(changes);
      },
      beat: (node, at) => store.liveCalls.beat(node, at),
    };
    const clock = new FakeClock('2026-05-04T10:00:00Z');
    const journal = new LiveCallJournal(slow, clock, silentLogger, { nodeName: 'n1' });
    const call = fakeCall('n1-2.1', clock);
    journal.opened(call);
    const writing = journal.flush();
    await new Promise((resolve) => setImmediate(resolve));
    // The call ends while its row is being written.
    journal.closed(call.linkedId, Promise.resolve());
    release();
    await writing;
    assert.equal((await store.liveCalls.ofNode('n1')).length, 1);
    await journal.stop();
    assert.deepEqual(await store.liveCalls.ofNode('n1'), []);
  });
});

test('a heartbeat interval that is not a positive integer is refused, naming it', () => {
  assert.throws(() => new LiveCallJournal({} as LiveCallStore, new FakeClock(), silentLogger, { nodeName: 'n1', heartbeatMs: 0 }), /heartbeatMs/);
});
