// digestRefusalPhrase: a 400's reason phrase that says what was wrong, one printable line, bounded.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { digestRefusalPhrase } from './digest-refusal.ts';

test('the reason names the problem behind "Digest"', () => {
  assert.equal(digestRefusalPhrase('uri does not match'), 'Digest uri does not match');
  assert.equal(digestRefusalPhrase('nc is not 8 hex digits'), 'Digest nc is not 8 hex digits');
});

test('control characters never reach the status line, and a long reason is cut', () => {
  assert.equal(digestRefusalPhrase('duplicate parameter a\r\nVia: x'), 'Digest duplicate parameter a Via: x');
  assert.equal(digestRefusalPhrase('\u0000'), 'Digest credentials are malformed');
  const long = digestRefusalPhrase(`unsupported algorithm ${'x'.repeat(200)}`);
  assert.equal(long.length, 80);
  assert.ok(long.endsWith('...'));
});
