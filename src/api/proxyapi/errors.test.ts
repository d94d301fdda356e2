// Error codes to HTTP status, and MiRTA's one answer to every key problem.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PbxError } from '../../shared/index.ts';
import { BAD_KEY_TEXT, publicError, statusOf } from './errors.ts';

describe('errors', () => {
  test("MiRTA's bad key text, 45 characters (46 bytes with the newline)", () => {
    assert.equal(BAD_KEY_TEXT, 'Too bad... you mistaken the security api key.');
    assert.equal(Buffer.byteLength(`${BAD_KEY_TEXT}\n`), 46);
  });

  test('a bad key hides its reason', () => {
    for (const reason of ['Unknown API key', 'Unknown tenant NOPE', 'Tenant ACME is disabled']) {
      const shown = publicError(new PbxError('bad_key', reason));
      assert.equal(shown.code, 'bad_key');
      assert.equal(shown.message, BAD_KEY_TEXT);
    }
  });

  test('other errors are shown as they are', () => {
    const error = new PbxError('not_found', 'Tenant 9 not found');
    assert.equal(publicError(error), error);
  });

  test('HTTP 200 for everything but throttling (429) and internal errors (500)', () => {
    assert.equal(statusOf('too_many_auth_failures'), 429);
    assert.equal(statusOf('internal'), 500);
    for (const code of ['bad_key', 'read_only_key', 'admin_required', 'missing_parameter', 'invalid_parameter', 'not_found', 'conflict', 'auth_failed', 'not_implemented', 'unsupported_format'] as const) {
      assert.equal(statusOf(code), 200, code);
    }
  });
});
