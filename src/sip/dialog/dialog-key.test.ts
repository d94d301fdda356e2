// Dialog keys and Call-IDs (RFC 3261 §12, §8.1.1.4).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dialogKey, newCallId } from './dialog-key.ts';

test('keys of different IDs differ even when the parts could be re-split', () => {
  assert.notEqual(dialogKey('a', 'bc', 'd'), dialogKey('a', 'b', 'cd'));
  assert.notEqual(dialogKey('c1', 'x', 'y'), dialogKey('c1', 'y', 'x'));
  assert.equal(dialogKey('c1', 'x', 'y'), dialogKey('c1', 'x', 'y'));
});

test('Call-IDs are 128 random bits in hex, and unique', () => {
  const ids = new Set(Array.from({ length: 100 }, () => newCallId()));
  assert.equal(ids.size, 100);
  for (const id of ids) assert.match(id, /^[0-9a-f]{32}$/);
});
