// Trunk registration over FakeTransport + FakeClock, with our own DigestAuthenticator as the carrier's
// registrar: the challenge round, refresh timing, cached credentials, back-off, 423, stale nonces, Expires 0.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock, silentLogger } from '../../shared/index.ts';
import { DigestAuthenticator, FakeTransport, SipStack, buildResponse, parseMessage, serializeMessage, type SipRequest } from '../../sip/index.ts';
import type { SipTrunkTarget } from '../dialplan/index.ts';
import { TrunkRegistrar } from './trunk-registrar.ts';
import { backoffMs, refreshDelayMs } from './trunk-registration.ts';

const CARRIER = { protocol: 'udp', address: '192.0.2.50', port: 5060 } as const;
const REALM = 'carrier.example';

function trunk(overrides: Partial<SipTrunkTarget> = {}): SipTrunkTarget {
  return {
    providerId: 7,
    name: 'Carrier',
    host: '192.0.2.50',
    port: 5060,
    transport: 'udp',
    uri: 'sip:192.0.2.50:5060',
    auth: { username: 'acct', secret: 's3cret' },
    registers: true,
    fromDomain: '192.0.2.50',
    callerId: { number: '', name: '' },
    identityHeader: 'none',
    maxChannels: undefined,
    codecs: [],
    qualifySeconds: undefined,
    ...overrides,
  };
}

const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};

async function rig(targets: SipTrunkTarget[] = [trunk()]) {
  const clock = new FakeClock();
  const fake = new FakeTransport({ protocol: 'udp', address: '192.0.2.1', port: 5060 });
  const stack = await SipStack.start({ transports: [(listener) => fake.attach(listener)], clock, logger: silentLogger, allow: ['OPTIONS'] }, { onRequest: () => undefined });
  const directory = { targets, fail: false, async registeringTrunks() {
    if (this.fail) throw new Error('store down');
    return this.targets;
  } };
  const registrar = new TrunkRegistrar({ stack, directory, clock, logger: silentLogger }, { backoffMaxMs: 600_000 });
  const server = new DigestAuthenticator({ secret: 'carrier side secret, long enough', clock, algorithms: ['MD5', 'SHA-256'], nonceLifetimeMs: 3_600_000 });
  let seen = 0;
  /** REGISTERs sent since the last call. */
  const fresh = (): SipRequest[] => {
    const all = fake.sent.map((p) => parseMessage(p.data)).flatMap((m) => (m.ok && m.value.type === 'request' ? [m.value] : []));
    const out = all.slice(seen);
    seen = all.length;
    return out;
  };
  const answer = async (request: SipRequest, status: number, reason: string, headers: Array<[string, string]> = []): Promise<void> => {
    fake.inject(serializeMessage(buildResponse(request, status, reason, { headers })), CARRIER);
    await flush();
  };
  /** The carrier's registrar: 401 without (or with wrong) credentials, else 200 with our Contact and `expires`. */
  const carrier = async (request: SipRequest, expires = 600): Promise<string> => {
    const authorization = request.headers.get('authorization');
    const verdict = authorization === undefined ? undefined : await server.verify({ authorization, method: 'REGISTER', requestUri: request.uri, realm: REALM, lookup: (u) => (u === 'acct' ? 's3cret' : undefined) });
    if (verdict?.outcome === 'ok') {
      await answer(request, 200, 'OK', [['Contact', `${request.headers.get('contact') ?? ''};expires=${expires}`]]);
      return 'ok';
    }
    await answer(request, 401, 'Unauthorized', server.challenge(REALM, { stale: verdict?.outcome === 'stale' }).map((c) => ['WWW-Authenticate', c]));
    return verdict?.outcome ?? 'challenged';
  };
  /** Moves the clock, then lets the attempts it started reach the transport (host resolution is async). */
  const advance = async (ms: number): Promise<void> => {
    clock.advance(ms);
    await flush();
  };
  return { clock, fake, stack, registrar, directory, fresh, answer, carrier, advance, close: () => stack.close() };
}

const one = (requests: SipRequest[]): SipRequest => {
  assert.equal(requests.length, 1, `expected one REGISTER, got ${requests.length}`);
  return requests[0] ?? assert.fail();
};

test('refresh 60 s before expiry, never before half-way; back-off doubles to its ceiling', () => {
  assert.equal(refreshDelayMs(3600), 3540_000);
  assert.equal(refreshDelayMs(600), 540_000);
  assert.equal(refreshDelayMs(90), 45_000);
  assert.equal(refreshDelayMs(60), 30_000);
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 50].map((n) => backoffMs(n, 30_000, 600_000) / 1000), [30, 60, 120, 240, 480, 600, 600, 600]);
});

