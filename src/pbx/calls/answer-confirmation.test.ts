// Confirm to answer through the B2BUA, over loopback UDP with scripted phones (test/support/sip-phone.ts): a hunt list
// (RINGALL, hu_requestconfirm) on a real SQLite store. The member that answers hears the prompt without hearing the
// caller (nor the caller it), its key in SIP INFO connects it; a member that stays silent, or hangs up, loses only its
// own leg while the other member goes on ringing and can still take the call. Beside it, the same rig rings a list
// with hu_usemoh (ring-plan.ts, ringing-music.ts): the caller hears music as early media until a member answers; and
// 101's follow-me number (apps/ring-extension follow-me.ts), out through a carrier played by another scripted phone,
// rings after ex_fmfmdelay and must confirm.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SipPhone, type PhoneDialog } from '../../../test/support/sip-phone.ts';
import { fileURLToPath } from 'node:url';
import { MediaRelay } from '../../media/index.ts';
import { FakeClock, silentLogger, systemClock } from '../../shared/index.ts';
import { openStore, type Store } from '../../store/index.ts';
import { StoreHuntlistDirectory } from '../apps/huntlist/index.ts';
import { StoreFollowMeDirectory } from '../apps/ring-extension/index.ts';
import { CdrWriter } from '../cdr/index.ts';
import { StoreRoutingDirectory } from '../dialplan/index.ts';
import { PbxNode } from '../pbx-node.ts';
import { StoreAccountDirectory, StoreBindingStore } from '../registrar/index.ts';
import { StoreCarrierDirectory } from './carrier-directory.ts';
import { ChannelRegistry } from './channel-registry.ts';
import { StoreCallDirectory } from './store-call-directory.ts';
import { waitFor } from './b2bua-sipp.test-support.ts';
import { ANY_KEY, askForKey, confirmCodecs, partyFormat } from './answer-confirmation.ts';
import type { PlaybackEnd } from './runner/pbx-media.ts';

const T = { timeout: 20_000 };
const ACCOUNTS = [
  { number: '100', username: '100-ACME', password: 'acme-100-secret' },
  { number: '101', username: '101-ACME', password: 'acme-101-secret' },
  { number: '102', username: '102-ACME', password: 'acme-102-secret' },
] as const;
// Each phone's RTP payload byte: whose audio a phone hears.
const CALLER_AUDIO = 0x11;
const M1_AUDIO = 0x22;
const M2_AUDIO = 0x33;
const CONFIRM_SECONDS = 2;
/** The tenant's music: any 8 kHz WAV of the generated prompts does. */
const MUSIC = fileURLToPath(new URL('../../../sounds/en/please-hold.wav', import.meta.url));

