// ALL / ANY / NEGATE over other conditions: short-circuits, a cycle refused, depth and fan-out bounded, a missing or
// not-built condition propagated rather than read as false.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateCondition, MAX_CONDITION_DEPTH, MAX_CONDITIONS_EVALUATED } from '../condition-eval.ts';
import { cond, context } from '../condition.test-support.ts';

// Monday 12 January 2026, 10:00 UTC.
const AT = '2026-01-12T10:00:00Z';
const monday = cond({ id: 10, type: 'WEEKDAY', params: ['mon'] });
const sunday = cond({ id: 11, type: 'WEEKDAY', params: ['sun'] });
const morning = cond({ id: 12, type: 'HOURS', params: ['8:00', '12:00'] });
const badHours = cond({ id: 13, type: 'HOURS', params: ['8', '12'] });
const amd = cond({ id: 14, type: 'AMD' });
const pool = [monday, sunday, morning, badHours, amd];

async function run(type: string, ids: number[], more = pool) {
  return evaluateCondition(cond({ id: 1, type, params: ids.map(String) }), context({ at: AT, conditions: more }));
}

describe('ALL, ANY, NEGATE', () => {
  test('ALL holds when every named condition does; ANY when one does; NEGATE turns it round', async () => {
    assert.equal((await run('ALL', [10, 12])).kind, 'holds');
    assert.equal((await run('ALL', [10, 11])).kind, 'fails');
    assert.equal((await run('ANY', [11, 12])).kind, 'holds');
    assert.equal((await run('ANY', [11])).kind, 'fails');
    assert.equal((await run('NEGATE', [11])).kind, 'holds');
    assert.equal((await run('NEGATE', [10])).kind, 'fails');
  });

  test('a named condition that is bad or not built decides unless an earlier one already did', async () => {
    assert.equal((await run('ALL', [10, 13])).kind, 'bad');
    assert.deepEqual(await run('NEGATE', [14]), { kind: 'not-built', type: 'AMD' });
    // NEGATE of an unreadable schedule is not "open": it stays bad, and the problem names the condition.
    const negated = await run('NEGATE', [13]);
    assert.equal(negated.kind, 'bad');
    assert.match(negated.kind === 'bad' ? negated.problem : '', /^condition 13: /);
    assert.equal((await run('ALL', [11, 13])).kind, 'fails');
    assert.equal((await run('ANY', [10, 13])).kind, 'holds');
    assert.equal((await run('ANY', [99])).kind, 'bad');
    assert.equal((await run('ALL', [])).kind, 'bad');
    assert.equal((await evaluateCondition(cond({ type: 'ALL', params: ['10', 'x'] }), context({ conditions: pool }))).kind, 'bad');
  });

  test('a cycle is refused, never followed: 1 -> 2 -> 1, and a condition naming itself', async () => {
    const one = cond({ id: 1, type: 'ALL', params: ['10', '2'] });
    const two = cond({ id: 2, type: 'NEGATE', params: ['1'] });
    const ctx = context({ at: AT, conditions: [one, two, monday] });
    const answer = await evaluateCondition(one, ctx);
    assert.equal(answer.kind, 'bad');
    assert.match(answer.kind === 'bad' ? answer.problem : '', /1 -> 2 -> 1/);
    assert.ok(ctx.reads.n <= 3);
    const self = cond({ id: 5, type: 'ANY', params: ['5'] });
    assert.equal((await evaluateCondition(self, context({ conditions: [self] }))).kind, 'bad');
    // The same condition reached twice without a cycle (a diamond) is fine.
    const left = cond({ id: 20, type: 'ALL', params: ['10'] });
    const right = cond({ id: 21, type: 'NEGATE', params: ['11'] });
    assert.equal((await evaluateCondition(cond({ id: 22, type: 'ALL', params: ['20', '21'] }), context({ at: AT, conditions: [left, right, monday, sunday] }))).kind, 'holds');
  });

  test('depth and the number of conditions read per call are bounded', async () => {
    // A chain of NEGATEs deeper than allowed, ending on Monday.
    const chain = Array.from({ length: MAX_CONDITION_DEPTH + 1 }, (_, i) => cond({ id: 100 + i, type: 'NEGATE', params: [String(101 + i)] }));
    const last = cond({ id: 100 + MAX_CONDITION_DEPTH + 1, type: 'WEEKDAY', params: ['mon'] });
    const deep = await evaluateCondition(chain[0] ?? last, context({ at: AT, conditions: [...chain, last] }));
    assert.equal(deep.kind, 'bad');
    assert.match(deep.kind === 'bad' ? deep.problem : '', /nest deeper/);
    // At the bound itself it evaluates: seven NEGATEs over Monday is eight conditions deep (odd: not Monday).
    const within = chain.slice(MAX_CONDITION_DEPTH - 7);
    const bottom = cond({ id: within[within.length - 1]?.id ?? 0, type: 'WEEKDAY', params: ['mon'] });
    const allowed = await evaluateCondition(within[0] ?? bottom, context({ at: AT, conditions: [...within.slice(0, -1), bottom] }));
    assert.equal(allowed.kind, 'fails');
    // ANY of 20 ALLs of 20 conditions that all hold except the last: 400 reads unless capped.
    const leaves = Array.from({ length: 20 }, (_, i) => cond({ id: 300 + i, type: 'WEEKDAY', params: [i === 19 ? 'sun' : 'mon'] }));
    const alls = Array.from({ length: 20 }, (_, i) => cond({ id: 200 + i, type: 'ALL', params: leaves.map((l) => String(l.id)) }));
    const ctx = context({ at: AT, conditions: [...leaves, ...alls] });
    const wide = await evaluateCondition(cond({ id: 1, type: 'ANY', params: alls.map((a) => String(a.id)) }), ctx);
    assert.equal(wide.kind, 'bad');
    assert.ok(ctx.reads.n <= MAX_CONDITIONS_EVALUATED, `read ${ctx.reads.n}`);
  });
});

