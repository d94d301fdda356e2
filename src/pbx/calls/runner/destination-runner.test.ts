// The destination runner with fake applications: every outcome, gotos, loops, tags not built, a step that throws.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../../../shared/index.ts';
import { DestinationRunner, MAX_STEPS, type RunnerCounters } from './destination-runner.ts';
import type { Application, CallHandle, StepOutcome, Target } from './step.ts';

function fakeCall(): CallHandle & { refused: Array<[number, string]>; steps: string[] } {
  const call = {
    tenantId: 1,
    tenantCode: 'ACME',
    callerParty: { number: '100', name: 'Ann', account: '100-ACME' },
    dialled: '200',
    domain: 'pbx.test',
    linkedId: 'l1',
    callerAnswered: false,
    over: false,
    refused: [] as Array<[number, string]>,
    steps: [] as string[],
    attempt: () => undefined,
    ring: async () => ({ kind: 'noanswer' as const }),
    answer: async () => undefined,
    recordCall: () => undefined,
    hangup: () => undefined,
    refuse: async (status: number, text: string) => void call.refused.push([status, text]),
  };
  return call;
}

/** An application answering from a script keyed by target id. */
function scripted(outcomes: Record<number, StepOutcome | (() => StepOutcome)>): Application {
  return {
    run: async (call, target) => {
      (call as ReturnType<typeof fakeCall>).steps.push(`${target.tag}-${target.id}`);
      const outcome = outcomes[target.id];
      if (outcome === undefined) throw new Error(`no script for ${target.id}`);
      return typeof outcome === 'function' ? outcome() : outcome;
    },
  };
}

function runner(applications: Record<string, Application>, slots: Record<string, Target[]> = {}) {
  const counters: RunnerCounters = { notBuilt: 0, loops: 0, stepErrors: 0 };
  const instance = new DestinationRunner({
    applications,
    slots: { slotTargets: async (_tenant, slot, owner) => slots[`${slot}:${owner}`] ?? [] },
    logger: silentLogger,
    counters,
  });
  return { runner: instance, counters };
}

const ext = (id: number): Target => ({ tag: 'EXT', id });

