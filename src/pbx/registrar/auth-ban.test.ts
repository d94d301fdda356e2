// The failed-digest ban: through the registrar (answers to our fresh nonce count, challenges do not, nor do forged
// answers: made-up, expired or another address's nonces; a banned source gets 403 with no challenge; trusted networks
// are exempt; bans end), and AuthBan's own rules (IPv6 prefixes, bounds, CIDR).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, isPbxError } from '../../shared/index.ts';
import { AuthBan } from './auth-ban.ts';
import type { AuthFailure } from './registrar-events.ts';
import type { Endpoint, SipResponse } from '../../sip/index.ts';
import { FakePhone, SHARED_DOMAIN, settle, startRig, type Rig } from './registrar-rig.test-support.ts';

const ACME_100 = { username: '100-ACME', password: 'acme-100-pw' };

/** A REGISTER whose Authorization cannot be checked (no response directive) and names a nonce we never issued. */
async function brokenRegister(rig: Rig, source: Endpoint, n: number): Promise<SipResponse> {
  const callId = `broken-${n}@forger`;
  rig.fake.inject([
    `REGISTER sip:${SHARED_DOMAIN} SIP/2.0`,
    `Via: SIP/2.0/UDP ${source.address}:${source.port};branch=z9hG4bKbroken${n}`,
    'Max-Forwards: 70',
    `From: <sip:100-ACME@${SHARED_DOMAIN}>;tag=b${n}`,
    `To: <sip:100-ACME@${SHARED_DOMAIN}>`,
    `Call-ID: ${callId}`,
    'CSeq: 1 REGISTER',
    `Contact: <sip:100@${source.address}>`,
    'Authorization: Digest username="100-ACME", realm="callgrid", nonce="made-up", uri="sip:pbx.example.com"',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n'), source);
  for (let i = 0; i < 200; i++) {
    const answer = rig.sent().find((m): m is SipResponse => m.type === 'response' && m.headers.get('call-id') === callId);
    if (answer !== undefined) return answer;
    await settle(1);
  }
  throw new Error('no answer to the broken REGISTER');
}

test('failed answers ban the source after N; challenges never count; a banned source gets 403 and no challenge', async () => {
  const clock = new FakeClock();
  const ban = new AuthBan({ clock, maxFailures: 3, banMs: 60_000 });
  const rig = await startRig({ clock, ban });
  const phone = new FakePhone(rig, ACME_100);
  for (let i = 0; i < 10; i++) assert.equal((await phone.send({ authorize: false })).status, 401, 'a plain challenge');
  assert.equal(ban.isBanned(phone.source.address), false, 'ten challenges counted nothing');

  phone.learn(await phone.send({ authorize: false }));
  assert.equal((await phone.send({ password: 'guess-1' })).status, 401);
  assert.equal((await phone.send({ password: 'guess-2' })).status, 401);
  assert.equal((await phone.send({ password: 'guess-3' })).status, 401, 'the third failure is still answered');
  const failures = rig.events.filter((e) => e.event === 'authFailed').map((e) => (e.detail as AuthFailure).banned);
  assert.deepEqual(failures, [false, false, true]);
  assert.equal(ban.isBanned('192.0.2.20'), true);

  const refused = await phone.send();
  assert.equal(refused.status, 403, 'even the right password gets no processing');
  assert.equal(refused.headers.has('www-authenticate'), false);
  assert.equal((await phone.send({ authorize: false })).status, 403);
  // Another address is not affected.
  const neighbour = new FakePhone(rig, { ...ACME_100, source: { protocol: 'udp', address: '192.0.2.21', port: 5060 } });
  assert.equal((await neighbour.register()).status, 200);

  // The ban ends.
  rig.clock.advance(60_000);
  phone.learn(await phone.send({ authorize: false }));
  assert.equal((await phone.send()).status, 200);
  await rig.close();
});

test('forged REGISTERs ban nobody: made-up nonces, nonces fetched from another address, expired ones, broken ones', async () => {
  const clock = new FakeClock();
  const ban = new AuthBan({ clock, maxFailures: 3, banMs: 1_800_000 });
  const rig = await startRig({ clock, ban, nonceLifetimeMs: 60_000 });
  const victim = { protocol: 'udp', address: '192.0.2.30', port: 5060 } as const;
  // The attacker's packets claim the victim's address; it never sees our answers, so it writes its own nonce.
  const forger = new FakePhone(rig, { ...ACME_100, source: victim });
  forger.challenge = { realm: 'callgrid', nonce: 'bWFkZS11cC1ub25jZS1mb3ItdGhlLXRlc3QtYWJjZGVm', opaque: undefined };
  for (let i = 0; i < 10; i++) assert.equal((await forger.send({ password: `guess-${i}` })).status, 401, 'a new challenge, not a failure');
  // Or it asks for a fresh nonce from an address of its own and uses that: issued to another address, so unusable.
  const own = new FakePhone(rig, { ...ACME_100, source: { protocol: 'udp', address: '203.0.113.66', port: 5060 } });
  forger.learn(await own.send({ authorize: false }));
  for (let i = 0; i < 10; i++) assert.equal((await forger.send({ password: `guess-${i}` })).status, 401);
  // A nonce once issued to the victim and since expired is no use either; nor is a broken answer.
  forger.learn(await forger.send({ authorize: false }));
  clock.advance(60_000);
  for (let i = 0; i < 10; i++) assert.equal((await forger.send({ password: `guess-${i}` })).status, 401);
  for (let i = 0; i < 10; i++) assert.equal((await brokenRegister(rig, victim, i)).status, 401, 'a broken answer to a made-up nonce: challenged');
  assert.equal(rig.events.filter((e) => e.event === 'authFailed').length, 0, 'not one failure counted');
  assert.equal(ban.isBanned(victim.address), false);
  // The real phone at that address registers as usual.
  const phone = new FakePhone(rig, { ...ACME_100, source: victim });
  assert.equal((await phone.register()).status, 200);
  await rig.close();
});

test('a trusted network is never banned', async () => {
  const clock = new FakeClock();
  const ban = new AuthBan({ clock, maxFailures: 2, trusted: ['10.0.0.0/8', '2001:db8::/32'] });
  const rig = await startRig({ clock, ban });
  const office = new FakePhone(rig, { ...ACME_100, source: { protocol: 'udp', address: '10.1.2.3', port: 5060 } });
  office.learn(await office.send());
  for (let i = 0; i < 5; i++) assert.equal((await office.send({ password: 'wrong' })).status, 401);
  assert.equal(ban.isBanned('10.1.2.3'), false);
  assert.equal((await office.send()).status, 200);
  assert.equal(ban.recordFailure('2001:db8:1::5'), 'trusted');
  assert.equal(ban.recordFailure('::ffff:10.9.9.9'), 'trusted', 'an IPv4-mapped address is its IPv4 address');
  await rig.close();
});

test('counting: the window restarts, IPv6 counts per /64, IPv4-mapped is IPv4, unban lifts a ban', () => {
  const clock = new FakeClock();
  const ban = new AuthBan({ clock, maxFailures: 3, windowMs: 60_000, banMs: 600_000 });
  assert.equal(ban.recordFailure('198.51.100.1'), 'counted');
  assert.equal(ban.recordFailure('198.51.100.1'), 'counted');
  clock.advance(60_000);
  assert.equal(ban.recordFailure('198.51.100.1'), 'counted', 'the window from the first failure has passed');

  assert.equal(ban.recordFailure('2001:db8:aa:bb::1'), 'counted');
  assert.equal(ban.recordFailure('2001:db8:aa:bb:ffff::2'), 'counted');
  assert.equal(ban.recordFailure('[2001:db8:aa:bb::3]'), 'banned', 'three addresses of one /64 are one source');
  assert.equal(ban.isBanned('2001:db8:aa:bb:1:2:3:4'), true);
  assert.equal(ban.isBanned('2001:db8:aa:bc::1'), false);

  ban.recordFailure('203.0.113.5');
  ban.recordFailure('::ffff:203.0.113.5');
  assert.equal(ban.recordFailure('::ffff:cb00:7105'), 'banned');
  assert.equal(ban.isBanned('203.0.113.5'), true);
  assert.equal(ban.bans().length, 2);
  assert.equal(ban.unban('203.0.113.5'), true);
  assert.equal(ban.isBanned('203.0.113.5'), false);
  clock.advance(600_000);
  assert.equal(ban.isBanned('2001:db8:aa:bb::1'), false, 'bans end');
  assert.deepEqual(ban.bans(), []);
});

test('memory is bounded: the least recently failing counters and the oldest bans are forgotten', () => {
  const clock = new FakeClock();
  const ban = new AuthBan({ clock, maxFailures: 2, maxTracked: 3, maxBans: 2 });
  ban.recordFailure('192.0.2.1');
  for (const address of ['192.0.2.2', '192.0.2.3', '192.0.2.4']) ban.recordFailure(address);
  assert.equal(ban.recordFailure('192.0.2.1'), 'counted', "192.0.2.1's first failure was forgotten");
  for (const address of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) {
    ban.recordFailure(address);
    ban.recordFailure(address);
  }
  assert.deepEqual(ban.bans().map((b) => b.key), ['4:c6336402/32', '4:c6336403/32']);
  assert.equal(ban.isBanned('198.51.100.1'), false);
});

test('a malformed trusted network is a configuration error', () => {
  for (const bad of ['10.0.0.0/33', 'example.com', '2001:db8::/129', '10.0.0.0/x']) {
    assert.throws(() => new AuthBan({ clock: new FakeClock(), trusted: [bad] }), (e: unknown) => isPbxError(e) && e.code === 'invalid_config', bad);
  }
});
