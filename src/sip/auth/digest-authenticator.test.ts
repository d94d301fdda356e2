// DigestAuthenticator: challenges, verification outcomes, nonce expiry and nonce-count replay protection.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from '../../shared/index.ts';
import { computeDigestResponse, type DigestAlgorithm } from './digest-algorithm.ts';
import { DigestAuthenticator, type DigestVerifyRequest } from './digest-authenticator.ts';
import { parseDigestParams } from './digest-params.ts';

const REALM = 'acme.example.com';
const URI = 'sip:acme.example.com';
const USERS: Record<string, string> = { alice: 's3cret', bob: 'hunter2' };
const lookup = (username: string, realm: string) => (realm === REALM ? USERS[username] : undefined);

function setup(options: { lifetime?: number; maxTracked?: number; strictUri?: boolean } = {}) {
  const clock = new FakeClock();
  const auth = new DigestAuthenticator({
    secret: 'a test secret of enough bytes',
    clock,
    nonceLifetimeMs: options.lifetime ?? 60_000,
    maxTrackedNonces: options.maxTracked ?? 100,
    strictUri: options.strictUri ?? false,
  });
  return { clock, auth };
}

/** What a phone sends back for a challenge value (the client side, written out here on purpose). */
function answer(challenge: string, options: { user?: string; password?: string; nc?: number; qop?: boolean; uri?: string; method?: string } = {}): string {
  const params = parseDigestParams(challenge);
  assert.ok(params.ok);
  const realm = params.value.get('realm') ?? '';
  const nonce = params.value.get('nonce') ?? '';
  const algorithm = (params.value.get('algorithm') ?? 'MD5') as DigestAlgorithm;
  const username = options.user ?? 'alice';
  const uri = options.uri ?? URI;
  const nc = (options.nc ?? 1).toString(16).padStart(8, '0');
  const cnonce = 'c0ffee42';
  const useQop = options.qop ?? true;
  const response = computeDigestResponse({
    algorithm,
    username,
    realm,
    password: options.password ?? USERS[username] ?? 'x',
    method: options.method ?? 'REGISTER',
    uri,
    nonce,
    ...(useQop ? { qop: { nc, cnonce } } : {}),
  });
  const qop = useQop ? `, qop=auth, nc=${nc}, cnonce="${cnonce}"` : '';
  return `Digest username="${username}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=${algorithm}, opaque="${params.value.get('opaque') ?? ''}"${qop}`;
}

const request = (authorization: string, overrides: Partial<DigestVerifyRequest> = {}): DigestVerifyRequest => ({
  authorization,
  method: 'REGISTER',
  requestUri: URI,
  realm: REALM,
  lookup,
  ...overrides,
});

test('challenges: MD5 then SHA-256, one nonce, quoted realm, opaque, qop="auth", stale on request', () => {
  const { auth } = setup();
  const [md5, sha256, more] = auth.challenge(REALM);
  assert.equal(more, undefined);
  assert.match(md5 ?? '', /^Digest realm="acme\.example\.com", nonce="[A-Za-z0-9_-]{43}", opaque="[A-Za-z0-9_-]+", algorithm=MD5, qop="auth"$/);
  assert.match(sha256 ?? '', /algorithm=SHA-256, qop="auth"$/);
  assert.equal(md5?.match(/nonce="([^"]+)"/)?.[1], sha256?.match(/nonce="([^"]+)"/)?.[1]);
  assert.match(auth.challenge(REALM, { stale: true })[0] ?? '', /, stale=true$/);
  assert.match(auth.challenge('say "hi"\\')[0] ?? '', /^Digest realm="say \\"hi\\"\\\\"/);
  assert.throws(() => new DigestAuthenticator({ secret: 'short', clock: new FakeClock() }), /16 bytes/);
});