test('REGISTER, 401, REGISTER with SHA-256 credentials, 200; refresh with the cached nonce; Expires 0 on stop', async () => {
  const r = await rig();
  await r.registrar.start();
  const first = one(r.fresh());
  assert.equal(first.uri, 'sip:192.0.2.50');
  assert.equal(first.headers.get('to'), '<sip:acct@192.0.2.50>');
  assert.match(first.headers.get('from') ?? '', /^<sip:acct@192\.0\.2\.50>;tag=\w+$/);
  assert.equal(first.headers.get('contact'), '<sip:acct@192.0.2.1:5060>');
  assert.equal(first.headers.get('expires'), '3600');
  assert.equal(first.headers.get('cseq'), '1 REGISTER');
  assert.equal(r.registrar.list()[0]?.status, 'Registering');
  assert.equal(await r.carrier(first), 'challenged');

  const second = one(r.fresh());
  assert.equal(second.headers.get('cseq'), '2 REGISTER', '§22.2: a retry with credentials has a new CSeq');
  assert.equal(second.headers.get('call-id'), first.headers.get('call-id'));
  assert.match(second.headers.get('authorization') ?? '', /^Digest username="acct", realm="carrier\.example", .*algorithm=SHA-256.*nc=00000001/);
  assert.equal(await r.carrier(second), 'ok');
  const status = r.registrar.status(7);
  assert.equal(status?.status, 'Registered');
  assert.equal(status?.state, 'registered');
  assert.equal(status?.expiresAt?.getTime(), r.clock.now().getTime() + 600_000, 'the expires the carrier granted');
  assert.equal(status?.nextAttemptAt?.getTime(), r.clock.now().getTime() + 540_000);

  await r.advance(539_999);
  assert.equal(r.fresh().length, 0);
  await r.advance(1);
  const refresh = one(r.fresh());
  assert.equal(refresh.headers.get('cseq'), '3 REGISTER');
  assert.match(refresh.headers.get('authorization') ?? '', /nc=00000002/, 'the cached challenge, next nonce-count');
  assert.equal(await r.carrier(refresh), 'ok');
  assert.equal(r.fresh().length, 0, 'no extra challenge round');

  const stopped = r.registrar.stop();
  await flush();
  const bye = one(r.fresh());
  assert.equal(bye.headers.get('expires'), '0');
  assert.equal(bye.headers.get('cseq'), '4 REGISTER');
  assert.equal(bye.headers.get('contact'), '<sip:acct@192.0.2.1:5060>');
  await r.answer(bye, 200, 'OK');
  await stopped;
  assert.equal(r.registrar.status(7)?.status, 'Unregistered');
  assert.equal(r.registrar.status(7)?.expiresAt, null);
  await r.close();
});

test('a refusal backs off 30 s, 60 s, 120 s ...; a success resets the back-off', async () => {
  const r = await rig();
  await r.registrar.start();
  for (const [i, wait] of [30, 60, 120, 240, 480, 600, 600].entries()) {
    const request = one(r.fresh());
    await r.answer(request, 403, 'Forbidden');
    const status = r.registrar.status(7);
    assert.equal(status?.status, 'Rejected: 403 Forbidden');
    assert.equal(status?.failures, i + 1);
    await r.advance(wait * 1000 - 1);
    assert.equal(r.fresh().length, 0, `nothing before ${wait} s`);
    await r.advance(1);
  }
  assert.equal(await r.carrier(one(r.fresh())), 'challenged');
  assert.equal(await r.carrier(one(r.fresh())), 'ok');
  assert.equal(r.registrar.status(7)?.failures, 0);
  await r.advance(540_000);
  await r.answer(one(r.fresh()), 503, 'Service Unavailable');
  assert.equal(r.registrar.status(7)?.nextAttemptAt?.getTime(), r.clock.now().getTime() + 30_000);
  // A Retry-After asking for longer is honoured.
  await r.advance(30_000);
  await r.answer(one(r.fresh()), 503, 'Service Unavailable', [['Retry-After', '300']]);
  assert.equal(r.registrar.status(7)?.nextAttemptAt?.getTime(), r.clock.now().getTime() + 300_000);
  await r.registrar.stop();
  assert.equal(r.fresh().length, 0, 'nothing to unregister after a refusal');
  await r.close();
});

test('an unanswered REGISTER is a Request timeout after Timer F, then retried', async () => {
  const r = await rig();
  await r.registrar.start();
  one(r.fresh());
  await r.advance(32_000);
  assert.equal(r.registrar.status(7)?.status, 'Request timeout');
  r.fresh(); // the UDP retransmissions
  await r.advance(30_000);
  assert.equal(r.fresh().length, 1);
  await r.close();
});

