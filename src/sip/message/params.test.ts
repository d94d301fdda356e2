import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseParams, serializeParams } from './index.ts';

test('parseParams: names lower-cased, bare names, quoted values with escapes, LWS around = and ;', () => {
  assert.deepEqual([...(parseParams(';Branch=z9hG4bK1;rport; received = 192.0.2.1 ;x="a;b \\"c\\""') ?? [])], [
    ['branch', 'z9hG4bK1'], ['rport', null], ['received', '192.0.2.1'], ['x', 'a;b "c"'],
  ]);
  assert.deepEqual([...(parseParams('tag=1') ?? [])], [['tag', '1']]);
  assert.equal(parseParams('')?.size, 0);
  assert.equal(parseParams(';a=1;')?.size, 1, 'a trailing ; is tolerated');
});

test('parseParams refuses empty names, empty values, unterminated quotes and junk', () => {
  for (const text of [';;', ';=1', ';a=', ';a="x', ';a="x\\"', ';a=1 b', ';a b', ';a="x"y', ';"a"=1']) assert.equal(parseParams(text), undefined, text);
});

test('serializeParams quotes anything that is not a token or host', () => {
  const params = new Map<string, string | null>([['lr', null], ['tag', 'abc'], ['maddr', '[2001:db8::1]'], ['x', 'a;b "c"'], ['utf', 'работающий'], ['e', '']]);
  assert.equal(serializeParams(params), ';lr;tag=abc;maddr=[2001:db8::1];x="a;b \\"c\\"";utf="работающий";e=""');
  assert.deepEqual(parseParams(serializeParams(params)), params);
});
