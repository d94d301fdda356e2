// FlowService's listener over a real in-memory SQLite store: SETFLOW tells the presence tracker (here a recording
// fake of its flowChanged) each stored state of a numbered flow, and only of its own tenant's flow.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { FlowState } from '../domain/index.ts';
import { FakeClock } from '../shared/index.ts';
import { openStore, type Store } from '../store/index.ts';
import { FlowService, type FlowStateListener } from './flow-service.ts';
import { OBJECT_RULES, ObjectService } from './objects/index.ts';

class RecordingTracker implements FlowStateListener {
  readonly changes: Array<[number, string, string, FlowState]> = [];
  flowChanged(tenantId: number, number: string, hint: string, state: FlowState): void {
    this.changes.push([tenantId, number, hint, state]);
  }
}

describe('FlowService listener', () => {
  let store: Store;
  let flows: FlowService;
  let acme: number;
  let globex: number;

  beforeEach(async () => {
    store = openStore('sqlite::memory:');
    await store.migrate();
    const clock = new FakeClock('2026-05-01T12:00:00Z');
    flows = new FlowService(store, clock, new ObjectService(store, clock, OBJECT_RULES));
    acme = (await store.tenants.create({ te_code: 'ACME', te_name: 'Acme' }, '2026-05-01 12:00:00')).te_id;
    globex = (await store.tenants.create({ te_code: 'GLOBEX', te_name: 'Globex' }, '2026-05-01 12:00:00')).te_id;
    const dayNight = { fl_name: 'Day/night', fl_number: '*30', fl_value: 'day', fl_value_for_inuse: 'night', fl_value_for_notinuse: 'day' };
    await store.objects('flow').insert(acme, dayNight);
    await store.objects('flow').insert(globex, dayNight);
    await store.objects('flow').insert(acme, { fl_name: 'Unnumbered', fl_value: 'a' });
  });

  afterEach(async () => {
    await store.close();
  });

  test('a state set by state or by value reaches the attached tracker with the hint', async () => {
    const tracker = new RecordingTracker();
    flows.attach(tracker);
    await flows.set(acme, '*30', { state: 'inuse' });
    await flows.set(acme, '*30', { value: 'day' });
    assert.deepEqual(tracker.changes, [
      [acme, '*30', '*30-ACME', 'INUSE'],
      [acme, '*30', '*30-ACME', 'NOT_INUSE'],
    ]);
  });

  test('nothing is told before attach or after detach, and a throwing listener does not fail SETFLOW', async () => {
    const tracker = new RecordingTracker();
    await flows.set(globex, '*30', { state: 'INUSE' });
    flows.attach(tracker);
    flows.attach(undefined);
    await flows.set(globex, '*30', { state: 'NOT_INUSE' });
    assert.deepEqual(tracker.changes, []);
    flows.attach({
      flowChanged() {
        throw new Error('tracker broke');
      },
    });
    assert.deepEqual(await flows.set(globex, '*30', { state: 'INUSE' }), { state: 'INUSE', value: 'night' });
    assert.equal((await store.states.get(globex, '*30-GLOBEX'))?.st_state, 'INUSE');
  });

  test('a refused SETFLOW tells nothing', async () => {
    const tracker = new RecordingTracker();
    flows.attach(tracker);
    await assert.rejects(flows.set(acme, '*31', { state: 'INUSE' }));
    await assert.rejects(flows.set(acme, '*30', { state: 'INUSE', value: 'day' }));
    assert.deepEqual(tracker.changes, []);
  });
});
