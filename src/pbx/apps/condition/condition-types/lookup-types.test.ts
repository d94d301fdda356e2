// The caller looked up: in the tenant's phonebooks (a named one, or all of them, another tenant's never) and in the
// headers of its INVITE (name bounded to a token, RE2 pattern, over-long values never match); not built without ports.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateCondition } from '../condition-eval.ts';
import { cond, context } from '../condition.test-support.ts';
import { MAX_HEADER_NAME, MAX_HEADER_VALUE, MAX_PHONEBOOKS_SEARCHED } from './lookup-types.ts';

const caller = { number: '+390612345678', name: 'Mario Rossi' };

describe('PHONEBOOK', () => {
  const phonebooks = { 4: ['+4930123'], 5: ['+390612345678'] };

  test("a named phonebook of the tenant, or any of them when co_param1 is empty", async () => {
    const ctx = context({ caller, phonebooks });
    assert.equal((await evaluateCondition(cond({ type: 'PHONEBOOK', params: ['5'] }), ctx)).kind, 'holds');
    assert.equal((await evaluateCondition(cond({ type: 'PHONEBOOK', params: ['4'] }), ctx)).kind, 'fails');
    assert.equal((await evaluateCondition(cond({ type: 'PHONEBOOK' }), ctx)).kind, 'holds');
    assert.equal((await evaluateCondition(cond({ type: 'PHONEBOOK' }), context({ caller: { number: '+15550100', name: '' }, phonebooks }))).kind, 'fails');
    assert.equal((await evaluateCondition(cond({ type: 'PHONEBOOK' }), context({ caller, phonebooks: {} }))).kind, 'fails');
  });

  test("a phonebook that is not the tenant's is bad, never searched; a withheld caller is in none", async () => {
    let searched = 0;
    const ctx = context({ caller, phonebooks });
    const counting = { ...ctx, phonebooks: { ids: async () => [4, 5], listed: async () => (searched++, true) } };
    const foreign = await evaluateCondition(cond({ type: 'PHONEBOOK', params: ['9'] }), counting);
    assert.deepEqual(foreign, { kind: 'bad', problem: 'phonebook 9 (co_param1) does not exist' });
    assert.equal(searched, 0);
    assert.equal((await evaluateCondition(cond({ type: 'PHONEBOOK', params: ['x'] }), ctx)).kind, 'bad');
    assert.equal((await evaluateCondition(cond({ type: 'PHONEBOOK', params: ['5'] }), context({ caller: { number: ' ', name: '' }, phonebooks }))).kind, 'fails');
  });

  test('an empty co_param1 searches at most a bound of phonebooks, refusing rather than searching part', async () => {
    const many = Object.fromEntries(Array.from({ length: MAX_PHONEBOOKS_SEARCHED + 1 }, (_, i) => [i + 1, ['+390612345678']]));
    assert.equal((await evaluateCondition(cond({ type: 'PHONEBOOK' }), context({ caller, phonebooks: many }))).kind, 'bad');
    assert.equal((await evaluateCondition(cond({ type: 'PHONEBOOK', params: ['3'] }), context({ caller, phonebooks: many }))).kind, 'holds');
  });

  test('without the phonebook port it is not built', async () => {
    assert.deepEqual(await evaluateCondition(cond({ type: 'PHONEBOOK', params: ['5'] }), context({ caller })), { kind: 'not-built', type: 'PHONEBOOK' });
  });
});

describe('SIPHEADER', () => {
  const headers = { 'x-trunk': 'gold-7', 'user-agent': 'Yealink T46U', 'x-long': 'a'.repeat(MAX_HEADER_VALUE + 1) };

  test('the header is present and the RE2 pattern matches in its value; an empty pattern asks only for the header', async () => {
    const ctx = context({ headers });
    assert.equal((await evaluateCondition(cond({ type: 'SIPHEADER', params: ['X-Trunk', '^gold-\\d$'] }), ctx)).kind, 'holds');
    assert.equal((await evaluateCondition(cond({ type: 'SIPHEADER', params: ['x-trunk', '^silver'] }), ctx)).kind, 'fails');
    assert.equal((await evaluateCondition(cond({ type: 'SIPHEADER', params: ['User-Agent', 'Yealink'] }), ctx)).kind, 'holds');
    assert.equal((await evaluateCondition(cond({ type: 'SIPHEADER', params: ['X-Trunk'] }), ctx)).kind, 'holds');
    assert.equal((await evaluateCondition(cond({ type: 'SIPHEADER', params: ['X-Absent'] }), ctx)).kind, 'fails');
    assert.equal((await evaluateCondition(cond({ type: 'SIPHEADER', params: ['X-Absent', '.*'] }), ctx)).kind, 'fails');
  });

  test('bounded: a value longer than the bound never matches a pattern; names are tokens of at most 64', async () => {
    const ctx = context({ headers });
    assert.equal((await evaluateCondition(cond({ type: 'SIPHEADER', params: ['X-Long', 'a'] }), ctx)).kind, 'fails');
    assert.equal((await evaluateCondition(cond({ type: 'SIPHEADER', params: ['X-Long'] }), ctx)).kind, 'holds');
    assert.equal((await evaluateCondition(cond({ type: 'SIPHEADER', params: ['X'.repeat(MAX_HEADER_NAME), 'a'] }), ctx)).kind, 'fails');
    for (const name of ['X'.repeat(MAX_HEADER_NAME + 1), 'X Trunk', 'X-Trunk:', 'X\r\nY', '']) {
      const answer = await evaluateCondition(cond({ type: 'SIPHEADER', params: [name, 'a'] }), ctx);
      assert.equal(answer.kind, 'bad', JSON.stringify(name));
    }
    const lookahead = await evaluateCondition(cond({ type: 'SIPHEADER', params: ['X-Trunk', '(?=g)'] }), ctx);
    assert.match(lookahead.kind === 'bad' ? lookahead.problem : '', /^co_param2 /);
  });

  test('a call that cannot show its INVITE: not built', async () => {
    assert.deepEqual(await evaluateCondition(cond({ type: 'SIPHEADER', params: ['X-Trunk'] }), context()), { kind: 'not-built', type: 'SIPHEADER' });
  });
});
