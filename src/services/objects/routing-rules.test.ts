// A route's dl_regex is checked on write with the linear-time engine (RE2): what RE2 cannot run is refused
// as invalid_parameter naming dl_regex, on create and on update; MiRTA's usual dial rules pass.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isPbxError } from '../../shared/index.ts';
import type { WriteContext } from './object-rules.ts';
import { ROUTING_RULES } from './routing-rules.ts';

const ctx: WriteContext = { tenant: undefined, now: '2026-05-01 12:00:00', count: async () => 0, countEverywhere: async () => 0 };
const route = ROUTING_RULES.route;

async function refusal(write: () => unknown): Promise<string> {
  try {
    await write();
  } catch (error) {
    assert.ok(isPbxError(error) && error.code === 'invalid_parameter', String(error));
    return error.message;
  }
  assert.fail('the write was accepted');
}

describe('route rules: dl_regex', () => {
  test("MiRTA's dial rules are accepted as they are", async () => {
    for (const dl_regex of ['^00[1-9]\\d+$', '^(39|41)\\d{6,}$', '^3', '^800.*', '^(\\d+)+$']) {
      assert.deepEqual(await route?.beforeCreate?.(ctx, { dl_regex }), { dl_regex });
    }
  });

  test('a backreference, lookaround, bad syntax or an exploding repetition is refused naming dl_regex', async () => {
    const cases: Array<[string, string]> = [
      ['(a)\\1', 'backreferences such as \\1 are not supported (patterns use RE2 syntax)'],
      ['^(?<=0)1', 'lookahead and lookbehind assertions such as (?= are not supported (patterns use RE2 syntax)'],
      ['^(800', 'not a valid regular expression (missing closing ): ^(800)'],
      ['(abc|def|ghi|jkl|mno){999}', 'too complex: its repetitions expand to more than 20000 instructions'],
    ];
    for (const [dl_regex, why] of cases) {
      assert.equal(await refusal(() => route?.beforeCreate?.(ctx, { dl_regex })), `Invalid dl_regex for route: ${why}`);
      assert.equal(await refusal(() => route?.beforeUpdate?.(ctx, { dl_regex: '^1' }, { dl_regex })), `Invalid dl_regex for route: ${why}`);
    }
  });
});
