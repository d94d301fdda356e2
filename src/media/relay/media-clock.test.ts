// The relay's media clock on a FakeClock: one frame per 20 ms to every sink, started by the first sink and stopped by
// the last, a few missed frames caught up after a late tick, a re-anchored schedule after a long stall.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from '../../shared/index.ts';
import { MediaClock } from './media-clock.ts';

function clockOn(fake: FakeClock): MediaClock {
  return new MediaClock(fake, () => fake.now().getTime(), (error) => assert.fail(String(error)));
}

test('one frame every 20 ms to every sink, due times on the schedule, from the first sink to the last', () => {
  const fake = new FakeClock();
  const clock = clockOn(fake);
  const start = fake.now().getTime();
  const heard: [string, number, number][] = [];
  const a = (due: number, frame: number) => heard.push(['a', due - start, frame]);
  const b = (due: number, frame: number) => heard.push(['b', due - start, frame]);
  assert.equal(fake.pendingTimers(), 0, 'idle: no timer');
  clock.add(a);
  fake.advance(0);
  assert.deepEqual(heard, [['a', 0, 1]], 'the first frame at once');
  clock.add(b);
  fake.advance(40);
  assert.deepEqual(heard.slice(1), [['a', 20, 2], ['b', 20, 2], ['a', 40, 3], ['b', 40, 3]]);
  clock.remove(a);
  fake.advance(20);
  assert.deepEqual(heard.slice(5), [['b', 60, 4]]);
  clock.remove(b);
  assert.equal(clock.running, false);
  assert.equal(fake.pendingTimers(), 0, 'no sink, no timer');
  fake.advance(100);
  assert.equal(heard.length, 6);
  assert.deepEqual({ frames: clock.stats.frames, late: clock.stats.lateFrames }, { frames: 4, late: 0 });
});

test('a sink may leave, or another join, from inside a frame without a second timer', () => {
  const fake = new FakeClock();
  const clock = clockOn(fake);
  let frames = 0;
  const joiner = () => frames++;
  const leaver = () => {
    clock.remove(leaver);
    clock.add(joiner);
  };
  clock.add(leaver);
  fake.advance(0);
  assert.equal(frames, 1, 'a sink added during a frame hears that frame too');
  assert.equal(fake.pendingTimers(), 1);
  fake.advance(60);
  assert.equal(frames, 4);
  assert.equal(fake.pendingTimers(), 1);
});

/** Timers fired by hand, late on purpose. */
function lateTimers(): { clock: MediaClock; setNow(ms: number): void; fire(): void } {
  let now = 0;
  let pending: (() => void) | undefined;
  const clock = new MediaClock(
    {
      setTimer: (_ms, callback) => {
        pending = callback;
        return () => (pending = undefined);
      },
    },
    () => now,
    (error) => assert.fail(String(error)),
  );
  return {
    clock,
    setNow: (ms) => (now = ms),
    fire: () => {
      const callback = pending;
      pending = undefined;
      callback?.();
    },
  };
}

/** Lets the clock measure the tick that just ran (after the sends it queued). */
const measured = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('a late tick sends the frames it owes, a few at most; a long stall re-anchors the schedule', async () => {
  const timers = lateTimers();
  const due: number[] = [];
  timers.clock.add((dueMs) => due.push(dueMs));
  timers.fire(); // frame 0 at 0
  timers.setNow(65); // frames 1, 2 and 3 were due at 20, 40, 60
  timers.fire();
  await measured();
  assert.deepEqual(due, [0, 20, 40, 60]);
  assert.equal(timers.clock.stats.lateFrames, 2, 'frames 1 and 2 went out 20 ms or more late');
  assert.equal(timers.clock.stats.maxLateMs, 45);
  timers.setNow(80);
  timers.fire();
  assert.deepEqual(due.slice(4), [80], 'back on the schedule');
  timers.setNow(1080); // a one-second stall: 50 frames owed
  timers.fire();
  await measured();
  assert.deepEqual(due.slice(5), [1080], 'one frame now, not a burst');
  assert.deepEqual([timers.clock.stats.reanchors, timers.clock.stats.lateFrames], [1, 2 + 49], 'the frames skipped count as late');
  timers.setNow(1100);
  timers.fire();
  assert.deepEqual(due.slice(6), [1100], 'the schedule runs on from the stall');
});