test('verifies MD5 and SHA-256, with and without qop=auth', async () => {
  const { auth } = setup();
  const [md5] = auth.challenge(REALM);
  const [, sha256] = auth.challenge(REALM);
  assert.ok(md5 && sha256);
  assert.deepEqual(await auth.verify(request(answer(md5))), { outcome: 'ok', username: 'alice', algorithm: 'MD5' });
  assert.deepEqual(await auth.verify(request(answer(sha256))), { outcome: 'ok', username: 'alice', algorithm: 'SHA-256' });
  // Both challenges of one 401 share a nonce, so its nonce-count is shared too.
  assert.equal((await auth.verify(request(answer(sha256.replace('SHA-256', 'MD5'))))).outcome, 'stale');
  const [fresh] = auth.challenge(REALM);
  assert.ok(fresh);
  assert.equal((await auth.verify(request(answer(fresh, { qop: false })))).outcome, 'ok');
  assert.equal((await auth.verify(request(answer(fresh, { qop: false })))).outcome, 'ok', 'RFC 2069 form has no nc to replay-check');
});

test('an unknown user and a wrong password give the same result', async () => {
  const { auth } = setup();
  const [challenge] = auth.challenge(REALM);
  assert.ok(challenge);
  const wrongPassword = await auth.verify(request(answer(challenge, { user: 'alice', password: 'guess' })));
  const unknownUser = await auth.verify(request(answer(challenge, { user: 'alice', password: 's3cret' }), { lookup: async () => undefined }));
  assert.deepEqual(wrongPassword, { outcome: 'wrong-credentials', username: 'alice' });
  assert.deepEqual(unknownUser, wrongPassword);
  // Credentials for another realm answer no challenge of ours: not checked, so no failure either.
  assert.deepEqual(await auth.verify(request(answer(challenge), { realm: 'other.example.com' })), { outcome: 'stale', username: 'alice', reason: 'unknown-nonce' });
});

test('an expired nonce is stale whatever the digest: it is not checked, so it is no failure and no password oracle', async () => {
  const { auth, clock } = setup({ lifetime: 60_000 });
  const [challenge] = auth.challenge(REALM);
  assert.ok(challenge);
  clock.advance(59_999);
  assert.equal((await auth.verify(request(answer(challenge)))).outcome, 'ok');
  clock.advance(1);
  assert.deepEqual(await auth.verify(request(answer(challenge, { nc: 2 }))), { outcome: 'stale', username: 'alice', reason: 'expired' });
  assert.deepEqual(await auth.verify(request(answer(challenge, { nc: 3, password: 'guess' }))), { outcome: 'stale', username: 'alice', reason: 'expired' });
});

test('nonce-count must increase per nonce', async () => {
  const { auth } = setup();
  const [challenge] = auth.challenge(REALM);
  assert.ok(challenge);
  assert.equal((await auth.verify(request(answer(challenge, { nc: 1 })))).outcome, 'ok');
  assert.deepEqual(await auth.verify(request(answer(challenge, { nc: 1 }))), { outcome: 'stale', username: 'alice', reason: 'replayed' });
  assert.equal((await auth.verify(request(answer(challenge, { nc: 2 })))).outcome, 'ok');
  assert.equal((await auth.verify(request(answer(challenge, { nc: 7 })))).outcome, 'ok', 'gaps are allowed');
  assert.equal((await auth.verify(request(answer(challenge, { nc: 5 })))).outcome, 'stale');
  const [other] = auth.challenge(REALM);
  assert.ok(other);
  assert.equal((await auth.verify(request(answer(other, { nc: 1 })))).outcome, 'ok', 'counts are per nonce');
});

test('nonces are bound to the server secret and the realm', async () => {
  const { auth } = setup();
  const { auth: otherServer } = (() => {
    const clock = new FakeClock();
    return { auth: new DigestAuthenticator({ secret: 'another secret, also long enough', clock }) };
  })();
  const [foreign] = otherServer.challenge(REALM);
  assert.ok(foreign);
  assert.deepEqual(await auth.verify(request(answer(foreign))), { outcome: 'stale', username: 'alice', reason: 'unknown-nonce' });
  // A nonce issued for another realm, answered for ours.
  const [otherRealm] = auth.challenge('other.example.com');
  assert.ok(otherRealm);
  const swapped = answer(otherRealm.replace('realm="other.example.com"', `realm="${REALM}"`));
  assert.equal((await auth.verify(request(swapped))).outcome, 'stale');
  // A tampered nonce (issue time moved) no longer verifies.
  const [mine] = auth.challenge(REALM);
  const nonce = mine?.match(/nonce="([^"]+)"/)?.[1] ?? '';
  const tampered = `${nonce.slice(0, 5)}${nonce[5] === 'A' ? 'B' : 'A'}${nonce.slice(6)}`;
  assert.equal((await auth.verify(request(answer(mine?.replace(nonce, tampered) ?? '')))).outcome, 'stale');
  assert.equal((await auth.verify(request(answer(mine ?? '')))).outcome, 'ok');
});

