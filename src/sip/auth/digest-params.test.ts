// Parsing Digest credentials: quoted strings with escapes, tokens, case-insensitive names.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { credentialsForRealm, parseCredentials } from './digest-credentials.ts';
import { parseDigestParams, quote } from './digest-params.ts';

test('quoted strings with escapes, unquoted tokens and case-insensitive names', () => {
  const parsed = parseDigestParams('digest  USERNAME="Mu\\"fa\\\\sa", Realm = "a, b" ,nonce=abc123,\r\n\turi="sip:x@y;transport=tcp", qop="auth"');
  assert.ok(parsed.ok);
  assert.deepEqual([...parsed.value], [
    ['username', 'Mu"fa\\sa'],
    ['realm', 'a, b'],
    ['nonce', 'abc123'],
    ['uri', 'sip:x@y;transport=tcp'],
    ['qop', 'auth'],
  ]);
});

test('syntax errors', () => {
  for (const bad of ['', 'Digest', 'Digest username', 'Digest username=', 'Digest a="b', 'Digest a="b\\', 'Digest a=b c=d', 'Digest a=b,, =c', 'Digest a="x\ny"', 'Digest a=b, A=c']) {
    assert.equal(parseDigestParams(bad).ok, false, bad);
  }
});

test('quote() round-trips through the parser', () => {
  const value = 'he said "hi" \\ bye';
  const parsed = parseDigestParams(`Digest realm=${quote(value)}`);
  assert.ok(parsed.ok);
  assert.equal(parsed.value.get('realm'), value);
});

test('credentials: defaults and directive checks', () => {
  const credentials = parseCredentials('Digest username="a", realm="r", nonce="n", uri="sip:r", response="ABCDEF0123456789abcdef0123456789"');
  assert.ok(credentials.ok);
  assert.equal(credentials.value.algorithm, 'MD5', 'no algorithm means MD5');
  assert.equal(credentials.value.response, 'abcdef0123456789abcdef0123456789');
  assert.equal(credentials.value.qop, undefined);
  const withQop = parseCredentials('Digest username="a", realm="r", nonce="n", uri="sip:r", response="00", algorithm=sha-256, qop=auth, nc=0000000A, cnonce="c"');
  assert.ok(withQop.ok);
  assert.equal(withQop.value.algorithm, 'SHA-256');
  assert.deepEqual(withQop.value.qop, { nc: '0000000A', ncValue: 10, cnonce: 'c' });
  assert.equal(parseCredentials('Digest username="a", realm="r", nonce="n", uri="sip:r", response="zz"').ok, false);
  assert.equal(parseCredentials('Digest username="a", realm="r", nonce="n", uri="sip:r", response="00", userhash=true').ok, false);
});

test('credentialsForRealm picks the value for our realm', () => {
  const ours = 'Digest username="a", realm="acme", nonce="n", uri="sip:acme", response="00"';
  const theirs = 'Digest username="a", realm="proxy.example.net", nonce="n", uri="sip:acme", response="00"';
  assert.equal(credentialsForRealm([theirs, 'Basic abc', ours], 'acme'), ours);
  assert.equal(credentialsForRealm([theirs], 'acme'), undefined);
});
