// SPECIAL-<id>: each catalogue entry does to the call what its Asterisk application does, labels the CDR attempt,
// and an id outside the catalogue lets the list go on with a 404 reason.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, silentLogger } from '../../../shared/index.ts';
import { fakeCall } from './fake-call.test-support.ts';
import { Special } from './special.ts';
import { SPECIAL_DESTINATIONS, SPECIAL_HOLD_MS } from './special-catalogue.ts';

const special = (clock = new FakeClock('2026-01-01T00:00:00Z')) => new Special({ clock, logger: silentLogger });
const target = (id: number) => ({ tag: 'SPECIAL', id });

describe('SPECIAL step', () => {
  test('BUSY and CONGESTION refuse with 486 and 503; DECLINE with 603; the attempt names the special and its app', async () => {
    for (const [id, expected, app] of [[2, 'refuse:486 Busy Here', 'Busy'], [3, 'refuse:503 Service Unavailable', 'Congestion'], [8, 'refuse:603 Decline', 'Hangup']] as const) {
      const call = fakeCall();
      assert.deepEqual(await special().run(call, target(id)), { kind: 'done' });
      assert.deepEqual(call.log, [expected]);
      assert.deepEqual(call.attempts, [{ destination: '0612340000', peerAccount: '', landed: { kind: 'PLAYBACK', label: `SPECIAL-${id}` }, app }]);
    }
  });

  test('HANGUP ends the call without answering it', async () => {
    const call = fakeCall();
    assert.deepEqual(await special().run(call, target(1)), { kind: 'done' });
    assert.deepEqual(call.log, ['hangup:special-1']);
  });

  test('ANSWER answers and lets the list go on; ANSWER-HANGUP answers then hangs up', async () => {
    const answered = fakeCall();
    assert.deepEqual(await special().run(answered, target(4)), { kind: 'continue' });
    assert.deepEqual(answered.log, ['answer']);
    const hungUp = fakeCall();
    assert.deepEqual(await special().run(hungUp, target(5)), { kind: 'done' });
    assert.deepEqual(hungUp.log, ['answer', 'hangup:special-5']);
  });

  test('SILENCE and RINGING hold the answered caller (silence, ringback looped) until it hangs up', async () => {
    const silent = fakeCall();
    assert.deepEqual(await special().run(silent, target(6)), { kind: 'caller-gone' });
    assert.deepEqual(silent.plays, [[{ kind: 'silence', ms: 1000 }]]);
    const ringing = fakeCall();
    assert.deepEqual(await special().run(ringing, target(7)), { kind: 'caller-gone' });
    assert.deepEqual(ringing.plays, [[{ kind: 'tone', tone: 'ringback' }]]);
  });

  test('a hold that reaches its limit is stopped and the PBX hangs up', async () => {
    const clock = new FakeClock('2026-01-01T00:00:00Z');
    let release: (() => void) | undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const call = fakeCall({ playEnd: (_items, stopped) => ({ reason: stopped ? 'stopped' : 'finished' }) });
    // The play ends only once the hold's timer has stopped it.
    const original = call.answer.bind(call);
    call.answer = async () => {
      const media = await original();
      if (media === undefined) return undefined;
      return { ...media, play: async (items, options) => (await held, media.play(items, options)) };
    };
    const outcome = special(clock).run(call, target(6));
    await new Promise((resolve) => setImmediate(resolve));
    clock.advance(SPECIAL_HOLD_MS);
    release?.();
    assert.deepEqual(await outcome, { kind: 'done' });
    assert.equal(call.stopRequested, true);
    assert.deepEqual(call.log, ['answer', 'hangup:special-6-limit']);
  });

  test('a caller the PBX cannot answer (no G.711) fails with 488', async () => {
    assert.deepEqual(await special().run(fakeCall({ answerable: false }), target(4)), { kind: 'failed', status: 488, text: 'Not Acceptable Here' });
  });

  test('an id outside the catalogue: next target, 404 naming it, no attempt', async () => {
    const call = fakeCall();
    assert.deepEqual(await special().run(call, target(99)), { kind: 'next', reason: 'unavailable', status: 404, text: 'special destination 99 does not exist' });
    assert.deepEqual(call.attempts, []);
  });

  test('catalogue ids are unique', () => {
    assert.equal(new Set(SPECIAL_DESTINATIONS.map((s) => s.id)).size, SPECIAL_DESTINATIONS.length);
  });
});
