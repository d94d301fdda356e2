// Secret material: scrypt password hashes, constant-time digest comparison, key shape.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { digestsEqual, hashPassword, newApiKey, newToken, sha256Hex, verifyPassword } from './secrets.ts';

describe('hashPassword / verifyPassword', () => {
  test('a hash keeps its scrypt parameters and a salt, and verifies only the right password', async () => {
    const stored = await hashPassword('correct horse');
    const parts = stored.split('$');
    assert.equal(parts.length, 6);
    assert.deepEqual(parts.slice(0, 4), ['scrypt', '32768', '8', '1']);
    assert.equal(Buffer.from(parts[4] ?? '', 'base64').length, 16, '16-byte salt');
    assert.equal(Buffer.from(parts[5] ?? '', 'base64').length, 32, '32-byte hash');
    assert.ok(!stored.includes('correct horse'));
    assert.equal(await verifyPassword('correct horse', stored), true);
    assert.equal(await verifyPassword('correct horsE', stored), false);
    assert.equal(await verifyPassword('correct horse ', stored), false);
    assert.equal(await verifyPassword('', stored), false);
  });

  test('the same password hashes differently each time (random salt), and both verify', async () => {
    const first = await hashPassword('secret');
    const second = await hashPassword('secret');
    assert.notEqual(first, second);
    assert.equal(await verifyPassword('secret', first), true);
    assert.equal(await verifyPassword('secret', second), true);
  });

  test('unicode and empty passwords round-trip', async () => {
    for (const password of ['pässwörd 🔑 中文', '']) {
      const stored = await hashPassword(password);
      assert.equal(await verifyPassword(password, stored), true, JSON.stringify(password));
      assert.equal(await verifyPassword(`${password}x`, stored), false, JSON.stringify(password));
    }
  });

  test('a stored value that is not an scrypt hash never verifies', async () => {
    for (const stored of ['', 'secret', sha256Hex('secret'), 'bcrypt$1$2$3$4$5', 'scrypt$32768$8$1$c2FsdA==']) {
      assert.equal(await verifyPassword('secret', stored), false, stored);
    }
  });

  test(
    'a malformed scrypt value with an empty hash part does not verify any password',
    async () => {
      const salt = Buffer.alloc(16, 1).toString('base64');
      assert.equal(await verifyPassword('anything at all', `scrypt$32768$8$1$${salt}$`), false);
    },
  );

  test(
    'malformed scrypt parameters give false, not an exception',
    async () => {
      assert.equal(await verifyPassword('secret', 'scrypt$abc$8$1$c2FsdA==$aGFzaA=='), false);
    },
  );
});

describe('digestsEqual', () => {
  const a = sha256Hex('a');
  const b = sha256Hex('b');

  test('equal digests are equal; different or differently long ones are not', () => {
    assert.equal(digestsEqual(a, a), true);
    assert.equal(digestsEqual(a, `${a}`), true);
    assert.equal(digestsEqual(a, b), false);
    assert.equal(digestsEqual(a, a.slice(0, 62)), false);
    assert.equal(digestsEqual(a.slice(0, 62), a), false);
    assert.equal(digestsEqual(a, `${a}00`), false);
    // Only the last byte differs.
    assert.equal(digestsEqual(a, `${a.slice(0, 63)}${a.endsWith('0') ? '1' : '0'}`), false);
  });

  test('empty input is never equal', () => {
    assert.equal(digestsEqual('', ''), false);
    assert.equal(digestsEqual('', a), false);
    assert.equal(digestsEqual(a, ''), false);
  });

  test(
    'strings that are not the same hex digest are not equal, even when their decodable prefix is',
    () => {
      assert.equal(digestsEqual('abc', 'abd'), false, 'odd length: the last nibble is dropped');
      assert.equal(digestsEqual('abzz', 'abyy'), false, 'non-hex characters are dropped');
      assert.equal(digestsEqual('zz', 'yy'), false);
    },
  );
});

describe('newApiKey / newToken / sha256Hex', () => {
  test('an API key is 64 lower-case hex characters (32 random bytes), new each time', () => {
    const keys = new Set<string>();
    for (let i = 0; i < 50; i += 1) {
      const key = newApiKey();
      assert.match(key, /^[0-9a-f]{64}$/);
      keys.add(key);
    }
    assert.equal(keys.size, 50);
  });

  test('a token is URL-safe base64 of the asked number of bytes', () => {
    assert.match(newToken(), /^[A-Za-z0-9_-]{32}$/);
    assert.match(newToken(3), /^[A-Za-z0-9_-]{4}$/);
    assert.notEqual(newToken(), newToken());
  });

  test('sha256Hex is the SHA-256 of the UTF-8 text, in lower-case hex', () => {
    assert.equal(sha256Hex(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    assert.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.equal(sha256Hex('é'), sha256Hex('\u00e9'));
    assert.notEqual(sha256Hex('é'), sha256Hex('e\u0301'));
  });
});
