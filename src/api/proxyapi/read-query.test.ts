// The hand-written query reader must read exactly what URLSearchParams reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readQuery } from './params.ts';

const CASES = [
  'a=1&b=2',
  'key=abc&tenant=ACME&reqtype=INFO&info=config&format=json',
  'a=1&a=2',
  'a+b=c+d&e=%20f%2Bg',
  'empty=&novalue&=x&&',
  'utf=%E2%82%AC%C3%A9&bad=%E2%82&pct=%zz&trail=%',
  'jsondata=%7B%22te_code%22%3A%22ACME%22%7D',
  'x=1#frag=2',
  '',
  '&&&',
  'a=b=c',
];

test('readQuery reads what URLSearchParams reads', () => {
  for (const query of CASES) {
    const mine = new Map<string, string>();
    readQuery(`/p?${query}`, 3, mine);
    const reference = new Map<string, string>();
    for (const [name, value] of new URLSearchParams(query.split('#', 1)[0])) reference.set(name, value);
    assert.deepEqual([...mine], [...reference], query);
  }
});
