import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { withPositions } from './positional-row.ts';

describe('withPositions', () => {
  test('each value under its MiRTA position and its name, interleaved as PHP writes them', () => {
    const { json, jsonText } = withPositions([{ b: '2', a: '1', extra: null }], ['a', 'missing', 'b']);
    assert.equal(jsonText, '[{"0":"1","a":"1","2":"2","b":"2","extra":null}]');
    assert.deepEqual(JSON.parse(jsonText), json);
  });

  test('no rows is an empty list', () => {
    assert.equal(withPositions([], ['a']).jsonText, '[]');
  });
});
