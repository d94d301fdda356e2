// parseDateWindow / dateBounds: today by default, open on request, bounds as parseDateBound gives them, the texts MiRTA clients read.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FakeClock } from '../shared/index.ts';
import { dateBounds, parseDateWindow } from './date-window.ts';

const clock = new FakeClock(new Date('2026-03-05T10:00:00Z'));

describe('parseDateWindow', () => {
  test('neither bound (or blank ones): today, UTC; or open when asked', () => {
    assert.deepEqual(parseDateWindow({}, clock), { from: '2026-03-05 00:00:00', to: '2026-03-05 23:59:59' });
    assert.deepEqual(parseDateWindow({ start: ' ', end: '' }, clock), { from: '2026-03-05 00:00:00', to: '2026-03-05 23:59:59' });
    assert.deepEqual(parseDateWindow({}, clock, 'open'), {});
  });

  test('one bound leaves the other side open; a date-only end covers its day', () => {
    assert.deepEqual(parseDateWindow({ start: ' 2026-03-01 ' }, clock), { from: '2026-03-01 00:00:00' });
    assert.deepEqual(parseDateWindow({ end: '2026-03-01' }, clock), { to: '2026-03-01 23:59:59' });
  });

  test('an end before the start, or a bad bound, is refused with the parameter named', () => {
    assert.throws(() => parseDateWindow({ start: '2026-03-02', end: '2026-03-01' }, clock), { code: 'invalid_parameter', message: "Invalid end '2026-03-01': it is before start '2026-03-02'" });
    assert.throws(() => parseDateWindow({ end: 'yesterday' }, clock), { code: 'invalid_parameter', message: "Invalid end 'yesterday': expected YYYY-MM-DD or YYYY-MM-DD HH:MM:SS" });
  });
});

describe('dateBounds', () => {
  test('values as given: no default, no trimming of the text an error quotes', () => {
    assert.deepEqual(dateBounds(undefined, undefined), {});
    assert.throws(() => dateBounds(' ', undefined), { message: "Invalid start ' ': expected YYYY-MM-DD or YYYY-MM-DD HH:MM:SS" });
  });
});