test('the RFC 2617 §3.5 Authorization: a nonce that is not ours is stale, right or wrong digest alike', async () => {
  const { auth } = setup();
  const rfc =
    'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html", ' +
    'qop=auth, nc=00000001, cnonce="0a4f113b", response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41"';
  const base = { method: 'GET', requestUri: '/dir/index.html', realm: 'testrealm@host.com' };
  assert.deepEqual(await auth.verify({ ...base, authorization: rfc, lookup: () => 'Circle Of Life' }), { outcome: 'stale', username: 'Mufasa', reason: 'unknown-nonce' });
  let looked = false;
  const lookup = () => {
    looked = true;
    return 'Circle of Life';
  };
  assert.deepEqual(await auth.verify({ ...base, authorization: rfc, lookup }), { outcome: 'stale', username: 'Mufasa', reason: 'unknown-nonce' });
  assert.equal(looked, false, 'a made-up nonce costs no account lookup');
});

test('strict mode: the digest uri must name the Request-URI, loosely; a mismatch is refused with a reason', async () => {
  const { auth } = setup({ strictUri: true });
  const [challenge] = auth.challenge(REALM);
  assert.ok(challenge);
  const verify = async (uri: string, requestUri: string, nc: number) =>
    (await auth.verify(request(answer(challenge, { uri, nc }), { requestUri }))).outcome;
  assert.equal(await verify('sip:100@ACME.example.com', 'sip:100@acme.example.com:5060;transport=udp', 1), 'ok');
  assert.equal(await verify('sip:%61lice@acme.example.com', 'sip:alice@acme.example.com', 2), 'ok');
  assert.equal(await verify('sip:100@acme.example.com', 'sip:200@acme.example.com', 3), 'malformed');
  assert.equal(await verify('sips:100@acme.example.com', 'sip:100@acme.example.com', 4), 'malformed');
  assert.equal(await verify('sip:100@acme.example.com:5080', 'sip:100@acme.example.com', 5), 'malformed');
  const refused = await auth.verify(request(answer(challenge, { uri: 'sip:127.0.0.1:5060', nc: 6 })));
  assert.deepEqual(refused, { outcome: 'malformed', reason: 'uri does not match', countable: true });
});

test('by default a digest uri other than the Request-URI is accepted (SIPp, SBCs), hashed as the client sent it', async () => {
  const { auth } = setup();
  const [challenge] = auth.challenge(REALM, { source: '192.0.2.20' });
  assert.ok(challenge);
  const sippDefault = answer(challenge, { uri: 'sip:127.0.0.1:5060' });
  const verify = async (authorization: string, source = '192.0.2.20') => auth.verify(request(authorization, { requestUri: 'sip:acme.example.com', source }));
  assert.deepEqual(await verify(sippDefault), { outcome: 'ok', username: 'alice', algorithm: 'MD5' });
  // The response is bound to the uri it was computed over: the same answer with another uri is a wrong digest.
  const swapped = answer(challenge, { uri: 'sip:127.0.0.1:5060', nc: 2 }).replace('uri="sip:127.0.0.1:5060"', 'uri="sip:acme.example.com"');
  assert.equal((await verify(swapped)).outcome, 'wrong-credentials');
  // Nonces stay single-use per count and tied to the address they were sent to.
  assert.deepEqual(await verify(sippDefault), { outcome: 'stale', username: 'alice', reason: 'replayed' });
  assert.deepEqual(await verify(answer(challenge, { uri: 'sip:127.0.0.1:5060', nc: 3 }), '198.51.100.9'), { outcome: 'stale', username: 'alice', reason: 'other-source' });
});

