// The UAC digest answer: the RFC 2617 §3.5 vector, round trips through our own DigestAuthenticator (MD5 and
// SHA-256, qop and RFC 2069 form), the -sess variants, the choice among challenges, and malformed challenges.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { FakeClock } from '../../shared/index.ts';
import { digestAuthorization, isStaleChallenge, pickChallenge } from './digest-client.ts';
import { DigestAuthenticator } from './digest-authenticator.ts';
import { parseCredentials } from './digest-credentials.ts';
import { parseDigestParams } from './digest-params.ts';

const RFC_CHALLENGE =
  'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"';
const MUFASA = { username: 'Mufasa', password: 'Circle Of Life' };

test('RFC 2617 §3.5: Mufasa answers the example challenge with the example response', () => {
  const answer = digestAuthorization(RFC_CHALLENGE, MUFASA, { method: 'GET', uri: '/dir/index.html' }, { nc: 1, cnonce: '0a4f113b' });
  assert.ok(answer.ok, answer.ok ? '' : answer.error);
  assert.equal(
    answer.value.header,
    'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html", ' +
      'response="6629fae49393a05397450978507c4ef1", cnonce="0a4f113b", qop=auth, nc=00000001, opaque="5ccc069c403ebaf9f0171e9517f40e41"',
  );
  assert.equal(answer.value.nc, 1);
  assert.equal(answer.value.cnonce, '0a4f113b');
  // The parser the server uses reads it back directive by directive.
  const parsed = parseCredentials(answer.value.header);
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.value.qop, { nc: '00000001', ncValue: 1, cnonce: '0a4f113b' });
});

test('nc is written as 8 hex digits; a fresh cnonce is random when none is given', () => {
  const a = digestAuthorization(RFC_CHALLENGE, MUFASA, { method: 'GET', uri: '/' }, { nc: 0x1a });
  const b = digestAuthorization(RFC_CHALLENGE, MUFASA, { method: 'GET', uri: '/' });
  assert.ok(a.ok && b.ok);
  assert.match(a.value.header, /, nc=0000001a,/);
  assert.equal(b.value.nc, 1);
  assert.notEqual(a.value.cnonce, b.value.cnonce);
  assert.match(a.value.cnonce, /^[0-9a-f]{24}$/);
});

test('RFC 2069 form without qop: no cnonce, qop or nc, and no algorithm unless the server named one', () => {
  const answer = digestAuthorization('Digest realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093"', MUFASA, { method: 'GET', uri: '/dir/index.html' });
  assert.ok(answer.ok);
  // The value digest-algorithm.test.ts pins for the same inputs.
  assert.equal(
    answer.value.header,
    'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html", response="670fd8c2df070c60b045671b8b24ff02"',
  );
});

test('round trips through our DigestAuthenticator: MD5 and SHA-256, with and without qop', async () => {
  const clock = new FakeClock();
  const server = new DigestAuthenticator({ secret: 'digest client round trip secret', clock, algorithms: ['MD5', 'SHA-256'] });
  const realm = 'trunk.example.net';
  const uri = 'sip:trunk.example.net';
  const lookup = (user: string) => (user === 'acct-1' ? 'p4ss"w\\ord' : undefined);
  const verify = (authorization: string) => server.verify({ authorization, method: 'REGISTER', requestUri: uri, realm, lookup });
  const credentials = { username: 'acct-1', password: 'p4ss"w\\ord' };

  for (const [index, algorithm] of (['MD5', 'SHA-256'] as const).entries()) {
    const challenge = server.challenge(realm)[index] ?? assert.fail('no challenge');
    assert.match(challenge, new RegExp(`algorithm=${algorithm}`));
    const first = digestAuthorization(challenge, credentials, { method: 'REGISTER', uri });
    assert.ok(first.ok);
    assert.match(first.value.header, new RegExp(`algorithm=${algorithm}, cnonce=`));
    assert.deepEqual(await verify(first.value.header), { outcome: 'ok', username: 'acct-1', algorithm });
    // Reusing the nonce (§22.3 caching) with the next nc passes; the same nc again is a replay.
    const second = digestAuthorization(challenge, credentials, { method: 'REGISTER', uri }, { nc: first.value.nc + 1, cnonce: first.value.cnonce });
    assert.ok(second.ok);
    assert.equal((await verify(second.value.header)).outcome, 'ok');
    assert.equal((await verify(second.value.header)).outcome, 'stale');
    // The RFC 2069 form: the same challenge without its qop directive.
    const noQop = digestAuthorization(challenge.replace(', qop="auth"', ''), credentials, { method: 'REGISTER', uri });
    assert.ok(noQop.ok);
    assert.doesNotMatch(noQop.value.header, /qop|cnonce|nc=/);
    assert.equal((await verify(noQop.value.header)).outcome, 'ok');
    // A wrong password is wrong.
    const wrong = digestAuthorization(challenge, { ...credentials, password: 'guess' }, { method: 'REGISTER', uri }, { nc: 9 });
    assert.ok(wrong.ok);
    assert.equal((await verify(wrong.value.header)).outcome, 'wrong-credentials');
  }
});

