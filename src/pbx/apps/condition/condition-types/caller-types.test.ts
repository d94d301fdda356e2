// Caller conditions: numbers compared whole, patterns on RE2 (a catastrophic-backtracking pattern stays linear),
// several values (any), names, and patterns that cannot run safely making the condition bad.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateCondition } from '../condition-eval.ts';
import { cond, context } from '../condition.test-support.ts';
import type { StoredCondition } from '../stored-condition.ts';

async function kind(condition: StoredCondition, number: string, name = ''): Promise<string> {
  return (await evaluateCondition(condition, context({ caller: { number, name } }))).kind;
}

describe('CALLERID', () => {
  test('a number is compared whole; a pattern finds itself unless anchored', async () => {
    const boss = cond({ type: 'CALLERID', params: ['+390612345678'] });
    assert.equal(await kind(boss, '+390612345678'), 'holds');
    assert.equal(await kind(boss, '+3906123456789'), 'fails');
    assert.equal(await kind(boss, '0612345678'), 'fails');
    const italy = cond({ type: 'CALLERID', params: ['^(\\+39|0039)'] });
    assert.equal(await kind(italy, '+390612345678'), 'holds');
    assert.equal(await kind(italy, '00390612345678'), 'holds');
    assert.equal(await kind(italy, '+4930123'), 'fails');
    assert.equal(await kind(cond({ type: 'CALLERID', params: ['555'] }), '15551234'), 'fails');
    assert.equal(await kind(cond({ type: 'CALLERID', params: ['555\\d*'] }), '15551234'), 'holds');
  });

  test('several values (co_param1 and one per extended info): any', async () => {
    const staff = cond({ type: 'CALLERID', params: ['101'], infos: [['102'], ['^2\\d\\d$']] });
    for (const number of ['101', '102', '250']) assert.equal(await kind(staff, number), 'holds', number);
    for (const number of ['103', '2500', '']) assert.equal(await kind(staff, number), 'fails', number);
  });

  test('a catastrophic pattern runs in linear time on RE2', async () => {
    const evil = cond({ type: 'CALLERID', params: ['^(\\d+)+$'], infos: [['^(a|aa)+$'], ['^(\\d*)*x$']] });
    const started = performance.now();
    assert.equal(await kind(evil, `${'1'.repeat(250)}a`), 'fails');
    assert.equal(await kind(evil, `${'a'.repeat(250)}b`), 'fails');
    // Backtracking RegExp takes seconds to centuries on these; RE2 a few milliseconds.
    assert.ok(performance.now() - started < 500, `took ${performance.now() - started} ms`);
    assert.equal(await kind(evil, '1'.repeat(250)), 'holds');
  });

  test('a pattern RE2 refuses (lookahead, backreference, bad syntax) makes the whole condition bad', async () => {
    for (const pattern of ['^(?=1)', '(1)\\1', '[12', '(']) {
      const answer = await evaluateCondition(cond({ type: 'CALLERID', params: ['101'], infos: [[pattern]] }), context({ caller: { number: '101', name: '' } }));
      assert.equal(answer.kind, 'bad', pattern);
    }
    assert.equal(await kind(cond({ type: 'CALLERID' }), '101'), 'bad');
  });
});

describe('CALLERIDNAME', () => {
  test('patterns on the caller name; a plain word finds itself anywhere', async () => {
    const reception = cond({ type: 'CALLERIDNAME', params: ['^Reception$'] });
    assert.equal(await kind(reception, '100', 'Reception'), 'holds');
    assert.equal(await kind(reception, '100', 'Reception 2'), 'fails');
    assert.equal(await kind(cond({ type: 'CALLERIDNAME', params: ['(?i)rossi'] }), '100', 'Mario ROSSI'), 'holds');
    assert.equal(await kind(cond({ type: 'CALLERIDNAME', params: ['101'] }), '101', 'Alice'), 'fails');
  });
});
