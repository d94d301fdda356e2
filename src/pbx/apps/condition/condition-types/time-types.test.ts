// Week slots, hours, weekdays and days of the month on a FakeClock, in the condition's zone, the tenant's, or UTC:
// Monday 09:00 in Europe/Rome is 08:00 UTC in winter and 07:00 in summer; the DST nights in both directions.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../../shared/index.ts';
import { evaluateCondition } from '../condition-eval.ts';
import { cond, context, type ContextSpec } from '../condition.test-support.ts';
import type { StoredCondition } from '../stored-condition.ts';

async function kind(condition: StoredCondition, at: string, spec: ContextSpec = {}): Promise<string> {
  return (await evaluateCondition(condition, context({ ...spec, at }))).kind;
}

const officeRome = cond({ type: 'WEEKTIME', timeZone: 'Europe/Rome', infos: [['mon-fri', '9:00', '17:00']] });

describe('WEEKTIME', () => {
  test('Monday 09:00 in Rome is 08:00 UTC in winter: the slot opens then and stops at 17:00 local', async () => {
    assert.equal(await kind(officeRome, '2026-01-12T07:59:59Z'), 'fails');
    assert.equal(await kind(officeRome, '2026-01-12T08:00:00Z'), 'holds');
    assert.equal(await kind(officeRome, '2026-01-12T15:59:59Z'), 'holds');
    assert.equal(await kind(officeRome, '2026-01-12T16:00:00Z'), 'fails');
    // Summer time: 09:00 CEST is 07:00 UTC.
    assert.equal(await kind(officeRome, '2026-06-01T07:00:00Z'), 'holds');
    assert.equal(await kind(officeRome, '2026-06-01T06:59:59Z'), 'fails');
  });

  test('the zone: co_timezone, else the tenant te_timezone, else UTC', async () => {
    const zoneless = cond({ type: 'WEEKTIME', infos: [['1', '9:00', '17:00']] });
    assert.equal(await kind(zoneless, '2026-01-12T08:30:00Z', { tenantZone: 'Europe/Rome' }), 'holds');
    assert.equal(await kind(zoneless, '2026-01-12T08:30:00Z'), 'fails');
    assert.equal(await kind(zoneless, '2026-01-12T09:30:00Z'), 'holds');
    const newYork = cond({ type: 'WEEKTIME', timeZone: 'America/New_York', infos: [['mon', '9:00', '17:00']] });
    assert.equal(await kind(newYork, '2026-01-12T14:00:00Z', { tenantZone: 'Europe/Rome' }), 'holds');
    assert.equal(await kind(newYork, '2026-01-12T13:59:00Z', { tenantZone: 'Europe/Rome' }), 'fails');
    // Across the date line: Sunday evening in UTC is Monday morning in Auckland (UTC+13 in January).
    const auckland = cond({ type: 'WEEKTIME', timeZone: 'Pacific/Auckland', infos: [['monday', '9:00', '10:00']] });
    assert.equal(await kind(auckland, '2026-01-11T20:30:00Z'), 'holds');
  });

  test('spring forward (Rome, 29 March 2026): 01:59:59 CET is followed by 03:00 CEST', async () => {
    const early = cond({ type: 'WEEKTIME', timeZone: 'Europe/Rome', infos: [['sun', '3:00', '4:00']] });
    assert.equal(await kind(early, '2026-03-29T00:59:59Z'), 'fails');
    assert.equal(await kind(early, '2026-03-29T01:00:00Z'), 'holds');
    assert.equal(await kind(early, '2026-03-29T01:59:59Z'), 'holds');
    assert.equal(await kind(early, '2026-03-29T02:00:00Z'), 'fails');
  });

  test('fall back (Rome, 25 October 2026): 02:00-03:00 local happens twice and holds both times', async () => {
    const twice = cond({ type: 'WEEKTIME', timeZone: 'Europe/Rome', infos: [['sun', '2:00', '3:00']] });
    assert.equal(await kind(twice, '2026-10-24T23:59:59Z'), 'fails');
    assert.equal(await kind(twice, '2026-10-25T00:30:00Z'), 'holds');
    assert.equal(await kind(twice, '2026-10-25T01:30:00Z'), 'holds');
    assert.equal(await kind(twice, '2026-10-25T02:00:00Z'), 'fails');
  });

  test('several rows: any; a night slot belongs to the day it starts; 23:59 and 24:00 end the day', async () => {
    const split = cond({ type: 'WEEKTIME', infos: [['1', '8:00', '13:00'], ['1', '14:00', '18:00']] });
    assert.equal(await kind(split, '2026-01-12T12:59:59Z'), 'holds');
    assert.equal(await kind(split, '2026-01-12T13:30:00Z'), 'fails');
    assert.equal(await kind(split, '2026-01-12T14:00:00Z'), 'holds');
    const night = cond({ type: 'WEEKTIME', infos: [['fri', '22:00', '6:00']] });
    assert.equal(await kind(night, '2026-01-16T22:00:00Z'), 'holds');
    assert.equal(await kind(night, '2026-01-17T05:59:59Z'), 'holds');
    assert.equal(await kind(night, '2026-01-17T06:00:00Z'), 'fails');
    assert.equal(await kind(night, '2026-01-16T05:00:00Z'), 'fails');
    for (const end of ['23:59', '24:00']) {
      assert.equal(await kind(cond({ type: 'WEEKTIME', infos: [['sat,sun', '0:00', end]] }), '2026-01-17T23:59:59Z'), 'holds');
    }
    // The week clock with a clock that moves: FakeClock.advance across the opening.
    const clock = new FakeClock('2026-01-12T07:59:00Z');
    assert.equal((await evaluateCondition(officeRome, context({ clock }))).kind, 'fails');
    clock.advance(60_000);
    assert.equal((await evaluateCondition(officeRome, context({ clock }))).kind, 'holds');
  });

  test('bad slots, no slots and an unknown zone do not hold and say why', async () => {
    for (const infos of [[['funday', '9:00', '17:00']], [['mon', '25:00', '26:00']], [['mon', '9:00', '9:00']], [['mon', '9', '17']]]) {
      const answer = await evaluateCondition(cond({ type: 'WEEKTIME', infos }), context());
      assert.equal(answer.kind, 'bad', JSON.stringify(infos));
    }
    assert.deepEqual(await evaluateCondition(cond({ type: 'WEEKTIME' }), context()), { kind: 'bad', problem: 'no time slots (extended infos weekday, from, to)' });
    const mars = await evaluateCondition(cond({ type: 'WEEKTIME', timeZone: 'Mars/Olympus', infos: [['*', '0:00', '24:00']] }), context());
    assert.equal(mars.kind, 'bad');
    assert.match(mars.kind === 'bad' ? mars.problem : '', /Mars\/Olympus/);
  });
});

