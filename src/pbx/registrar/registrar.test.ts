// The registrar over a real SipStack on FakeTransport and FakeClock (RFC 3261 §10.3): challenge and credentials,
// no user enumeration, stale nonces, contacts, refresh, removal, 423, ordering, sweep, restart, tenant isolation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serializeMessage, type SipResponse } from '../../sip/index.ts';
import { InMemoryBindingStore } from './in-memory-binding-store.ts';
import type { Binding } from './ports.ts';
import { ACME_DOMAIN, FakePhone, REALM, SHARED_DOMAIN, contactsOf, settle, startRig } from './registrar-rig.test-support.ts';

const ACME_100 = { username: '100-ACME', password: 'acme-100-pw' };
const GLOBEX_100 = { username: '100-GLOBEX', password: 'globex-100-pw' };

const expiresOf = (contact: string | undefined): number => Number(/;expires=(\d+)/.exec(contact ?? '')?.[1]);

test('REGISTER is challenged, then bound with credentials: 200 lists the contact with expires and a Date', async () => {
  const rig = await startRig();
  const phone = new FakePhone(rig, ACME_100);
  const challenge = await phone.send({ expires: 600 });
  assert.equal(challenge.status, 401);
  const offers = challenge.headers.getAll('www-authenticate');
  assert.equal(offers.length, 2, 'MD5 and SHA-256 challenges');
  assert.match(offers[0] ?? '', new RegExp(`^Digest realm="${REALM}", nonce="[^"]+", opaque="[^"]+", algorithm=MD5, qop="auth"$`));
  assert.equal(await rig.store.list().then((l) => l.length), 0);
  phone.learn(challenge);

  const ok = await phone.send({ expires: 600 });
  assert.equal(ok.status, 200);
  assert.deepEqual(contactsOf(ok), ['<sip:100-ACME@192.0.2.20:5062>;expires=600']);
  assert.equal(ok.headers.get('date'), 'Thu, 01 Jan 2026 00:00:00 GMT');
  const [binding] = await rig.registrar.bindings(1);
  assert.ok(binding);
  assert.deepEqual(
    { ...binding, expiresAt: binding.expiresAt.toISOString(), registeredAt: binding.registeredAt.toISOString() },
    {
      tenantId: 1, extensionId: 11, aor: `sip:100-ACME@${SHARED_DOMAIN}`, username: '100-ACME',
      contactUri: 'sip:100-ACME@192.0.2.20:5062', contact: '<sip:100-ACME@192.0.2.20:5062>',
      expiresAt: '2026-01-01T00:10:00.000Z', callId: phone.callId, cseq: 2, q: null,
      source: { protocol: 'udp', address: '192.0.2.20', port: 5062 }, flowId: null, userAgent: 'FakePhone/1.0',
      node: 'node-a', registeredAt: '2026-01-01T00:00:00.000Z', lastRttMs: null, reachable: true,
    },
  );
  assert.deepEqual(rig.events.map((e) => e.event), ['bindingAdded']);
  await rig.close();
});

test('an unknown user and a wrong password get byte-identical 401s apart from the nonce', async () => {
  const rig = await startRig();
  const answers: SipResponse[] = [];
  for (const who of [{ username: '100-ACME', password: 'wrong' }, { username: '999-ACME', password: 'whatever' }]) {
    const phone = new FakePhone(rig, { ...who, callId: 'same-call-id@phone' });
    // The same To and From for both, so the answers can differ only by what the registrar chose to say.
    phone.learn(await phone.send({ toUser: '100-ACME' }));
    answers.push(await phone.send({ toUser: '100-ACME' }));
  }
  const canonical = (response: SipResponse): string =>
    serializeMessage(response).toString('utf8')
      .replace(/nonce="[^"]+"/g, 'nonce="N"')
      .replace(/;tag=[0-9a-f]+(\r\n)/, ';tag=T$1') // the To tag of each transaction
      .replace(/branch=z9hG4bK[0-9a-f]+/, 'branch=B'); // the phone's own Via branch, echoed
  const [wrongPassword, unknownUser] = answers.map((a) => a && canonical(a));
  assert.equal(answers[0]?.status, 401);
  assert.equal(wrongPassword, unknownUser);
  assert.notEqual(/nonce="([^"]+)"/.exec(answers[0]?.headers.get('www-authenticate') ?? '')?.[1], /nonce="([^"]+)"/.exec(answers[1]?.headers.get('www-authenticate') ?? '')?.[1]);
  assert.deepEqual(rig.events.map((e) => e.event), ['authFailed', 'authFailed']);
  await rig.close();
});