describe('destination runner', () => {
  test('the first target that connects ends the list; later targets never run', async () => {
    const { runner: r } = runner({ EXT: scripted({ 1: { kind: 'next', reason: 'noanswer' }, 2: { kind: 'connected' }, 3: { kind: 'connected' } }) });
    const call = fakeCall();
    assert.deepEqual(await r.run(call, [ext(1), ext(2), ext(3)]), { kind: 'connected' });
    assert.deepEqual(call.steps, ['EXT-1', 'EXT-2']);
    assert.deepEqual(call.refused, []);
  });

  test('when every target lets the call go on, the caller hears the last reason: busy is 486', async () => {
    const { runner: r } = runner({ EXT: scripted({ 1: { kind: 'next', reason: 'noanswer' }, 2: { kind: 'next', reason: 'busy' } }) });
    const call = fakeCall();
    const end = await r.run(call, [ext(1), ext(2)]);
    assert.equal(end.kind, 'failed');
    assert.deepEqual(call.refused, [[486, 'Busy Here']]);
  });

  test('an empty list is 404; a step that fails ends the call with its own status', async () => {
    const { runner: r } = runner({ EXT: scripted({ 1: { kind: 'failed', status: 403, text: 'Forbidden' }, 2: { kind: 'connected' } }) });
    const empty = fakeCall();
    await r.run(empty, []);
    assert.deepEqual(empty.refused, [[404, 'Not Found']]);
    const call = fakeCall();
    await r.run(call, [ext(1), ext(2)]);
    assert.deepEqual(call.refused, [[403, 'Forbidden']]);
    assert.deepEqual(call.steps, ['EXT-1']);
  });

  test("goto runs another slot's list in place of this one", async () => {
    const { runner: r } = runner(
      { EXT: scripted({ 1: { kind: 'goto', slot: { slot: 'EXT-NOANSWER', ownerId: 1 } }, 2: { kind: 'connected' }, 9: { kind: 'connected' } }) },
      { 'EXT-NOANSWER:1': [ext(2)] },
    );
    const call = fakeCall();
    assert.deepEqual(await r.run(call, [ext(1), ext(9)]), { kind: 'connected' });
    assert.deepEqual(call.steps, ['EXT-1', 'EXT-2'], 'the rest of the first list does not run after a goto');
  });

  test('a loop (1 forwards to 2, 2 forwards back to 1) ends the call with 482 and is counted', async () => {
    const { runner: r, counters } = runner(
      {
        EXT: scripted({
          1: { kind: 'goto', slot: { slot: 'EXT-UNCONDITIONAL', ownerId: 1 } },
          2: { kind: 'goto', slot: { slot: 'EXT-UNCONDITIONAL', ownerId: 2 } },
        }),
      },
      { 'EXT-UNCONDITIONAL:1': [ext(2)], 'EXT-UNCONDITIONAL:2': [ext(1)] },
    );
    const call = fakeCall();
    const end = await r.run(call, [ext(1)]);
    assert.equal(end.kind, 'failed');
    assert.deepEqual(call.refused, [[482, 'Loop Detected']]);
    assert.deepEqual(call.steps, ['EXT-1', 'EXT-2', 'EXT-1']);
    assert.equal(counters.loops, 1);
  });

  test('a step repeating without a goto is cut after MAX_STEPS', async () => {
    let rounds = 0;
    const menu: Application = { run: async () => (++rounds, { kind: 'goto', slot: { slot: `IVR_TIMEOUT`, ownerId: rounds } }) };
    const slots = new Proxy({} as Record<string, Target[]>, { get: () => [{ tag: 'IVR', id: 1 }] });
    const { runner: r, counters } = runner({ IVR: menu }, slots);
    const call = fakeCall();
    await r.run(call, [{ tag: 'IVR', id: 1 }]);
    assert.equal(rounds, MAX_STEPS);
    assert.equal(counters.loops, 1);
    assert.deepEqual(call.refused, [[482, 'Loop Detected']]);
  });

  test('a tag not built yet is logged, counted, skipped; alone it answers 501 naming the tag', async () => {
    const { runner: r, counters } = runner({ EXT: scripted({ 1: { kind: 'connected' } }) });
    const call = fakeCall();
    assert.deepEqual(await r.run(call, [{ tag: 'QUEUE', id: 7 }, ext(1)]), { kind: 'connected' });
    const alone = fakeCall();
    await r.run(alone, [{ tag: 'QUEUE', id: 7 }]);
    assert.deepEqual(alone.refused, [[501, 'QUEUE destinations are not implemented yet']]);
    assert.equal(counters.notBuilt, 2);
  });

  test("'continue' runs the next target; at the end of the list the call is hung up, not refused", async () => {
    const { runner: r } = runner({ PLAYBACK: scripted({ 1: { kind: 'continue' }, 2: { kind: 'continue' } }) });
    let hungUp = '';
    const call = { ...fakeCall(), hangup: (cause: string) => void (hungUp = cause) };
    assert.deepEqual(await r.run(call, [{ tag: 'PLAYBACK', id: 1 }, { tag: 'PLAYBACK', id: 2 }]), { kind: 'done' });
    assert.deepEqual(call.steps, ['PLAYBACK-1', 'PLAYBACK-2']);
    assert.deepEqual(call.refused, []);
    assert.equal(hungUp, 'destination-list-ended');
  });

  test('a step that throws counts as failed and the next target runs', async () => {
    const { runner: r, counters } = runner({ EXT: scripted({ 2: { kind: 'connected' } }) });
    const call = fakeCall();
    assert.deepEqual(await r.run(call, [ext(1), ext(2)]), { kind: 'connected' });
    assert.equal(counters.stepErrors, 1);
  });

  test('the caller hanging up stops the list: nothing more runs and nothing is refused', async () => {
    const call = fakeCall();
    const { runner: r } = runner({ EXT: scripted({ 1: () => ((call as { over: boolean }).over = true, { kind: 'next', reason: 'noanswer' }), 2: { kind: 'connected' } }) });
    assert.deepEqual(await r.run(call, [ext(1), ext(2)]), { kind: 'caller-gone' });
    assert.deepEqual(call.steps, ['EXT-1']);
    assert.deepEqual(call.refused, []);
  });
});