test('wrong credentials: a second plain 401 is a refusal; a stale one is answered again', async () => {
  const r = await rig([trunk({ auth: { username: 'acct', secret: 'wrong' } })]);
  await r.registrar.start();
  await r.carrier(one(r.fresh()));
  assert.equal(await r.carrier(one(r.fresh())), 'wrong-credentials');
  assert.equal(r.registrar.status(7)?.status, 'Rejected: 401 Unauthorized');
  assert.equal(r.fresh().length, 0);
  await r.close();

  const s = await rig();
  await s.registrar.start();
  await s.carrier(one(s.fresh()));
  const withAuth = one(s.fresh());
  await s.answer(withAuth, 401, 'Unauthorized', [['WWW-Authenticate', `Digest realm="${REALM}", nonce="newer", algorithm=MD5, qop="auth", stale=true`]]);
  const again = one(s.fresh());
  assert.match(again.headers.get('authorization') ?? '', /nonce="newer".*algorithm=MD5/);
  await s.answer(again, 200, 'OK', [['Expires', '120']]);
  assert.equal(s.registrar.status(7)?.expiresAt?.getTime(), s.clock.now().getTime() + 120_000, 'the Expires header when the Contact has none');
  await s.close();
});

test('423 Interval Too Brief: asks again with Min-Expires; 407 is answered with Proxy-Authorization', async () => {
  const r = await rig();
  await r.registrar.start();
  await r.answer(one(r.fresh()), 407, 'Proxy Authentication Required', [['Proxy-Authenticate', `Digest realm="${REALM}", nonce="p1", qop="auth"`]]);
  const withProxyAuth = one(r.fresh());
  assert.match(withProxyAuth.headers.get('proxy-authorization') ?? '', /^Digest username="acct"/);
  assert.equal(withProxyAuth.headers.get('authorization'), undefined);
  await r.answer(withProxyAuth, 423, 'Interval Too Brief', [['Min-Expires', '7200']]);
  const longer = one(r.fresh());
  assert.equal(longer.headers.get('expires'), '7200');
  await r.answer(longer, 200, 'OK');
  assert.equal(r.registrar.status(7)?.status, 'Registered');
  await r.close();
});

test('the provider list is re-read: added trunks register, removed ones unregister, a failed read changes nothing', async () => {
  const r = await rig([]);
  await r.registrar.start();
  assert.deepEqual(r.registrar.list(), []);
  r.directory.targets = [trunk(), trunk({ providerId: 8, name: 'IP trunk', auth: undefined, registers: false })];
  await r.advance(60_000);
  await r.answer(one(r.fresh()), 200, 'OK');
  assert.deepEqual(r.registrar.list().map((s) => [s.providerId, s.status]), [[7, 'Registered']]);

  r.directory.fail = true;
  await r.advance(60_000);
  assert.equal(r.registrar.status(7)?.status, 'Registered');
  assert.equal(r.fresh().length, 0);

  r.directory.fail = false;
  r.directory.targets = [];
  await r.advance(60_000);
  const removal = one(r.fresh());
  assert.equal(removal.headers.get('expires'), '0');
  await r.answer(removal, 200, 'OK');
  assert.deepEqual(r.registrar.list().map((s) => [s.providerId, s.status]), [[7, 'Unregistered']]);
  await r.registrar.stop();
  await r.close();
});

test('a changed trunk unregisters the old binding and registers afresh with a new Call-ID', async () => {
  const r = await rig();
  await r.registrar.start();
  const first = one(r.fresh());
  await r.answer(first, 200, 'OK');
  r.directory.targets = [trunk({ auth: { username: 'acct2', secret: 'x' } })];
  const rescanned = r.registrar.rescan();
  await flush();
  const removal = one(r.fresh());
  assert.equal(removal.headers.get('expires'), '0');
  assert.equal(removal.headers.get('to'), '<sip:acct@192.0.2.50>');
  await r.answer(removal, 200, 'OK');
  await rescanned;
  const next = one(r.fresh());
  assert.equal(next.headers.get('to'), '<sip:acct2@192.0.2.50>');
  assert.notEqual(next.headers.get('call-id'), first.headers.get('call-id'));
  await r.close();
});

test('a plain 401 to cached credentials (a registrar that forgot its nonce) is answered, not taken as a refusal', async () => {
  const r = await rig();
  await r.registrar.start();
  await r.carrier(one(r.fresh()));
  await r.carrier(one(r.fresh()));
  await r.advance(540_000);
  const refresh = one(r.fresh());
  assert.match(refresh.headers.get('authorization') ?? '', /nc=00000002/);
  await r.answer(refresh, 401, 'Unauthorized', [['WWW-Authenticate', `Digest realm="${REALM}", nonce="forgotten-1", qop="auth"`]]);
  const answered = one(r.fresh());
  assert.match(answered.headers.get('authorization') ?? '', /nonce="forgotten-1".*nc=00000001/);
  await r.answer(answered, 200, 'OK');
  assert.equal(r.registrar.status(7)?.status, 'Registered');
  await r.close();
});
