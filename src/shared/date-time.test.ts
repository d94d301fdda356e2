// MiRTA date-times: formatDateTime and the start/end bounds of date filters.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDateTime, parseDateBound } from './date-time.ts';
import { PbxError } from './pbx-error.ts';

function refusedNaming(parameter: string, value: string): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof PbxError, `expected a PbxError, got ${String(error)}`);
    assert.equal(error.code, 'invalid_parameter');
    assert.ok(error.message.includes(parameter), `'${error.message}' names ${parameter}`);
    assert.ok(error.message.includes(value), `'${error.message}' quotes ${value}`);
    return true;
  };
}

describe('formatDateTime', () => {
  test('is UTC YYYY-MM-DD HH:MM:SS without milliseconds', () => {
    assert.equal(formatDateTime(new Date('2026-03-04T05:06:07.890Z')), '2026-03-04 05:06:07');
    assert.equal(formatDateTime(new Date('2026-03-04T23:30:00-02:00')), '2026-03-05 01:30:00');
  });
});

describe('parseDateBound', () => {
  test('a date-only end covers the whole day (23:59:59); a date-only start begins at 00:00:00', () => {
    assert.equal(parseDateBound('end', '2026-03-01', 'end'), '2026-03-01 23:59:59');
    assert.equal(parseDateBound('start', '2026-03-01', 'start'), '2026-03-01 00:00:00');
  });

  test('HH:MM gets :59 at the end and :00 at the start; HH:MM:SS is kept', () => {
    assert.equal(parseDateBound('end', '2026-03-01 10:30', 'end'), '2026-03-01 10:30:59');
    assert.equal(parseDateBound('start', '2026-03-01 10:30', 'start'), '2026-03-01 10:30:00');
    assert.equal(parseDateBound('end', '2026-03-01 10:30:15', 'end'), '2026-03-01 10:30:15');
    assert.equal(parseDateBound('start', '2026-03-01 10:30:15', 'start'), '2026-03-01 10:30:15');
  });

  test("a 'T' separator and surrounding spaces are accepted", () => {
    assert.equal(parseDateBound('start', '2026-03-01T08:00', 'start'), '2026-03-01 08:00:00');
    assert.equal(parseDateBound('end', ' 2026-03-01 ', 'end'), '2026-03-01 23:59:59');
  });

  test('29 February exists in leap years only', () => {
    assert.equal(parseDateBound('start', '2024-02-29', 'start'), '2024-02-29 00:00:00');
    assert.throws(() => parseDateBound('start', '2026-02-29', 'start'), refusedNaming('start', '2026-02-29'));
  });

  test('dates and times that do not exist are refused, naming the parameter', () => {
    const impossible = ['2026-02-30', '2026-02-31', '2026-04-31', '2026-13-01', '2026-00-10', '2026-01-00', '2026-01-32', '2026-01-01 24:00', '2026-01-01 23:60', '2026-01-01 12:00:60'];
    for (const value of impossible) {
      assert.throws(() => parseDateBound('end', value, 'end'), refusedNaming('end', value), value);
      assert.throws(() => parseDateBound('validity', value, 'start'), refusedNaming('validity', value), value);
    }
  });

  test('text that is not a date is refused, naming the parameter', () => {
    for (const value of ['', 'yesterday', '2026/03/01', '01-03-2026', '2026-3-1', '2026-03-01 7:00', '2026-03-01 10', '2026-03-01 10:30:15.5', '2026-03-01Z', "2026-03-01' or '1'='1"]) {
      assert.throws(() => parseDateBound('start', value, 'start'), refusedNaming('start', value), value);
    }
  });
});
