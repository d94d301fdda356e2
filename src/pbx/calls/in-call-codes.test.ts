// The in-call codes' key matcher: per side, a `*` opens a code, the next key completes it within the key gap.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from '../../shared/index.ts';
import type { CallSide } from './call-dtmf.ts';
import { InCallCodes, KEY_GAP_MS } from './in-call-codes.ts';

function matcher(): { codes: InCallCodes; clock: FakeClock; acted: Array<[CallSide, string]> } {
  const clock = new FakeClock();
  const acted: Array<[CallSide, string]> = [];
  return { codes: new InCallCodes(clock, (side, action) => acted.push([side, action])), clock, acted };
}

test('*1 on either side is the recording toggle, once per keying', () => {
  const { codes, acted } = matcher();
  for (const digit of '*1') codes.heard('a', digit);
  for (const digit of '*1') codes.heard('b', digit);
  codes.heard('a', '1');
  assert.deepEqual(acted, [['a', 'record-toggle'], ['b', 'record-toggle']]);
});

test('keys of other codes, and a code split between the two sides, do nothing', () => {
  const { codes, acted } = matcher();
  for (const digit of '1234#*2*9') codes.heard('a', digit);
  codes.heard('a', '*');
  codes.heard('b', '1');
  assert.deepEqual(acted, []);
});

test('a * typed twice still opens the code; a key after the gap does not complete it', () => {
  const { codes, clock, acted } = matcher();
  for (const digit of '**1') codes.heard('a', digit);
  assert.deepEqual(acted, [['a', 'record-toggle']]);
  codes.heard('b', '*');
  clock.advance(KEY_GAP_MS + 1);
  codes.heard('b', '1');
  assert.equal(acted.length, 1);
  codes.close();
});
