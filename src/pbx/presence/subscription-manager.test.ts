// SUBSCRIBE/NOTIFY over a FakeTransport (RFC 6665, RFC 4235, RFC 3863): the 407 challenge, 200 with Expires and
// an immediate NOTIFY, NOTIFYs on channel changes, unsubscribe, expiry, failed NOTIFYs, and tenant isolation.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SipRequest } from '../../sip/index.ts';
import { Subscriber, channel, noControl, settle, startRig, type Rig } from './presence-rig.test-support.ts';

const body = (m: SipRequest | undefined): string => m?.body.toString('utf8') ?? '';
const version = (m: SipRequest | undefined): number => Number(/version="(\d+)"/.exec(body(m))?.[1]);
const dialogStates = (m: SipRequest | undefined): string[] => [...body(m).matchAll(/<state>([a-z]+)<\/state>/g)].map((x) => x[1] ?? '');

describe('presence subscriptions', () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await startRig();
  });
  afterEach(() => rig.close());

  test('SUBSCRIBE → 407 → SUBSCRIBE with credentials → 200 + NOTIFY; channel changes; unsubscribe', async () => {
    const phone = new Subscriber(rig, '100-ACME', 'acme-100-pw');
    const challenged = await phone.subscribe('101', { expires: 600, accept: 'application/dialog-info+xml' });
    assert.equal(challenged.status, 407);
    assert.match(challenged.headers.get('proxy-authenticate') ?? '', /Digest realm="callgrid"/);
    assert.equal((await phone.notifies()).length, 0);

    const accepted = await phone.subscribe('101', { expires: 600, accept: 'application/dialog-info+xml' });
    assert.equal(accepted.status, 200);
    assert.equal(accepted.headers.get('expires'), '600');
    assert.ok(accepted.headers.get('contact'));
    assert.ok(phone.toTag);
    const [first, ...more] = await phone.notifies();
    assert.equal(more.length, 0);
    assert.equal(first?.headers.get('event'), 'dialog');
    assert.equal(first?.headers.get('subscription-state'), 'active;expires=600');
    assert.equal(first?.headers.get('content-type'), 'application/dialog-info+xml');
    assert.match(first?.uri ?? '', /^sip:100-ACME@192\.0\.2\.30:5070/);
    assert.match(first?.headers.get('to') ?? '', new RegExp(`tag=${phone.fromTag}`));
    assert.equal(rig.fake.sent.at(-2)?.destination.port, 5070, 'NOTIFY goes to where the SUBSCRIBE came from');
    assert.equal(version(first), 0);
    assert.match(body(first), /state="full" entity="sip:101@pbx\.example\.com"/);
    assert.doesNotMatch(body(first), /<dialog /, 'idle: no dialog');

    const leg = channel(1, '101', 'OUT', 'Ringing');
    rig.channels.add(leg, noControl);
    const [ringing] = await phone.notifies();
    assert.equal(version(ringing), 1);
    assert.deepEqual(dialogStates(ringing), ['early']);
    assert.match(body(ringing), /direction="recipient"/);
    assert.match(body(ringing), /<remote><identity display="Caller">sip:200@pbx\.example\.com<\/identity><\/remote>/);

    rig.channels.update(leg.name, { state: 'Up' });
    const [talking] = await phone.notifies();
    assert.equal(version(talking), 2);
    assert.deepEqual(dialogStates(talking), ['confirmed']);

    rig.channels.remove(leg.name);
    const [hungUp] = await phone.notifies();
    assert.deepEqual(dialogStates(hungUp), ['terminated'], 'the ended dialog is shown once as terminated');
    // A later change shows no dialog at all.
    const out = channel(1, '101', 'IN', 'Down');
    rig.channels.add(out, noControl);
    const [dialling] = await phone.notifies();
    assert.match(body(dialling), /direction="initiator"/);
    assert.deepEqual(dialogStates(dialling), ['early']);
    rig.channels.remove(out.name);
    await phone.notifies();

    const bye = await phone.subscribe('101', { expires: 0 });
    assert.equal(bye.status, 200);
    assert.equal(bye.headers.get('expires'), '0');
    const [last] = await phone.notifies();
    assert.equal(last?.headers.get('subscription-state'), 'terminated;reason=timeout');
    assert.equal(rig.presence.subscriptions.size, 0);
    rig.channels.add(channel(1, '101', 'OUT', 'Ringing'), noControl);
    assert.equal((await phone.notifies()).length, 0, 'no NOTIFY after unsubscribing');
    assert.equal((await phone.subscribe('101', { expires: 600 })).status, 481, 'a refresh of an ended subscription');
  });

  test('tenant isolation: ACME 100 watching 101 sees ACME 101 only; another tenant\'s hint is not found', async () => {
    const phone = new Subscriber(rig, '100-ACME', 'acme-100-pw');
    await phone.subscribe('101');
    assert.equal((await phone.subscribe('101')).status, 200);
    await phone.notifies();
    rig.channels.add(channel(2, '101', 'OUT', 'Ringing'), noControl);
    assert.equal((await phone.notifies()).length, 0, 'GLOBEX 101 ringing is not ACME 101');
    rig.channels.add(channel(1, '101', 'OUT', 'Ringing'), noControl);
    assert.deepEqual(dialogStates((await phone.notifies())[0]), ['early']);

    const other = new Subscriber(rig, '100-ACME', 'acme-100-pw', 5072);
    await other.subscribe('101-GLOBEX');
    assert.equal((await other.subscribe('101-GLOBEX')).status, 404);
    assert.equal((await other.subscribe('999')).status, 404);
    const hint = new Subscriber(rig, '100-ACME', 'acme-100-pw', 5074);
    await hint.subscribe('101-ACME');
    assert.equal((await hint.subscribe('101-ACME')).status, 200, 'the own tenant hint name is accepted');
  });

  test('wrong password: 407 again; unknown event 489 with Allow-Events; too short Expires 423', async () => {
    const bad = new Subscriber(rig, '100-ACME', 'wrong');
    await bad.subscribe('101');
    assert.equal((await bad.subscribe('101')).status, 407);
    const phone = new Subscriber(rig, '100-ACME', 'acme-100-pw');
    const mwi = await phone.subscribe('101', { event: 'message-summary' });
    assert.equal(mwi.status, 489);
    assert.equal(mwi.headers.get('allow-events'), 'dialog, presence');
    const brief = await phone.subscribe('101', { expires: 10 });
    assert.equal(brief.status, 423);
    assert.equal(brief.headers.get('min-expires'), '60');
    assert.equal((await phone.subscribe('101', { accept: 'text/plain' })).status, 406);
    assert.equal((await phone.subscribe('101', { expires: 999_999 })).status, 407);
    const long = await phone.subscribe('101', { expires: 999_999 });
    assert.equal(long.headers.get('expires'), '3600', 'cut to the maximum');
  });

  test('expiry: a final NOTIFY terminated;reason=timeout; a refresh re-arms the timer', async () => {
    const phone = new Subscriber(rig, '100-ACME', 'acme-100-pw');
    await phone.subscribe('101', { expires: 120 });
    await phone.subscribe('101', { expires: 120 });
    await phone.notifies();
    rig.clock.advance(100_000);
    assert.equal((await phone.subscribe('101', { expires: 120 })).status, 200);
    const [refreshed] = await phone.notifies();
    assert.equal(refreshed?.headers.get('subscription-state'), 'active;expires=120', 'a refresh is answered with a NOTIFY');
    rig.clock.advance(100_000);
    assert.equal((await phone.notifies()).length, 0);
    rig.clock.advance(20_000);
    const [expired] = await phone.notifies();
    assert.equal(expired?.headers.get('subscription-state'), 'terminated;reason=timeout');
    assert.equal(rig.presence.subscriptions.size, 0);
  });

  test('a NOTIFY answered 481 ends the subscription; so does one that times out', async () => {
    const phone = new Subscriber(rig, '100-ACME', 'acme-100-pw');
    await phone.subscribe('101');
    await phone.subscribe('101');
    await phone.notifies(481);
    assert.equal(rig.presence.subscriptions.size, 0);
    rig.channels.add(channel(1, '101', 'OUT', 'Ringing'), noControl);
    assert.equal((await phone.notifies()).length, 0);

    const silent = new Subscriber(rig, '100-ACME', 'acme-100-pw', 5076);
    await silent.subscribe('100');
    await silent.subscribe('100');
    await settle();
    assert.equal(rig.presence.subscriptions.size, 1);
    rig.clock.advance(40_000); // Timer F (64*T1) of the unanswered NOTIFY
    await settle();
    assert.equal(rig.presence.subscriptions.size, 0);
  });

  test('NOTIFYs one at a time: changes during an unanswered NOTIFY coalesce into the next', async () => {
    const phone = new Subscriber(rig, '100-ACME', 'acme-100-pw');
    await phone.subscribe('101');
    await phone.subscribe('101');
    await settle();
    const leg = channel(1, '101', 'OUT', 'Ringing');
    rig.channels.add(leg, noControl);
    rig.channels.update(leg.name, { state: 'Up' });
    const notifies = await phone.notifies();
    assert.equal(notifies.length, 1, 'only the first is out until it is answered');
    const [latest, ...rest] = await phone.notifies();
    assert.equal(rest.length, 0);
    assert.deepEqual(dialogStates(latest), ['confirmed']);
    assert.equal(version(latest), 1);
  });

  test('Event: presence: PIDF closed while unregistered, open once registered, on-the-phone in a call', async () => {
    const phone = new Subscriber(rig, '100-ACME', 'acme-100-pw');
    await phone.subscribe('101', { event: 'presence' });
    assert.equal((await phone.subscribe('101', { event: 'presence' })).status, 200);
    const [first] = await phone.notifies();
    assert.equal(first?.headers.get('event'), 'presence');
    assert.equal(first?.headers.get('content-type'), 'application/pidf+xml');
    assert.match(body(first), /entity="sip:101@pbx\.example\.com"/);
    assert.match(body(first), /<basic>closed<\/basic>/);
    await rig.register(1, 12);
    const [open] = await phone.notifies();
    assert.match(body(open), /<basic>open<\/basic>/);
    assert.match(body(open), /<note>Ready<\/note>/);
    rig.channels.add(channel(1, '101', 'IN', 'Up'), noControl);
    assert.match(body((await phone.notifies())[0]), /<rpid:on-the-phone\/>/);
  });

  test('stop(): every subscription ends with reason=deactivated', async () => {
    const phone = new Subscriber(rig, '100-ACME', 'acme-100-pw');
    await phone.subscribe('101');
    await phone.subscribe('101');
    await phone.notifies();
    rig.presence.stop();
    const [last] = await phone.notifies();
    assert.equal(last?.headers.get('subscription-state'), 'terminated;reason=deactivated');
  });
});
