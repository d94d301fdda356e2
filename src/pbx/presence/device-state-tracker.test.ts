// The tracker keeps each extension's state change by change (counts, not a pass over its channels): after any
// sequence of channel events its state must be what Asterisk's rules give over the extension's channels now, and a
// channel moved to another extension must leave the first one.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LiveChannel } from '../calls/channel-registry.ts';
import { deviceState } from './device-state.ts';
import type { DeviceSnapshot } from './device-state-tracker.ts';
import { channel, noControl, settle, startRig, type Rig } from './presence-rig.test-support.ts';

const ACME = 1;

describe('device state tracker', () => {
  let rig: Rig;
  let seen: DeviceSnapshot[];
  beforeEach(async () => {
    rig = await startRig();
    seen = [];
    rig.presence.tracker.onChange((snapshot) => seen.push(snapshot));
  });
  afterEach(() => rig.close());

  /** The state Asterisk's rules give over the registry's channels of the extension now. */
  const expected = (number: string, registered: boolean) => deviceState({ registered, channels: rig.channels.ofExtension(ACME, number) });
  const tracked = async (number: string) => (await rig.presence.tracker.snapshot(ACME, number))?.state;

  test('random adds, updates, moves and removals: the kept state always equals the rules over the channels', async () => {
    await rig.register(ACME, 11);
    assert.equal(await tracked('100'), 'NOT_INUSE');
    assert.equal(await tracked('101'), 'UNAVAILABLE');
    // A small fixed-seed generator: the same sequence on every run, so a failure can be replayed.
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return (seed >>> 16) % n;
    };
    const live: LiveChannel[] = [];
    for (let step = 0; step < 400; step++) {
      const action = live.length === 0 ? 0 : random(4);
      if (action === 0) {
        const made = channel(ACME, random(2) === 0 ? '100' : '101', random(2) === 0 ? 'IN' : 'OUT', random(2) === 0 ? 'Ring' : 'Up');
        rig.channels.add(made, noControl);
        live.push(made);
      } else {
        const at = random(live.length);
        const name = (live[at] as LiveChannel).name;
        if (action === 1) {
          rig.channels.update(name, { state: random(2) === 0 ? 'Up' : 'Ringing', connectedNum: String(200 + random(3)) });
        } else if (action === 2) {
          // A transfer moves the leg to the other extension.
          const now = rig.channels.get(name) as LiveChannel;
          rig.channels.update(name, { extension: now.extension === '100' ? '101' : '100' });
        } else {
          rig.channels.remove(name);
          live.splice(at, 1);
        }
      }
      await settle(2);
      assert.equal(await tracked('100'), expected('100', true), `extension 100 after step ${step}`);
      assert.equal(await tracked('101'), expected('101', false), `extension 101 after step ${step}`);
    }
    for (const made of live) rig.channels.remove(made.name);
    assert.equal(await tracked('100'), 'NOT_INUSE');
    assert.equal(await tracked('101'), 'UNAVAILABLE');
  });

  test('a channel moved away by a transfer leaves its first extension idle', async () => {
    await rig.register(ACME, 11);
    const leg = channel(ACME, '100', 'OUT', 'Up');
    rig.channels.add(leg, noControl);
    await settle();
    assert.equal(await tracked('100'), 'INUSE');
    rig.channels.update(leg.name, { extension: '101' });
    await settle();
    assert.equal(await tracked('100'), 'NOT_INUSE');
    assert.equal(await tracked('101'), 'INUSE');
    assert.deepEqual(
      seen.filter((s) => s.number === '100').map((s) => [s.state, s.channels.length]),
      [
        ['INUSE', 1],
        ['NOT_INUSE', 0],
      ],
    );
  });

  test('what BLF shows changes without a state change: one snapshot per change, none for a change it does not show', async () => {
    await rig.register(ACME, 11);
    const first = channel(ACME, '100', 'OUT', 'Up');
    rig.channels.add(first, noControl);
    await settle();
    seen.length = 0;
    const second = channel(ACME, '100', 'IN', 'Up');
    rig.channels.add(second, noControl);
    rig.channels.update(second.name, { connectedNum: '555' });
    // Not shown to a BLF subscriber: no snapshot.
    rig.channels.update(second.name, { callerIdName: 'Someone else' });
    assert.deepEqual(
      seen.map((s) => [s.state, s.channels.length, s.channels.at(-1)?.connectedNum]),
      [
        ['INUSE', 2, '200'],
        ['INUSE', 2, '555'],
      ],
    );
  });

  test('a listener that names the hints it watches hears only those', async () => {
    await rig.register(ACME, 11);
    await tracked('101');
    const watched: string[] = [];
    rig.presence.tracker.onChange((snapshot) => watched.push(snapshot.number), (_tenant, number) => number === '101');
    rig.channels.add(channel(ACME, '100', 'OUT', 'Ring'), noControl);
    rig.channels.add(channel(ACME, '101', 'OUT', 'Ring'), noControl);
    await settle();
    assert.deepEqual(watched, ['101']);
    assert.deepEqual(seen.map((s) => s.number).sort(), ['100', '101'], 'a listener without a filter hears both');
  });
});
