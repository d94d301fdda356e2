// CdrService's `%` tenant pattern (INFO cdrs `tenant=AC%`): matched piece by piece without a regex, so a
// pattern of many `%`s costs one scan, not a backtracking search.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { FakeClock } from '../shared/index.ts';
import { openStore, type Store } from '../store/index.ts';
import { CdrService, wildcardMatches } from './cdr-service.ts';

describe('wildcardMatches', () => {
  test('% is any run of characters, case is ignored, everything else is literal', () => {
    const cases: Array<[string, string, boolean]> = [
      ['%', 'ACME', true],
      ['%', '', true],
      ['ACME', 'acme', true],
      ['ACME', 'ACMEX', false],
      ['AC%', 'ACME', true],
      ['%ME', 'ACME', true],
      ['%CM%', 'ACME', true],
      ['A%E', 'AE', true],
      ['A%A', 'A', false],
      ['%X%', 'ACME', false],
      ['A%C%M%E', 'ACME', true],
      ['A%M%C%', 'ACME', false],
      ['.*', 'ACME', false],
      ['A.%', 'A.B', true],
      ['(A)%', 'ACME', false],
      ['', '', true],
      ['', 'A', false],
    ];
    for (const [pattern, text, expected] of cases) assert.equal(wildcardMatches(pattern, text), expected, `${pattern} on ${text}`);
  });

  test('many % against a long near miss answers at once (no backtracking)', () => {
    // As a RegExp of `.*a.*a...b`, this is a polynomial backtracking search over the text.
    assert.equal(wildcardMatches(`${'%a'.repeat(30)}%b`, 'a'.repeat(5000)), false);
    assert.equal(wildcardMatches(`${'%a'.repeat(30)}%b`, `${'a'.repeat(5000)}b`), true);
  });
});

describe('CdrService.tenantsMatching', () => {
  let store: Store;
  beforeEach(async () => {
    store = openStore('sqlite::memory:');
    await store.migrate();
    for (const code of ['ACME', 'ACMEBIS', 'GLOBEX']) await store.tenants.create({ te_code: code, te_name: code }, '2026-05-01 12:00:00');
  });
  afterEach(async () => {
    await store.close();
  });

  test('returns the tenants whose code matches', async () => {
    const cdrs = new CdrService(store, new FakeClock('2026-05-01T12:00:00Z'));
    const codes = async (pattern: string) => (await cdrs.tenantsMatching(pattern)).map((t) => t.te_code).sort();
    assert.deepEqual(await codes('acme%'), ['ACME', 'ACMEBIS']);
    assert.deepEqual(await codes('%X'), ['GLOBEX']);
    assert.deepEqual(await codes('ACME'), ['ACME']);
    assert.deepEqual(await codes('A.ME'), []);
  });
});
