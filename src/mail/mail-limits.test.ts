// MailLimits: messages in flight at once, a bounded waiting line, the per-tenant minute.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FakeClock } from '../shared/index.ts';
import { MailLimits } from './index.ts';

describe('MailLimits', () => {
  test('beyond the messages in flight they wait their turn; beyond the line they are refused', async () => {
    const limits = new MailLimits(new FakeClock(), { maxInFlight: 1, maxWaiting: 1, perTenantPerMinute: 100 });
    const first = await limits.acquire(1);
    assert.ok(first.ok);
    let secondGot = false;
    const second = limits.acquire(2).then((turn) => ((secondGot = true), turn));
    assert.deepEqual(await limits.acquire(3), { ok: false, error: 'not sent: 1 e-mails are already waiting for the mail server' });
    await Promise.resolve();
    assert.equal(secondGot, false, 'the second waits while the first is in flight');
    first.value();
    first.value(); // a second release must not free a second slot
    const turn = await second;
    assert.ok(turn.ok);
    let thirdGot = false;
    const third = limits.acquire(3).then((t) => ((thirdGot = true), t));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(thirdGot, false, 'the second holds the only slot: the third waits');
    turn.value();
    const thirdTurn = await third;
    assert.ok(thirdTurn.ok);
    thirdTurn.value();
    const fourth = await limits.acquire(4);
    assert.ok(fourth.ok, 'every slot given back: the next goes at once');
  });

  test('a message that waits longer than maxWaitMs for a turn is refused and leaves the line', async () => {
    const clock = new FakeClock();
    const limits = new MailLimits(clock, { maxInFlight: 1, maxWaiting: 1, maxWaitMs: 5000 });
    const first = await limits.acquire(1);
    assert.ok(first.ok);
    const waiting = limits.acquire(1);
    clock.advance(5000);
    assert.deepEqual(await waiting, { ok: false, error: 'not sent: no turn at the mail server within 5 s' });
    const next = limits.acquire(2);
    first.value();
    assert.ok((await next).ok, 'the line is free again and the released slot goes to the next');
  });
});