let dir = '';
let store: Store;
let node: PbxNode;
let relay: MediaRelay;
let phones: SipPhone[] = [];
/** The carrier behind route ^0799$: a scripted phone that answers whatever INVITE comes. */
let carrier: SipPhone;
let tenantId = 0;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'callgrid-confirm-'));
  store = openStore(`sqlite:${join(dir, 'callgrid.db')}`);
  await store.migrate();
  const tenant = await store.tenants.create({ te_code: 'ACME', te_name: 'Acme' }, '2026-01-01 00:00:00');
  tenantId = tenant.te_id;
  const ids: number[] = [];
  for (const account of ACCOUNTS) ids.push(Number((await store.objects('extension').insert(tenant.te_id, { ex_number: account.number, ex_username: account.username, ex_secret: account.password, ex_tech: 'PJSIP', ex_name: account.number })).ex_id));
  // 101 follows its calls to 0799 after ringing its phone alone for a second; whoever answers there must confirm.
  await store.objects('extension').update(tenant.te_id, ids[1] ?? 0, { ex_fmfmstatus: 'on', ex_fmfmnumber: '0799', ex_fmfmdelay: 1, ex_fmfmdialtimeout: 8, ex_fmfmconfirm: 'on' });
  const group = await store.objects('huntlist').insert(tenant.te_id, { hu_name: 'Sales', hu_number: '600', hu_type: 'RINGALL', hu_ringtime: 12, hu_requestconfirm: 'on' });
  for (const [order, id] of ids.slice(1).entries()) await store.objects('destination').insert(tenant.te_id, { de_type_src: 'HUNTLIST', de_type_id_src: Number(group.hu_id), de_type_dst: 'EXT', de_type_id_dst: id, de_ord: order });
  const music = await store.objects('huntlist').insert(tenant.te_id, { hu_name: 'Music', hu_number: '601', hu_type: 'RINGALL', hu_ringtime: 12, hu_usemoh: 'on' });
  await store.objects('destination').insert(tenant.te_id, { de_type_src: 'HUNTLIST', de_type_id_src: Number(music.hu_id), de_type_dst: 'EXT', de_type_id_dst: ids[1] ?? 0, de_ord: 0 });
  const accounts = new StoreAccountDirectory(store, systemClock, { realm: 'callgrid', domains: [], tenantCacheMs: 0 });
  const bindings = new StoreBindingStore(store.registrations);
  const portMin = 10_000 + 2 * Math.floor(Math.random() * 9_000);
  relay = MediaRelay.create({ host: '127.0.0.1', portMin, portMax: portMin + 39, inactivityMs: 5000, clock: systemClock, logger: silentLogger });
  node = await PbxNode.start(
    {
      accounts, domains: accounts, bindings, clock: systemClock, logger: silentLogger,
      calls: { directory: new StoreCallDirectory(store, bindings, systemClock), routing: new StoreRoutingDirectory(store), carriers: new StoreCarrierDirectory(store, systemClock, 0), channels: new ChannelRegistry(), relay, cdrs: new CdrWriter(store.cdrs, silentLogger), huntlists: new StoreHuntlistDirectory(store), followMe: new StoreFollowMeDirectory(store), confirmSeconds: CONFIRM_SECONDS, moh: { defaultClass: async () => ({ id: 1, paths: [MUSIC] }), classById: async () => undefined, extensionClassId: async () => undefined } },
    },
    { nodeName: 'node-t', host: '127.0.0.1', port: 0, realm: 'callgrid', nonceSecret: 'confirm test: nonce secret bytes', digestAlgorithms: ['MD5'], qualifyIntervalMs: 3_600_000, ban: { maxFailures: 1000, windowMs: 60_000, banMs: 1000, trusted: [] }, userAgent: 'callgrid-test', ringTimeoutMs: 10_000 },
  );
  carrier = await SipPhone.open({ username: 'carrier', password: 'unused', number: '0799' }, node.stack.localEndpoint('udp')?.port ?? 0);
  const provider = await store.objects('provider').insert(null, { pr_name: 'Carrier', pr_tech: 'PJSIP', pr_host: `127.0.0.1:${String(carrier.sipPort)}` });
  const profile = await store.objects('routingprofile').insert(null, { rp_name: 'Out', rp_type: 'VOICE' });
  await store.objects('route').insert(null, { dl_name: 'Mobiles', dl_regex: '^0799$', dl_rp_id: Number(profile.rp_id), dl_pr_id: Number(provider.pr_id) });
  await store.tenants.update(tenant.te_id, { te_rp_id: Number(profile.rp_id) });
});