describe('destination runner: a hang-up slot', () => {
  /** A step that records what it saw of the call: whether it was over, and what ringing answered. */
  function recorder(log: string[], outcomes: Record<number, StepOutcome> = {}): Application {
    return {
      run: async (call, target) => {
        const rang = await call.ring({ targets: [] });
        log.push(`${target.tag}-${target.id} over=${call.over} ring=${rang.kind} tenant=${call.tenantId}`);
        return outcomes[target.id] ?? { kind: 'next', reason: 'failed' };
      },
    };
  }

  test("the caller leaving with `then` runs that slot's list with the call over; outcomes are ignored, gotos followed", async () => {
    const log: string[] = [];
    const menu: Application = { run: async () => ({ kind: 'caller-gone', then: { slot: 'IVR_HANGUP', ownerId: 7 } }) };
    const { runner: r } = runner(
      { IVR: menu, FLOW: recorder(log, { 1: { kind: 'failed', status: 500, text: 'x' }, 2: { kind: 'goto', slot: { slot: 'CONDITION', ownerId: 3 } } }) },
      { 'IVR_HANGUP:7': [{ tag: 'FLOW', id: 1 }, { tag: 'FLOW', id: 2 }, { tag: 'FLOW', id: 9 }], 'CONDITION:3': [{ tag: 'FLOW', id: 4 }] },
    );
    const call = fakeCall();
    let attempts = 0;
    let hungUp = 0;
    const watched = { ...call, attempt: () => void attempts++, hangup: () => void hungUp++ };
    assert.deepEqual(await r.run(watched, [{ tag: 'IVR', id: 7 }]), { kind: 'caller-gone' });
    assert.deepEqual(log, ['FLOW-1 over=true ring=caller-gone tenant=1', 'FLOW-2 over=true ring=caller-gone tenant=1', 'FLOW-4 over=true ring=caller-gone tenant=1']);
    assert.deepEqual(watched.refused, [], 'nobody is refused after the caller left');
    assert.deepEqual([attempts, hungUp], [0, 0], "the hang-up steps cannot relabel the call's CDR or hang it up again");
  });

  test('without `then` nothing more runs; a hang-up list that loops back on itself stops', async () => {
    const log: string[] = [];
    const { runner: r } = runner({ IVR: { run: async () => ({ kind: 'caller-gone' }) }, FLOW: recorder(log) }, { 'IVR_HANGUP:7': [{ tag: 'FLOW', id: 1 }] });
    await r.run(fakeCall(), [{ tag: 'IVR', id: 7 }]);
    assert.deepEqual(log, []);
    const looping = runner(
      { IVR: { run: async () => ({ kind: 'caller-gone', then: { slot: 'IVR_HANGUP', ownerId: 7 } }) }, FLOW: recorder(log, { 1: { kind: 'goto', slot: { slot: 'IVR_HANGUP', ownerId: 7 } } }) },
      { 'IVR_HANGUP:7': [{ tag: 'FLOW', id: 1 }] },
    );
    assert.deepEqual(await looping.runner.run(fakeCall(), [{ tag: 'IVR', id: 7 }]), { kind: 'caller-gone' });
    assert.equal(log.length, 1);
  });

  test('a hang-up list of jumps is cut by MAX_STEPS', async () => {
    let rounds = 0;
    const again: Application = { run: async () => (++rounds, { kind: 'jump', targets: [{ tag: 'AGAIN', id: 1 }] }) };
    const { runner: r } = runner({ IVR: { run: async () => ({ kind: 'caller-gone', then: { slot: 'IVR_HANGUP', ownerId: 7 } }) }, AGAIN: again }, { 'IVR_HANGUP:7': [{ tag: 'AGAIN', id: 1 }] });
    await r.run(fakeCall(), [{ tag: 'IVR', id: 7 }]);
    assert.equal(rounds, MAX_STEPS - 1);
  });
});
