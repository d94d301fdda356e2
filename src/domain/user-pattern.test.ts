// User patterns run on RE2: MiRTA-style dial rules match as before, catastrophic backtracking cannot happen,
// and what RE2 cannot run (backreferences, lookaround, over-long or exploding patterns) is refused with why.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RE2JS } from 're2js';
import { compileUserPattern, USER_PATTERN_MAX_PROGRAM, type UserPattern } from './user-pattern.ts';
import { estimateProgramSize } from './user-pattern-size.ts';

function compiled(pattern: string): UserPattern {
  const result = compileUserPattern(pattern);
  assert.ok(result.ok, `${pattern}: ${result.ok ? '' : result.error}`);
  return result.value;
}

function refusal(pattern: string, limits = {}): string {
  const result = compileUserPattern(pattern, limits);
  assert.ok(!result.ok, `${pattern} compiled`);
  return result.error;
}

describe('compileUserPattern', () => {
  test('the patterns MiRTA users write: \\d, classes, anchors, alternation, counted repetition', () => {
    const cases: Array<[string, string, boolean]> = [
      ['^00[1-9]\\d+$', '0041441234567', true],
      ['^00[1-9]\\d+$', '0001234', false],
      ['^(39|41)\\d{6,}$', '41123456', true],
      ['^(39|41)\\d{6,}$', '4112345', false],
      ['^(39|41)\\d{6,}$', '44123456', false],
      ['^3', '3471234567', true],
      ['^800.*', '800123', true],
      ['0[1-9]', 'x0212', true],
      ['^\\+?\\d{2,4}$', '+123', true],
      ['^[^9]', '912', false],
      ['^(?:112|113|118)$', '118', true],
      ['^a$', 'a\n', false],
      ['', '123', true],
    ];
    for (const [pattern, text, expected] of cases) assert.equal(compiled(pattern).test(text), expected, `${pattern} on ${JSON.stringify(text)}`);
  });

  test('^(\\d+)+$ answers 40 digits and a letter at once: matching is linear, not backtracking', () => {
    // With JavaScript's RegExp this input takes minutes (2^40 ways to split the digits): the test would hang.
    const pattern = compiled('^(\\d+)+$');
    assert.equal(pattern.test(`${'1'.repeat(40)}x`), false);
    assert.equal(pattern.test('1'.repeat(40)), true);
    assert.equal(compiled('^(a|aa)+$').test(`${'a'.repeat(200)}b`), false);
  });

  test('text longer than the input bound matches nothing', () => {
    const result = compileUserPattern('^\\d+$', { maxInputLength: 32 });
    assert.ok(result.ok);
    assert.equal(result.value.test('1'.repeat(32)), true);
    assert.equal(result.value.test('1'.repeat(33)), false);
  });

  test('backreferences and lookaround are refused, saying RE2 does not support them', () => {
    assert.equal(refusal('(a)\\1'), 'backreferences such as \\1 are not supported (patterns use RE2 syntax)');
    assert.equal(refusal('(?<n>a)\\k<n>'), 'backreferences such as \\1 are not supported (patterns use RE2 syntax)');
    for (const lookaround of ['(?=1)\\d', '(?!1)\\d', '(?<=1)\\d', '(?<!1)\\d']) {
      assert.equal(refusal(lookaround), 'lookahead and lookbehind assertions such as (?= are not supported (patterns use RE2 syntax)', lookaround);
    }
    assert.equal(refusal('(?>a+)b'), 'atomic groups (?> are not supported (patterns use RE2 syntax)');
  });

  test('bad syntax says what is wrong', () => {
    assert.equal(refusal('^(800'), 'not a valid regular expression (missing closing ): ^(800)');
    assert.equal(refusal('[0-'), 'not a valid regular expression (missing closing ]: [0-)');
    assert.match(refusal('\\d{1001}'), /^not a valid regular expression \(invalid repeat count/);
  });

  test('an over-long pattern is refused before it is compiled', () => {
    assert.equal(refusal('1'.repeat(1025)), 'too long: at most 1024 characters');
    assert.equal(refusal('^\\d+$', { maxLength: 4 }), 'too long: at most 4 characters');
    assert.ok(compileUserPattern('1'.repeat(1024)).ok);
  });

  test('a pattern whose repetitions expand too far is refused before RE2 expands it', () => {
    // 1,000 characters that RE2 would compile to half a million instructions (a second of blocked event loop).
    assert.equal(refusal('(.*a){999}'.repeat(100)), `too complex: its repetitions expand to more than ${USER_PATTERN_MAX_PROGRAM} instructions`);
    assert.match(refusal('(abc|def|ghi|jkl|mno){999}'), /^too complex/);
    assert.ok(compileUserPattern('^\\d{1000}$').ok);
  });
});

describe('estimateProgramSize', () => {
  test('is never below the size RE2 really compiles to', () => {
    const patterns = [
      '^00[1-9]\\d+$', '^(39|41)\\d{6,}$', '(a|b|c){10}', '((ab){3}|c){5,9}', 'a{0}', 'x{2,}y?', '(?i)abc(?:d|e)*',
      '[\\]a-z]{4}', '\\pL{3}\\p{Greek}+', '\\Qa.b\\E{3}', '(?P<n>1|22|333){7,12}?', '[[:digit:]x]{9}', 'a{', '^$|^1{3}$', '', 'a*', '(a)', '(.*a){999}', '(abc|def|ghi|jkl|mno){999}',
    ];
    for (const pattern of patterns) {
      const real = RE2JS.compile(pattern).programSize();
      assert.ok(estimateProgramSize(pattern) >= real, `${pattern}: estimate ${estimateProgramSize(pattern)} < ${real}`);
    }
  });
});
