// The stored text forms: weekday lists and ranges, times of day and their ranges, dates, days of the month, and the
// wall clock of a zone (local-time.ts) they are compared with.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { localTime } from './local-time.ts';
import { parseDate, parseDaysOfMonth, parseTimeRange, parseWeekdays } from './schedule-parse.ts';

const days = (text: string) => {
  const parsed = parseWeekdays(text);
  return parsed.ok ? [...parsed.value].sort() : parsed.error;
};

describe('schedule text', () => {
  test('weekdays: digits (cron and ISO agree on 1-6; 0 and 7 are Sunday), names, ranges that wrap, *', () => {
    assert.deepEqual(days('1'), [1]);
    assert.deepEqual(days('mon-fri'), [1, 2, 3, 4, 5]);
    assert.deepEqual(days('Fri-Mon'), [0, 1, 5, 6]);
    assert.deepEqual(days('1-7'), [0, 1, 2, 3, 4, 5, 6]);
    assert.deepEqual(days('0-7'), [0, 1, 2, 3, 4, 5, 6]);
    assert.deepEqual(days('6-0'), [0, 6]);
    assert.deepEqual(days('sat, Sunday'), [0, 6]);
    assert.deepEqual(days('thurs,tues'), [2, 4]);
    assert.deepEqual(days('*'), [0, 1, 2, 3, 4, 5, 6]);
    for (const bad of ['', '8', 'mo', 'mon-', 'mon-tue-wed', 'lunedì']) assert.equal(typeof days(bad), 'string', bad);
  });

  test('time ranges in seconds of the day: the end excluded, 23:59 and 24:00 end the day, seconds ignored', () => {
    assert.deepEqual(parseTimeRange('8:00', '13:00'), { ok: true, value: { from: 28_800, to: 46_800 } });
    assert.deepEqual(parseTimeRange('08:00:00', '23:59:00'), { ok: true, value: { from: 28_800, to: 86_400 } });
    assert.deepEqual(parseTimeRange('0:00', '24:00'), { ok: true, value: { from: 0, to: 86_400 } });
    assert.deepEqual(parseTimeRange('22:00', '6:00'), { ok: true, value: { from: 79_200, to: 21_600 } });
    for (const [from, to] of [['9:00', '9:00'], ['24:00', '1:00'], ['9:60', '10:00'], ['9', '10:00'], ['', '']]) {
      assert.equal(parseTimeRange(from ?? '', to ?? '').ok, false, `${from}-${to}`);
    }
  });

  test('dates with or without year and time; days of the month', () => {
    assert.deepEqual(parseDate('2026-12-25 18:30'), { ok: true, value: { year: 2026, month: 12, day: 25, second: 66_600 } });
    assert.deepEqual(parseDate('2026-12-25T18:30:15'), { ok: true, value: { year: 2026, month: 12, day: 25, second: 66_615 } });
    assert.deepEqual(parseDate('2-29'), { ok: true, value: { year: undefined, month: 2, day: 29, second: undefined } });
    for (const bad of ['2026-02-29', '0000-00-00 00:00:00', '2026-13-01', '25/12/2026', '2026-12-25 24:00']) assert.equal(parseDate(bad).ok, false, bad);
    const parsed = parseDaysOfMonth('1, 10-12, last');
    assert.deepEqual(parsed.ok ? [[...parsed.value.days], parsed.value.last] : parsed.error, [[1, 10, 11, 12], true]);
    assert.equal(parseDaysOfMonth('12-10').ok, false);
  });

  test('the wall clock of a zone: date, weekday, second of the day, days in the month', () => {
    const rome = localTime(new Date('2028-02-29T23:30:00Z'), 'Europe/Rome');
    assert.ok(rome.ok);
    assert.deepEqual([rome.value.year, rome.value.month, rome.value.day, rome.value.weekday, rome.value.secondOfDay, rome.value.daysInMonth], [2028, 3, 1, 3, 1800, 31]);
    const midnight = localTime(new Date('2026-01-12T00:00:00Z'), 'UTC');
    assert.equal(midnight.ok && midnight.value.secondOfDay, 0);
    assert.equal(localTime(new Date(), 'Not/AZone').ok, false);
  });
});
