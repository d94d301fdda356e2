// Calendar entries and the date types, in the condition's zone: whole days, hours of a day, a night across the new
// year, recurring dates (Christmas every year), and before/from as exact complements.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateCondition } from '../condition-eval.ts';
import { cond, context } from '../condition.test-support.ts';
import type { StoredCondition } from '../stored-condition.ts';

async function kind(condition: StoredCondition, at: string): Promise<string> {
  return (await evaluateCondition(condition, context({ at }))).kind;
}

describe('CALENDAR', () => {
  test('a range of whole days holds from the first midnight to the end of the last day, local time', async () => {
    const holidays = cond({ type: 'CALENDAR', timeZone: 'Europe/Rome', infos: [['2026-12-24', '2026-12-26']] });
    assert.equal(await kind(holidays, '2026-12-23T22:59:59Z'), 'fails');
    assert.equal(await kind(holidays, '2026-12-23T23:00:00Z'), 'holds');
    assert.equal(await kind(holidays, '2026-12-26T22:59:59Z'), 'holds');
    assert.equal(await kind(holidays, '2026-12-26T23:00:00Z'), 'fails');
    // A single day: no end.
    assert.equal(await kind(cond({ type: 'CALENDAR', infos: [['2026-08-15']] }), '2026-08-15T23:59:59Z'), 'holds');
  });

  test('date-times stop at their end; a day with hours (weektime layout); a night across the new year', async () => {
    const afternoon = cond({ type: 'CALENDAR', infos: [['2026-12-24 09:00', '2026-12-24 17:00']] });
    assert.equal(await kind(afternoon, '2026-12-24T16:59:59Z'), 'holds');
    assert.equal(await kind(afternoon, '2026-12-24T17:00:00Z'), 'fails');
    const sameAsHours = cond({ type: 'CALENDAR', infos: [['2026-12-24', '9:00', '17:00']] });
    assert.equal(await kind(sameAsHours, '2026-12-24T09:00:00Z'), 'holds');
    assert.equal(await kind(sameAsHours, '2026-12-24T17:00:00Z'), 'fails');
    const party = cond({ type: 'CALENDAR', infos: [['2026-12-31', '22:00', '2:00']] });
    assert.equal(await kind(party, '2027-01-01T01:59:59Z'), 'holds');
    assert.equal(await kind(party, '2027-01-01T02:00:00Z'), 'fails');
    assert.equal(await kind(party, '2026-12-31T21:59:59Z'), 'fails');
  });

  test('several entries: any; unreadable entries make the condition bad', async () => {
    const closures = cond({ type: 'CALENDAR', infos: [['2026-01-01'], ['2026-05-01'], ['2026-06-02']] });
    assert.equal(await kind(closures, '2026-05-01T10:00:00Z'), 'holds');
    assert.equal(await kind(closures, '2026-05-02T10:00:00Z'), 'fails');
    for (const infos of [[['12-25']], [['2026-12-26', '2026-12-24']], [['2026-02-30']], [['tomorrow']], [['2026-12-24', '9:00']]]) {
      assert.equal(await kind(cond({ type: 'CALENDAR', infos }), '2026-12-24T10:00:00Z'), 'bad', JSON.stringify(infos));
    }
    assert.equal(await kind(cond({ type: 'CALENDAR' }), '2026-12-24T10:00:00Z'), 'bad');
  });
});

describe('DATE, DATELESSER, DATEGREATER, DATEBETWEEN', () => {
  test('DATE: that day (its time ignored); without a year, or co_param3 on, every year', async () => {
    const once = cond({ type: 'DATE', params: ['2026-12-25 00:00:00'] });
    assert.equal(await kind(once, '2026-12-25T18:00:00Z'), 'holds');
    assert.equal(await kind(once, '2027-12-25T18:00:00Z'), 'fails');
    assert.equal(await kind(cond({ type: 'DATE', params: ['12-25'] }), '2031-12-25T18:00:00Z'), 'holds');
    assert.equal(await kind(cond({ type: 'DATE', params: ['2026-12-25', '', 'on'] }), '2031-12-25T18:00:00Z'), 'holds');
    // More dates as extended infos.
    assert.equal(await kind(cond({ type: 'DATE', params: ['01-01'], infos: [['12-26'], ['08-15']] }), '2026-08-15T09:00:00Z'), 'holds');
    assert.equal(await kind(cond({ type: 'DATE', params: ['2026-12-25', '', 'maybe'] }), '2026-12-25T09:00:00Z'), 'bad');
  });

  test('DATELESSER holds before the moment, DATEGREATER from it on: never both, never neither', async () => {
    const before = cond({ type: 'DATELESSER', timeZone: 'Europe/Rome', params: ['2026-07-01 12:00'] });
    const after = cond({ type: 'DATEGREATER', timeZone: 'Europe/Rome', params: ['2026-07-01 12:00'] });
    for (const [at, beforeKind] of [['2026-07-01T09:59:59Z', 'holds'], ['2026-07-01T10:00:00Z', 'fails']] as const) {
      assert.equal(await kind(before, at), beforeKind);
      assert.equal(await kind(after, at), beforeKind === 'holds' ? 'fails' : 'holds');
    }
    // A date alone is its midnight; recurring: every year.
    assert.equal(await kind(cond({ type: 'DATEGREATER', params: ['2026-07-01'] }), '2026-07-01T00:00:00Z'), 'holds');
    assert.equal(await kind(cond({ type: 'DATELESSER', params: ['07-01'] }), '2030-06-30T23:00:00Z'), 'holds');
    assert.equal(await kind(cond({ type: 'DATELESSER', params: [''] }), '2030-06-30T23:00:00Z'), 'bad');
  });

  test('DATEBETWEEN: both ends included as days; a recurring range may wrap the new year', async () => {
    const summer = cond({ type: 'DATEBETWEEN', params: ['2026-08-01', '2026-08-31'] });
    assert.equal(await kind(summer, '2026-08-31T23:59:59Z'), 'holds');
    assert.equal(await kind(summer, '2026-09-01T00:00:00Z'), 'fails');
    assert.equal(await kind(summer, '2027-08-15T00:00:00Z'), 'fails');
    const festive = cond({ type: 'DATEBETWEEN', params: ['12-24', '01-06'] });
    assert.equal(await kind(festive, '2026-12-31T12:00:00Z'), 'holds');
    assert.equal(await kind(festive, '2027-01-06T23:00:00Z'), 'holds');
    assert.equal(await kind(festive, '2027-01-07T00:00:00Z'), 'fails');
    assert.equal(await kind(festive, '2027-06-07T00:00:00Z'), 'fails');
    assert.equal(await kind(cond({ type: 'DATEBETWEEN', params: ['2026-08-31', '2026-08-01'] }), '2026-08-15T00:00:00Z'), 'bad');
    assert.equal(await kind(cond({ type: 'DATEBETWEEN', params: ['2026-08-31'] }), '2026-08-15T00:00:00Z'), 'bad');
  });
});