test('a stale nonce with the right password gets 401 stale=true, counts as no failure, and the retry binds', async () => {
  const rig = await startRig({ nonceLifetimeMs: 60_000 });
  const phone = new FakePhone(rig, ACME_100);
  assert.equal((await phone.register()).status, 200);
  rig.clock.advance(61_000);
  const stale = await phone.send();
  assert.equal(stale.status, 401);
  assert.match(stale.headers.get('www-authenticate') ?? '', /, stale=true$/);
  assert.equal(rig.events.filter((e) => e.event === 'authFailed').length, 0);
  phone.learn(stale);
  assert.equal((await phone.send()).status, 200);
  await rig.close();
});

test('two contacts in one REGISTER and a second device: the 200 lists every current binding', async () => {
  const rig = await startRig();
  const desk = new FakePhone(rig, ACME_100);
  const both = await desk.register({ contacts: ['<sip:100@192.0.2.20:5062>;q=0.9', '"Desk" <sip:100@192.0.2.20:5064;transport=udp>;expires=120'], expires: 600 });
  assert.equal(both.status, 200);
  assert.deepEqual(contactsOf(both), ['<sip:100@192.0.2.20:5062>;q=0.9;expires=600', '"Desk" <sip:100@192.0.2.20:5064;transport=udp>;expires=120']);
  const mobile = new FakePhone(rig, { ...ACME_100, source: { protocol: 'udp', address: '198.51.100.7', port: 40000 }, contact: '<sip:100@10.0.0.7:5060>' });
  const three = await mobile.register();
  assert.equal(contactsOf(three).length, 3);
  assert.equal((await rig.registrar.bindingsFor(1, 11)).find((b) => b.contactUri === 'sip:100@10.0.0.7:5060')?.source.address, '198.51.100.7');
  assert.equal((await rig.registrar.bindingsFor(1, 11)).find((b) => b.q !== null)?.q, 0.9);
  await rig.close();
});

test('refresh: same Call-ID, higher CSeq extends the binding; an old CSeq is refused with 500', async () => {
  const rig = await startRig();
  const phone = new FakePhone(rig, ACME_100);
  await phone.register({ expires: 300 });
  const [first] = await rig.registrar.bindingsFor(1, 11);
  rig.clock.advance(200_000);
  const refreshed = await phone.send({ expires: 300 });
  assert.equal(refreshed.status, 200);
  assert.equal(expiresOf(contactsOf(refreshed)[0]), 300);
  const [second] = await rig.registrar.bindingsFor(1, 11);
  assert.equal(second?.expiresAt.getTime(), (first?.expiresAt.getTime() ?? 0) + 200_000);
  assert.equal(second?.registeredAt.getTime(), first?.registeredAt.getTime(), 'registeredAt is kept');
  assert.deepEqual(rig.events.map((e) => e.event), ['bindingAdded', 'bindingRefreshed']);

  const outOfOrder = await phone.send({ expires: 300, cseq: 2 });
  assert.equal(outOfOrder.status, 500);
  assert.equal((await rig.registrar.bindingsFor(1, 11))[0]?.cseq, 3, 'nothing changed');
  await rig.close();
});

test('Expires: 0 and expires=0 remove bindings; the 200 lists what is left', async () => {
  const rig = await startRig();
  const phone = new FakePhone(rig, ACME_100);
  await phone.register({ contacts: ['<sip:100@192.0.2.20:5062>', '<sip:100@192.0.2.20:5064>'] });
  const one = await phone.send({ contacts: ['<sip:100@192.0.2.20:5064>;expires=0'] });
  assert.deepEqual(contactsOf(one).map((c) => c.replace(/;expires=\d+/, '')), ['<sip:100@192.0.2.20:5062>']);
  const none = await phone.send({ contacts: ['<sip:100@192.0.2.20:5062>'], expires: 0 });
  assert.equal(none.status, 200);
  assert.deepEqual(contactsOf(none), []);
  assert.deepEqual(await rig.registrar.bindings(), []);
  const removed = rig.events.filter((e) => e.event === 'bindingRemoved').map((e) => (e.detail as [Binding, string])[1]);
  assert.deepEqual(removed, ['unregistered', 'unregistered']);
  await rig.close();
});