describe('GLOBAL', () => {
  const globalOffice = cond({ id: 10, type: 'HOURS', params: ['9:00', '17:00'] });
  const globalAll = cond({ id: 11, type: 'ALL', params: ['10', '12'] });
  const tenantTwelve = cond({ id: 12, type: 'WEEKDAY', params: ['sun'] });
  const globalTwelve = cond({ id: 12, type: 'WEEKDAY', params: ['mon'] });
  const use = (id: number) => cond({ id: 1, type: 'GLOBAL', params: [String(id)] });

  test("a global condition evaluated as the tenant's: the tenant's time zone applies", async () => {
    // Monday 08:30 UTC: 09:30 in Rome (open), 08:30 in UTC (closed).
    const at = '2026-01-12T08:30:00Z';
    assert.equal((await evaluateCondition(use(10), context({ at, tenantZone: 'Europe/Rome', globals: [globalOffice] }))).kind, 'holds');
    assert.equal((await evaluateCondition(use(10), context({ at, globals: [globalOffice] }))).kind, 'fails');
  });

  test("ids a global condition names are global ones, never the tenant's with the same id", async () => {
    const ctx = context({ at: AT, tenantZone: 'Europe/Rome', conditions: [tenantTwelve], globals: [globalOffice, globalAll, globalTwelve] });
    assert.equal((await evaluateCondition(use(11), ctx)).kind, 'holds');
    // The tenant's own 12 (sunday) would make it fail; the tenant's 10 does not exist among its conditions.
    assert.equal((await evaluateCondition(cond({ id: 1, type: 'ALL', params: ['10'] }), ctx)).kind, 'bad');
  });

  test("a missing global condition is bad; a tenant's condition id is not a global one", async () => {
    const ctx = context({ conditions: [monday], globals: [globalOffice] });
    const missing = await evaluateCondition(use(99), ctx);
    assert.match(missing.kind === 'bad' ? missing.problem : '', /global 99/);
    assert.equal((await evaluateCondition(use(monday.id), context({ conditions: [monday], globals: [] }))).kind, 'bad');
    assert.equal((await evaluateCondition(cond({ id: 1, type: 'GLOBAL', params: ['x'] }), ctx)).kind, 'bad');
    assert.equal((await evaluateCondition(cond({ id: 1, type: 'GLOBAL' }), ctx)).kind, 'bad');
  });

  test('cycles among global conditions are refused and depth is bounded as for ALL / ANY', async () => {
    const loopA = cond({ id: 30, type: 'GLOBAL', params: ['31'] });
    const loopB = cond({ id: 31, type: 'NEGATE', params: ['30'] });
    const ctx = context({ globals: [loopA, loopB] });
    const answer = await evaluateCondition(use(30), ctx);
    assert.match(answer.kind === 'bad' ? answer.problem : '', /global 30 -> global 31 -> global 30/);
    assert.ok(ctx.reads.n <= 3);
    const chain = Array.from({ length: MAX_CONDITION_DEPTH + 1 }, (_, i) => cond({ id: 400 + i, type: 'GLOBAL', params: [String(401 + i)] }));
    const deep = await evaluateCondition(use(400), context({ at: AT, globals: [...chain, cond({ id: 400 + MAX_CONDITION_DEPTH + 1, type: 'WEEKDAY', params: ['mon'] })] }));
    assert.match(deep.kind === 'bad' ? deep.problem : '', /nest deeper/);
  });

  test('without global conditions stored (no port), GLOBAL is not built', async () => {
    assert.deepEqual(await evaluateCondition(use(10), context()), { kind: 'not-built', type: 'GLOBAL' });
  });
});