describe('MULTIWEEKTIME, HOURS, WEEKDAY, DAYOFMONTH', () => {
  test('MULTIWEEKTIME: the first slot that holds names the branch (ce_param4); none is NOTCONDITION', async () => {
    const shifts = cond({ type: 'MULTIWEEKTIME', infos: [['mon-fri', '8:00', '14:00', '1'], ['mon-fri', '14:00', '20:00', '2'], ['*', '0:00', '24:00', '3']] });
    assert.deepEqual(await evaluateCondition(shifts, context({ at: '2026-01-12T09:00:00Z' })), { kind: 'holds', branch: 1 });
    assert.deepEqual(await evaluateCondition(shifts, context({ at: '2026-01-12T15:00:00Z' })), { kind: 'holds', branch: 2 });
    assert.deepEqual(await evaluateCondition(shifts, context({ at: '2026-01-17T15:00:00Z' })), { kind: 'holds', branch: 3 });
    const weekdaysOnly = cond({ type: 'MULTIWEEKTIME', infos: [['mon-fri', '8:00', '20:00', '4']] });
    assert.equal(await kind(weekdaysOnly, '2026-01-17T09:00:00Z'), 'fails');
    assert.equal(await kind(cond({ type: 'MULTIWEEKTIME', infos: [['mon', '8:00', '20:00', '21']] }), '2026-01-12T09:00:00Z'), 'bad');
  });

  test('HOURS: daily ranges from extended infos or co_param1-2, across midnight too', async () => {
    const lunch = cond({ type: 'HOURS', timeZone: 'Europe/Rome', infos: [['12:30', '14:00']] });
    assert.equal(await kind(lunch, '2026-01-17T11:30:00Z'), 'holds');
    assert.equal(await kind(lunch, '2026-01-17T13:00:00Z'), 'fails');
    const night = cond({ type: 'HOURS', params: ['20:00', '8:00'] });
    assert.equal(await kind(night, '2026-01-12T23:00:00Z'), 'holds');
    assert.equal(await kind(night, '2026-01-12T07:59:00Z'), 'holds');
    assert.equal(await kind(night, '2026-01-12T12:00:00Z'), 'fails');
    assert.equal(await kind(cond({ type: 'HOURS' }), '2026-01-12T12:00:00Z'), 'bad');
  });

  test('WEEKDAY: names, digits (0 and 7 Sunday), ranges that wrap', async () => {
    const weekend = cond({ type: 'WEEKDAY', params: ['sat,sun'] });
    assert.equal(await kind(weekend, '2026-01-17T12:00:00Z'), 'holds');
    assert.equal(await kind(weekend, '2026-01-12T12:00:00Z'), 'fails');
    assert.equal(await kind(cond({ type: 'WEEKDAY', params: ['fri-mon'] }), '2026-01-11T12:00:00Z'), 'holds');
    assert.equal(await kind(cond({ type: 'WEEKDAY', params: ['7'] }), '2026-01-11T12:00:00Z'), 'holds');
    assert.equal(await kind(cond({ type: 'WEEKDAY', params: ['1-5'] }), '2026-01-11T12:00:00Z'), 'fails');
    // Late Sunday in UTC is already Monday in Rome.
    assert.equal(await kind(cond({ type: 'WEEKDAY', timeZone: 'Europe/Rome', params: ['mon'] }), '2026-01-11T23:30:00Z'), 'holds');
    assert.equal(await kind(cond({ type: 'WEEKDAY', params: ['someday'] }), '2026-01-11T12:00:00Z'), 'bad');
  });

  test('DAYOFMONTH: lists, ranges and the last day of any month', async () => {
    const billing = cond({ type: 'DAYOFMONTH', params: ['1,15,last'] });
    assert.equal(await kind(billing, '2026-01-15T12:00:00Z'), 'holds');
    assert.equal(await kind(billing, '2026-02-28T12:00:00Z'), 'holds');
    assert.equal(await kind(billing, '2028-02-28T12:00:00Z'), 'fails');
    assert.equal(await kind(billing, '2028-02-29T12:00:00Z'), 'holds');
    assert.equal(await kind(cond({ type: 'DAYOFMONTH', params: ['10-12'] }), '2026-01-12T12:00:00Z'), 'holds');
    assert.equal(await kind(cond({ type: 'DAYOFMONTH', params: ['32'] }), '2026-01-12T12:00:00Z'), 'bad');
  });
});