test('MD5-sess and SHA-256-sess: A1 = H(H(user:realm:pass):nonce:cnonce)', () => {
  for (const [algorithm, node] of [['MD5-sess', 'md5'], ['SHA-256-sess', 'sha256']] as const) {
    const h = (text: string) => createHash(node).update(text).digest('hex');
    const challenge = `Digest realm="r", nonce="n0", algorithm=${algorithm}, qop="auth"`;
    const answer = digestAuthorization(challenge, { username: 'u', password: 'p' }, { method: 'INVITE', uri: 'sip:x@r' }, { nc: 2, cnonce: 'cn' });
    assert.ok(answer.ok);
    const ha1 = h(`${h('u:r:p')}:n0:cn`);
    const expected = h(`${ha1}:n0:00000002:cn:auth:${h('INVITE:sip:x@r')}`);
    const params = parseDigestParams(answer.value.header);
    assert.ok(params.ok);
    assert.equal(params.value.get('response'), expected);
    assert.equal(params.value.get('algorithm'), algorithm);
  }
});

test('pickChallenge prefers SHA-256, then MD5, among the challenges it can answer', () => {
  const md5 = 'Digest realm="r", nonce="n", algorithm=MD5, qop="auth"';
  const sha = 'Digest realm="r", nonce="n", algorithm=SHA-256, qop="auth"';
  const plain = 'Digest realm="r", nonce="n"';
  const sha512 = 'Digest realm="r", nonce="n", algorithm=SHA-512-256, qop="auth"';
  const authInt = 'Digest realm="r", nonce="n", algorithm=SHA-256, qop="auth-int"';
  assert.equal(pickChallenge([md5, sha]), sha);
  assert.equal(pickChallenge([sha512, authInt, md5]), md5);
  assert.equal(pickChallenge(['Basic realm="r"', plain]), plain);
  assert.equal(pickChallenge([md5, plain]), md5, 'the first of equals');
  assert.equal(pickChallenge([sha512, 'Basic realm="r"', 'garbage']), undefined);
  assert.equal(pickChallenge([]), undefined);
});

test('malformed or unanswerable challenges and bad inputs are errors', () => {
  const request = { method: 'REGISTER', uri: 'sip:r' };
  const credentials = { username: 'u', password: 'p' };
  const bad = [
    '',
    'Basic realm="r"',
    'Digest',
    'Digest realm="r"',
    'Digest nonce="n"',
    'Digest realm="r", nonce="n", algorithm=SHA-512-256',
    'Digest realm="r", nonce="n", qop="auth-int"',
    'Digest realm="r", nonce="n", algorithm=MD5-sess',
    'Digest realm="r, nonce="n"',
    'Digest realm="r", realm="s", nonce="n"',
  ];
  for (const challenge of bad) assert.equal(digestAuthorization(challenge, credentials, request).ok, false, challenge);
  const good = 'Digest realm="r", nonce="n", qop="auth"';
  assert.equal(digestAuthorization(good, { username: 'u\r\nX: y', password: 'p' }, request).ok, false);
  assert.equal(digestAuthorization(good, credentials, { method: 'REG ISTER', uri: 'sip:r' }).ok, false);
  assert.equal(digestAuthorization(good, credentials, request, { nc: 0 }).ok, false);
  assert.equal(digestAuthorization(good, credentials, request, { nc: 2 ** 32 }).ok, false);
  assert.equal(digestAuthorization(good, credentials, request, { cnonce: '' }).ok, false);
  assert.ok(digestAuthorization('digest REALM="r", Nonce=n, QOP="AUTH, auth-int", Algorithm=md5', credentials, request).ok, 'names and tokens are case-insensitive');
});

test('isStaleChallenge reads stale=true', () => {
  assert.equal(isStaleChallenge('Digest realm="r", nonce="n", stale=TRUE'), true);
  assert.equal(isStaleChallenge('Digest realm="r", nonce="n", stale=false'), false);
  assert.equal(isStaleChallenge('Digest realm="r", nonce="n"'), false);
});