test('Contact: * with Expires: 0 removes all; with another Contact or a non-zero Expires it is 400', async () => {
  const rig = await startRig();
  const desk = new FakePhone(rig, ACME_100);
  await desk.register();
  const other = new FakePhone(rig, { ...ACME_100, contact: '<sip:100@192.0.2.30:5060>' });
  await other.register();
  assert.equal((await rig.registrar.bindingsFor(1, 11)).length, 2);
  assert.equal((await desk.send({ contacts: ['*'], expires: 3600 })).status, 400);
  assert.equal((await desk.send({ contacts: ['*', '<sip:100@192.0.2.20:5062>'], expires: 0 })).status, 400);
  assert.equal((await desk.send({ contacts: ['*'] })).status, 400, 'no Expires header at all');
  const cleared = await desk.send({ contacts: ['*'], expires: 0 });
  assert.equal(cleared.status, 200);
  assert.deepEqual(contactsOf(cleared), []);
  assert.deepEqual(await rig.registrar.bindingsFor(1, 11), []);
  await rig.close();
});

test('423 with Min-Expires below the minimum; longer than the maximum is capped; none takes the default', async () => {
  const rig = await startRig({ registrar: { minExpires: 60, maxExpires: 1800, defaultExpires: 900 } });
  const phone = new FakePhone(rig, ACME_100);
  const brief = await phone.register({ expires: 30 });
  assert.equal(brief.status, 423);
  assert.equal(brief.headers.get('min-expires'), '60');
  assert.equal(expiresOf(contactsOf(await phone.send({ expires: 7200 }))[0]), 1800);
  assert.equal(expiresOf(contactsOf(await phone.send())[0]), 900);
  await rig.close();
});

test('the expiry sweep removes an expired binding after FakeClock.advance and reports bindingExpired', async () => {
  const rig = await startRig({ registrar: { sweepIntervalMs: 10_000 } });
  rig.registrar.start();
  const phone = new FakePhone(rig, ACME_100);
  await phone.register({ expires: 120 });
  rig.clock.advance(110_000);
  await settle();
  assert.equal((await rig.store.list()).length, 1);
  rig.clock.advance(20_000);
  await settle();
  assert.equal((await rig.store.list()).length, 0);
  const expired = rig.events.filter((e) => e.event === 'bindingExpired');
  assert.equal(expired.length, 1);
  assert.equal((expired[0]?.detail as Binding).contactUri, 'sip:100-ACME@192.0.2.20:5062');
  await rig.close();
});

test('bindings survive a restart: a new Registrar over the same BindingStore knows them and lists them', async () => {
  const store = new InMemoryBindingStore();
  const before = await startRig({ store });
  await new FakePhone(before, ACME_100).register();
  await before.close();

  const after = await startRig({ store, clock: before.clock });
  assert.deepEqual((await after.registrar.bindings(1)).map((b) => b.contactUri), ['sip:100-ACME@192.0.2.20:5062']);
  const other = new FakePhone(after, { ...ACME_100, contact: '<sip:100@192.0.2.30:5060>' });
  const answer = await other.register({ contacts: [] });
  assert.equal(answer.status, 200, 'a query (no Contact)');
  assert.deepEqual(contactsOf(answer), ['<sip:100-ACME@192.0.2.20:5062>;expires=3600']);
  await after.close();
});

test('tenant isolation: 100-ACME and 100-GLOBEX both register; each tenant sees only its own', async () => {
  const rig = await startRig();
  const acme = new FakePhone(rig, ACME_100);
  const globex = new FakePhone(rig, { ...GLOBEX_100, source: { protocol: 'udp', address: '203.0.113.9', port: 5060 } });
  assert.equal((await acme.register()).status, 200);
  const globexAnswer = await globex.register();
  assert.deepEqual(contactsOf(globexAnswer), ['<sip:100-GLOBEX@203.0.113.9:5060>;expires=3600'], "GLOBEX's 200 does not list ACME's phone");
  assert.deepEqual((await rig.registrar.bindings(1)).map((b) => [b.tenantId, b.extensionId, b.username]), [[1, 11, '100-ACME']]);
  assert.deepEqual((await rig.registrar.bindings(2)).map((b) => [b.tenantId, b.extensionId, b.username]), [[2, 21, '100-GLOBEX']]);
  assert.equal((await rig.registrar.bindings()).length, 2);
  // Credentials of one tenant cannot write the other's AOR (§10.3 step 4).
  assert.equal((await acme.send({ toUser: '100-GLOBEX' })).status, 403);
  // An operator's unregister of ACME leaves GLOBEX alone.
  assert.equal((await rig.registrar.unregister(1, 'all')).length, 1);
  assert.deepEqual((await rig.registrar.bindings()).map((b) => b.tenantId), [2]);
  assert.deepEqual((await rig.registrar.unregister(1, 21)), [], "GLOBEX's extension id under ACME reads as nothing");
  await rig.close();
});