after(async () => {
  carrier?.close();
  await node?.stop();
  relay?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

afterEach(async () => {
  node.b2bua.hangupAll('test-cleanup');
  await waitFor(() => node.b2bua.activeCalls === 0);
  for (const phone of phones) phone.close();
  phones = [];
});

async function phones3(): Promise<[SipPhone, SipPhone, SipPhone]> {
  const port = node.stack.localEndpoint('udp')?.port ?? 0;
  const opened = await Promise.all(ACCOUNTS.map((account) => SipPhone.open(account, port)));
  phones = opened;
  for (const phone of opened) await phone.register();
  return opened as [SipPhone, SipPhone, SipPhone];
}

const heard = (phone: SipPhone, mark: number): number => phone.rtpIn.get(mark) ?? 0;
/** Every packet a phone received whatever its payload: the prompt's audio is anything but the phones' marks. */
const heardAny = (phone: SipPhone): number => [...phone.rtpIn.values()].reduce((a, b) => a + b, 0);
const key = (phone: SipPhone, dialog: PhoneDialog, digit: string) => phone.request(dialog, 'INFO', [['Content-Type', 'application/dtmf-relay']], `Signal=${digit}\r\nDuration=160\r\n`);

async function assertTalking(caller: SipPhone, member: SipPhone, mark: number): Promise<void> {
  const [before1, before2] = [heard(caller, mark), heard(member, CALLER_AUDIO)];
  assert.ok(await waitFor(() => heard(caller, mark) > before1 + 10 && heard(member, CALLER_AUDIO) > before2 + 10, 5000), `caller heard ${String(heard(caller, mark))}, member heard ${String(heard(member, CALLER_AUDIO))}`);
}

describe('confirm to answer (hu_requestconfirm) on real SIP', () => {
  test('the member that answers hears the prompt, apart from the caller; its key connects the call', T, async () => {
    const [caller, m1] = await phones3();
    const calling = caller.call('600');
    const d1 = await m1.answer();
    m1.talk(d1, M1_AUDIO);
    assert.ok(await waitFor(() => heardAny(m1) > 25, 3000), `the member heard the prompt: ${String(heardAny(m1))} packets`);
    assert.equal(heard(caller, M1_AUDIO), 0, 'the caller does not hear the member before it confirms');
    assert.equal(node.b2bua.activeCalls, 1);
    assert.equal((await key(m1, d1, '1')).status, 200);
    const dialog = await calling;
    caller.talk(dialog, CALLER_AUDIO);
    await assertTalking(caller, m1, M1_AUDIO);
  });

  test('a member that presses nothing gets BYE after the confirm time; the other member still rings and takes the call', T, async () => {
    const [caller, m1, m2] = await phones3();
    const calling = caller.call('600');
    const d1 = await m1.answer();
    const silence = m1.talk(d1, M1_AUDIO);
    const byeComing = m1.nextRequest((m) => m.method === 'BYE' && m.header('call-id') === d1.callId);
    assert.ok(await waitFor(() => heardAny(m1) > 10, 3000), 'the member hears the prompt');
    assert.equal(heard(caller, M1_AUDIO), 0, 'the caller does not hear the member while it is asked');
    // The member falls silent well before its BYE: all phones here share 127.0.0.1, where its packets still in
    // flight after the BYE could be taken for the next member's (a real phone's address would differ).
    silence();
    const bye = await byeComing;
    assert.match(bye.header('reason') ?? '', /cause=19/);
    assert.equal(node.b2bua.activeCalls, 1, 'the call goes on');
    const d2 = await m2.answer();
    m2.talk(d2, M2_AUDIO);
    assert.ok(await waitFor(() => heardAny(m2) - heard(m2, CALLER_AUDIO) > 25, 3000), 'the second member hears the prompt');
    assert.equal((await key(m2, d2, '5')).status, 200, 'any key confirms');
    const dialog = await calling;
    caller.talk(dialog, CALLER_AUDIO);
    await assertTalking(caller, m2, M2_AUDIO);
    assert.equal(heard(caller, M1_AUDIO), 0, 'the member that did not confirm was never heard');
  });

  test('a member that hangs up while asked loses only its own leg', T, async () => {
    const [caller, m1, m2] = await phones3();
    const calling = caller.call('600');
    const d1 = await m1.answer();
    assert.equal((await m1.request(d1, 'BYE')).status, 200);
    const d2 = await m2.answer();
    m2.talk(d2, M2_AUDIO);
    assert.equal((await key(m2, d2, '#')).status, 200);
    const dialog = await calling;
    caller.talk(dialog, CALLER_AUDIO);
    await assertTalking(caller, m2, M2_AUDIO);
  });
});

describe('music while the members ring (hu_usemoh)', () => {
  test('the caller hears music before anyone answers; the member that answers is heard instead', T, async () => {
    const [caller, m1] = await phones3();
    const calling = caller.call('601');
    assert.ok(await waitFor(() => heardAny(caller) > 25, 3000), `the caller heard music while ringing: ${String(heardAny(caller))} packets`);
    const d1 = await m1.answer();
    m1.talk(d1, M1_AUDIO);
    const dialog = await calling;
    caller.talk(dialog, CALLER_AUDIO);
    await assertTalking(caller, m1, M1_AUDIO);
  });
});

describe('follow-me (ex_fmfm*)', () => {
  test("101's phone rings first; its follow-me number joins after ex_fmfmdelay, confirms, and takes the call", T, async () => {
    const [caller, m1] = await phones3();
    const calling = caller.call('101');
    await m1.nextRequest((m) => m.method === 'INVITE');
    assert.equal(carrier.received.filter((m) => m.method === 'INVITE').length, 0, 'the phone rings alone first');
    const d = await carrier.answer();
    assert.match(d.localUri, /^sip:0799@/, 'the carrier was sent the follow-me number');
    carrier.talk(d, M2_AUDIO);
    assert.ok(await waitFor(() => heardAny(carrier) > 25, 3000), 'the number hears the prompt');
    assert.equal(heard(caller, M2_AUDIO), 0, 'the caller does not hear it before it confirms');
    assert.equal((await key(carrier, d, '1')).status, 200);
    const dialog = await calling;
    caller.talk(dialog, CALLER_AUDIO);
    await assertTalking(caller, carrier, M2_AUDIO);
  });

  test('DIAL with nofollow=yes (SETNOFOLLOWEXTENSION) rings 101 without its follow-me number', T, async () => {
    const [source, m1] = await phones3();
    const answered = source.answer();
    const started = await node.b2bua.originate({ tenantId, source: '100', destination: '101', dialTimeoutMs: 10_000, autoAnswer: false, variables: { SETNOFOLLOWEXTENSION: 'yes' }, originateId: 'nofollow-1' });
    assert.deepEqual(started, { ok: true });
    await answered;
    await m1.nextRequest((m) => m.method === 'INVITE');
    // Past ex_fmfmdelay (1 s) with room to spare: the number would have been sent its INVITE by now.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    assert.equal(carrier.received.filter((m) => m.method === 'INVITE').length, 0, 'the follow-me number is not rung');
  });

  test("DIAL's caller ids reach the phones' From: sourceclid's name on the source, destclid's name and number on the destination", T, async () => {
    const [source, m1] = await phones3();
    // What the call service makes of sourceclid=0475123456<Dial:> and destclid="Sales \"EU\"" <0612> (services/dial-caller-id.ts).
    const started = await node.b2bua.originate({ tenantId, source: '100', destination: '101', sourceCallerId: '0475123456', destinationCallerName: 'Sales "EU"', destinationCallerId: '0612', dialTimeoutMs: 10_000, autoAnswer: false, variables: { SETNOFOLLOWEXTENSION: 'yes' }, originateId: 'clid-1' });
    assert.deepEqual(started, { ok: true });
    assert.ok(await waitFor(() => source.received.some((m) => m.method === 'INVITE'), 5000), 'the source is rung');
    assert.match(source.received.find((m) => m.method === 'INVITE')?.header('from') ?? '', /^"0475123456" <sip:101@/);
    await source.answer();
    const invite = await m1.nextRequest((m) => m.method === 'INVITE');
    assert.match(invite.header('from') ?? '', /^"Sales \\"EU\\"" <sip:0612@/);
  });
});

describe('the confirmation step on its own', () => {
  /** A session whose prompt plays until stopped, and whose keys come from `keys` (one per wait, then none). */
  function session(clock: FakeClock, keys: Array<string | undefined>) {
    let stopPlay: (() => void) | undefined;
    return {
      plays: 0,
      play(): Promise<PlaybackEnd> {
        this.plays++;
        return new Promise((resolve) => {
          stopPlay = () => resolve({ reason: 'stopped' });
          // The prompt lasts a second.
          clock.setTimer(1000, () => resolve({ reason: 'finished' }));
        });
      },
      stop: () => stopPlay?.(),
      nextDigit: (ms: number) => new Promise<string | undefined>((resolve) => clock.setTimer(Math.min(ms, 500), () => resolve(keys.shift()))),
    };
  }
  const run = async (clock: FakeClock, promise: Promise<boolean>): Promise<boolean> => {
    let done: boolean | undefined;
    void promise.then((value) => (done = value));
    for (let i = 0; i < 100 && done === undefined; i++) {
      clock.advance(250);
      await new Promise((resolve) => setImmediate(resolve));
    }
    return done ?? assert.fail('askForKey never ended');
  };

  test('a key of the set accepts; others are ignored and the prompt is played again; silence ends at the timeout', async () => {
    const clock = new FakeClock();
    const fake = session(clock, ['5', undefined, '1']);
    assert.equal(await run(clock, askForKey(fake, [], '1', 15_000, clock)), true);
    assert.ok(fake.plays >= 2, 'the prompt again after a wrong key');
    const silent = session(clock, []);
    assert.equal(await run(clock, askForKey(silent, [], ANY_KEY, 4_000, clock)), false);
  });

  test("a party's answer: its first format must be G.711 to be spoken to; offers keep G.711 alone", () => {
    const answer = (formats: string, maps: string) => Buffer.from(`v=0\r\no=- 1 1 IN IP4 10.0.0.9\r\ns=-\r\nc=IN IP4 10.0.0.9\r\nt=0 0\r\nm=audio 4000 RTP/AVP ${formats}\r\n${maps}`);
    assert.deepEqual(partyFormat(answer('8 101', 'a=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n')), { address: '10.0.0.9', port: 4000, format: { sdp: '', payloadType: 8, encoding: 'PCMA', telephoneEventPayloadType: 101 } });
    assert.equal(partyFormat(answer('9 0', 'a=rtpmap:9 G722/8000\r\n')), undefined);
    assert.deepEqual(confirmCodecs([]), ['PCMU', 'PCMA']);
    assert.deepEqual(confirmCodecs(['g729', 'alaw:20']), ['alaw:20']);
    assert.equal(confirmCodecs(['g729']), undefined);
  });
});