test('malformed credentials', async () => {
  const { auth } = setup();
  const [challenge] = auth.challenge(REALM);
  assert.ok(challenge);
  const good = answer(challenge);
  const outcome = async (authorization: string) => (await auth.verify(request(authorization))).outcome;
  assert.equal(await outcome(good.replace(/, response="[^"]+"/, '')), 'malformed');
  assert.equal(await outcome(good.replace('nc=00000001', 'nc=1')), 'malformed');
  assert.equal(await outcome(good.replace('qop=auth', 'qop=auth-int')), 'malformed');
  assert.equal(await outcome(good.replace('algorithm=MD5', 'algorithm=SHA-512-256')), 'malformed');
  assert.equal(await outcome(good.replace('algorithm=MD5', 'algorithm=MD5-sess')), 'malformed');
  assert.equal(await outcome(good.replace(/, cnonce="[^"]+"/, '')), 'malformed');
  assert.equal(await outcome(good.replace(/response="([0-9a-f]+)"/, 'response="$1ab"')), 'malformed');
  assert.equal(await outcome(good.replace('Digest', 'Basic')), 'malformed');
  assert.equal(await outcome(`${good}, realm="again"`), 'malformed');
  assert.equal(await outcome('Digest username="alice'), 'malformed');
  assert.equal(await outcome(good.replace(/, opaque="[^"]+"/, '')), 'ok', 'a missing opaque is tolerated');
});

test('a nonce issued to a source is usable from that source only; a wrong answer from elsewhere is no failure', async () => {
  const { auth } = setup();
  const [mine] = auth.challenge(REALM, { source: '192.0.2.20' });
  assert.ok(mine);
  assert.match(mine, /nonce="[A-Za-z0-9_-]{54}"/, 'a bound nonce is longer by its source tag');
  const from = (source: string | undefined, nc: number, password?: string) =>
    auth.verify(request(answer(mine, { nc, ...(password === undefined ? {} : { password }) }), source === undefined ? {} : { source }));
  assert.deepEqual(await from('192.0.2.21', 1), { outcome: 'stale', username: 'alice', reason: 'other-source' });
  assert.deepEqual(await from('192.0.2.21', 2, 'guess'), { outcome: 'stale', username: 'alice', reason: 'other-source' });
  assert.deepEqual(await from('192.0.2.20', 3, 'guess'), { outcome: 'wrong-credentials', username: 'alice' });
  assert.equal((await from('::ffff:192.0.2.20', 4)).outcome, 'ok', 'an IPv4-mapped address is its IPv4 address');
  assert.equal((await from(undefined, 5)).outcome, 'ok', 'a caller that gives no source does not check it');
  // A nonce issued to nobody is not usable where the source is checked: a forger could have asked for it anywhere.
  const [unbound] = auth.challenge(REALM);
  assert.ok(unbound);
  assert.deepEqual(await auth.verify(request(answer(unbound, { password: 'guess' }), { source: '192.0.2.20' })), { outcome: 'stale', username: 'alice', reason: 'other-source' });
});

test('malformed answers are countable only when they name a fresh nonce we issued to their source', async () => {
  const { auth, clock } = setup({ lifetime: 60_000 });
  const [mine] = auth.challenge(REALM, { source: '192.0.2.20' });
  assert.ok(mine);
  const broken = answer(mine).replace(/, response="[^"]+"/, '');
  const verdict = async (authorization: string, source: string) => auth.verify(request(authorization, { source }));
  assert.deepEqual(await verdict(broken, '192.0.2.20'), { outcome: 'malformed', reason: 'missing username, realm, nonce, uri or response', countable: true });
  assert.deepEqual(await verdict(broken, '198.51.100.9'), { outcome: 'malformed', reason: 'missing username, realm, nonce, uri or response', countable: false });
  assert.deepEqual(await verdict(broken.replace(/nonce="[^"]+"/, 'nonce="made-up"'), '192.0.2.20'), { outcome: 'malformed', reason: 'missing username, realm, nonce, uri or response', countable: false });
  assert.deepEqual(await verdict('Digest username="alice', '192.0.2.20'), { outcome: 'malformed', reason: 'unterminated quoted value for username', countable: false });
  clock.advance(60_000);
  assert.deepEqual(await verdict(broken, '192.0.2.20'), { outcome: 'malformed', reason: 'missing username, realm, nonce, uri or response', countable: false });
});