test("a tenant's own SIP domain: 100@acme.example.com binds to ACME's extension 100", async () => {
  const rig = await startRig();
  const phone = new FakePhone(rig, { username: '100', password: 'acme-100-pw', domain: ACME_DOMAIN });
  assert.equal((await phone.register()).status, 200);
  const [binding] = await rig.registrar.bindings(1);
  assert.equal(binding?.extensionId, 11);
  assert.equal(binding?.aor, `sip:100@${ACME_DOMAIN}`);
  await rig.close();
});

test('a domain this PBX does not serve gets 404 before any challenge', async () => {
  const rig = await startRig();
  const phone = new FakePhone(rig, { ...ACME_100, domain: 'elsewhere.example.net' });
  const answer = await phone.send();
  assert.equal(answer.status, 404);
  assert.equal(answer.headers.has('www-authenticate'), false);
  await rig.close();
});

test('max contacts per AOR: a new contact replaces the least recently refreshed one', async () => {
  const rig = await startRig({ registrar: { maxContacts: 2 } });
  for (const [i, host] of ['192.0.2.31', '192.0.2.32', '192.0.2.33'].entries()) {
    rig.clock.advance(1000);
    const phone = new FakePhone(rig, { ...ACME_100, contact: `<sip:100@${host}>`, source: { protocol: 'udp', address: host, port: 5060 } });
    const answer = await phone.register();
    assert.equal(contactsOf(answer).length, Math.min(i + 1, 2));
  }
  assert.deepEqual((await rig.registrar.bindingsFor(1, 11)).map((b) => b.contactUri), ['sip:100@192.0.2.32', 'sip:100@192.0.2.33']);
  assert.deepEqual(rig.events.filter((e) => e.event === 'bindingRemoved').map((e) => (e.detail as [Binding, string])[1]), ['replaced']);
  await rig.close();
});

test('an equivalent Contact URI (§19.1.4: host case) refreshes the binding instead of adding one', async () => {
  const rig = await startRig();
  const phone = new FakePhone(rig, ACME_100);
  await phone.register({ contacts: ['<sip:100@Phone.Example.com:5062;ob>'] });
  await phone.send({ contacts: ['<sip:100@phone.example.com:5062>'] });
  assert.deepEqual((await rig.registrar.bindingsFor(1, 11)).map((b) => b.contactUri), ['sip:100@phone.example.com:5062']);
  await rig.close();
});

test('a closed connection removes the bindings registered over it', async () => {
  const rig = await startRig();
  const phone = new FakePhone(rig, ACME_100);
  await phone.register();
  const [udp] = await rig.store.list();
  await rig.store.put({ ...(udp ?? assert.fail('no binding')), contactUri: 'sip:100@192.0.2.40;transport=tcp', flowId: 'tcp-flow-9' });
  rig.fake.closeFlow('tcp-flow-9', { protocol: 'tcp', address: '192.0.2.40', port: 5060 });
  await settle();
  assert.deepEqual((await rig.store.list()).map((b) => b.flowId), [null]);
  await rig.close();
});

test('a store failure mid-commit answers 500 and leaves the bindings as they were (§10.3 step 7)', async () => {
  const store = new InMemoryBindingStore();
  const rig = await startRig({ store });
  const phone = new FakePhone(rig, ACME_100);
  await phone.register({ contacts: ['<sip:100@192.0.2.20:5062>'], expires: 600 });
  const before = await store.list();
  const put = store.put.bind(store);
  store.put = async (binding) => {
    if (binding.contactUri === 'sip:100@192.0.2.20:5064') throw new Error('disk full');
    return put(binding);
  };
  const failed = await phone.send({ contacts: ['<sip:100@192.0.2.20:5062>', '<sip:100@192.0.2.20:5064>'], expires: 900 });
  assert.equal(failed.status, 500);
  assert.deepEqual(await store.list(), before, 'the refresh written before the failure was rolled back');
  assert.deepEqual(rig.events.map((e) => e.event), ['bindingAdded']);
  await rig.close();
});
