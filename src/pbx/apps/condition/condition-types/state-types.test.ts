// Conditions on the tenant's state: a flow's lamp, variables (exact, pattern, one branch per value) and an
// extension's live status through the optional port (not built without it).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateCondition } from '../condition-eval.ts';
import { cond, context } from '../condition.test-support.ts';

const flows = { '*30': { state: 'INUSE', value: 'night' }, '*31': { state: 'NOT_INUSE', value: 'day' } } as const;

describe('FLOWSTATE', () => {
  test('the flow numbered co_param1 shows one of the co_param2 states (INUSE when none given)', async () => {
    const ctx = context({ flows });
    assert.equal((await evaluateCondition(cond({ type: 'FLOWSTATE', params: ['*30'] }), ctx)).kind, 'holds');
    assert.equal((await evaluateCondition(cond({ type: 'FLOWSTATE', params: ['*31'] }), ctx)).kind, 'fails');
    assert.equal((await evaluateCondition(cond({ type: 'FLOWSTATE', params: ['*31', 'not_inuse, unavailable'] }), ctx)).kind, 'holds');
    assert.equal((await evaluateCondition(cond({ type: 'FLOWSTATE', params: ['*31', 'OPEN'] }), ctx)).kind, 'bad');
    assert.equal((await evaluateCondition(cond({ type: 'FLOWSTATE', params: ['*39'] }), ctx)).kind, 'bad');
    assert.equal((await evaluateCondition(cond({ type: 'FLOWSTATE' }), ctx)).kind, 'bad');
  });
});

describe('VARIABLE and MULTIVARIABLE', () => {
  const variables = { '7': 'holiday', DAYNIGHT: 'night' };

  test('VARIABLE: equal to co_param2, or with co_param3 regex a pattern; unset variables are empty', async () => {
    const ctx = context({ variables });
    assert.equal((await evaluateCondition(cond({ type: 'VARIABLE', params: ['7', 'holiday'] }), ctx)).kind, 'holds');
    assert.equal((await evaluateCondition(cond({ type: 'VARIABLE', params: ['DAYNIGHT', 'day'] }), ctx)).kind, 'fails');
    assert.equal((await evaluateCondition(cond({ type: 'VARIABLE', params: ['DAYNIGHT', '^ni', 'regex'] }), ctx)).kind, 'holds');
    assert.equal((await evaluateCondition(cond({ type: 'VARIABLE', params: ['UNSET', ''] }), ctx)).kind, 'holds');
    assert.equal((await evaluateCondition(cond({ type: 'VARIABLE', params: ['DAYNIGHT', '(?=n)', 'regex'] }), ctx)).kind, 'bad');
    assert.equal((await evaluateCondition(cond({ type: 'VARIABLE', params: ['DAYNIGHT', 'night', 'glob'] }), ctx)).kind, 'bad');
  });

  test('MULTIVARIABLE: co_param2..21 are CONDITION1..20 by position; no match is NOTCONDITION', async () => {
    const ctx = context({ variables });
    const modes = cond({ type: 'MULTIVARIABLE', params: ['DAYNIGHT', 'day', '', 'night', 'holiday'] });
    assert.deepEqual(await evaluateCondition(modes, ctx), { kind: 'holds', branch: 3 });
    assert.deepEqual(await evaluateCondition(cond({ type: 'MULTIVARIABLE', params: ['7', 'day', '', 'night', 'holiday'] }), ctx), { kind: 'holds', branch: 4 });
    const twenty = cond({ type: 'MULTIVARIABLE', params: ['7', ...Array.from({ length: 19 }, (_, i) => `v${i}`), 'holiday'] });
    assert.deepEqual(await evaluateCondition(twenty, ctx), { kind: 'holds', branch: 20 });
    assert.equal((await evaluateCondition(cond({ type: 'MULTIVARIABLE', params: ['7', 'a', 'b'] }), ctx)).kind, 'fails');
    assert.equal((await evaluateCondition(cond({ type: 'MULTIVARIABLE', params: ['7'] }), ctx)).kind, 'bad');
  });
});

describe('EXTENSIONSTATUS', () => {
  test('without the live-state port it is not built; with it, states and REGISTERED/UNREGISTERED', async () => {
    const busy = cond({ type: 'EXTENSIONSTATUS', params: ['101', 'INUSE,RINGING'] });
    assert.deepEqual(await evaluateCondition(busy, context()), { kind: 'not-built', type: 'EXTENSIONSTATUS' });
    const ctx = context({ extensions: { '101': 'INUSE', '102': 'NOT_INUSE', '103': 'UNAVAILABLE' } });
    assert.equal((await evaluateCondition(busy, ctx)).kind, 'holds');
    assert.equal((await evaluateCondition(cond({ type: 'EXTENSIONSTATUS', params: ['102', 'registered'] }), ctx)).kind, 'holds');
    assert.equal((await evaluateCondition(cond({ type: 'EXTENSIONSTATUS', params: ['103', 'registered'] }), ctx)).kind, 'fails');
    assert.equal((await evaluateCondition(cond({ type: 'EXTENSIONSTATUS', params: ['103', 'unregistered'] }), ctx)).kind, 'holds');
    assert.equal((await evaluateCondition(cond({ type: 'EXTENSIONSTATUS', params: ['104', 'INUSE'] }), ctx)).kind, 'bad');
    assert.equal((await evaluateCondition(cond({ type: 'EXTENSIONSTATUS', params: ['101'] }), ctx)).kind, 'bad');
  });
});

describe('MULTIEXTENSIONSTATUS', () => {
  const extensions = { '101': 'INUSE', '102': 'RINGING', '103': 'NOT_INUSE', '104': 'UNAVAILABLE' };
  const multi = (...params: string[]) => cond({ type: 'MULTIEXTENSIONSTATUS', params });

  test('all (the default): every listed extension is in one of the states; any: at least one is', async () => {
    const ctx = context({ extensions });
    assert.equal((await evaluateCondition(multi('101,102', 'INUSE,RINGING'), ctx)).kind, 'holds');
    assert.equal((await evaluateCondition(multi('101, 102 ,103', 'INUSE,RINGING'), ctx)).kind, 'fails');
    assert.equal((await evaluateCondition(multi('101,102,103', 'INUSE,RINGING', 'ALL'), ctx)).kind, 'fails');
    assert.equal((await evaluateCondition(multi('103,104,101', 'INUSE', 'any'), ctx)).kind, 'holds');
    assert.equal((await evaluateCondition(multi('103,104', 'INUSE', 'any'), ctx)).kind, 'fails');
    assert.equal((await evaluateCondition(multi('103,104', 'unregistered,idle'), ctx)).kind, 'holds');
  });

  test('bad lists, states, modes and unknown extensions name the parameter; not built without the live-state port', async () => {
    const ctx = context({ extensions });
    for (const [params, problem] of [
      [['', 'INUSE'], /co_param1/],
      [['101,105', 'INUSE'], /105/],
      [['101'], /co_param2/],
      [['101', 'OPEN'], /co_param2/],
      [['101', 'INUSE', 'most'], /co_param3/],
      [[Array.from({ length: 51 }, (_, i) => String(200 + i)).join(','), 'INUSE'], /co_param1 lists 51/],
    ] as const) {
      const answer = await evaluateCondition(multi(...params), ctx);
      assert.match(answer.kind === 'bad' ? answer.problem : `not bad: ${answer.kind}`, problem);
    }
    assert.deepEqual(await evaluateCondition(multi('101', 'INUSE'), context()), { kind: 'not-built', type: 'MULTIEXTENSIONSTATUS' });
  });
});
