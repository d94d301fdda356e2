// The EXT step with fakes: what it rings, and which forwarding slot or next reason each situation gives.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExtensionForwarding, ExtensionSituation, ExtensionTarget } from '../../dialplan/index.ts';
import type { Binding } from '../../registrar/index.ts';
import type { AttemptLabel, CallHandle, RingOutcome, RingRequest } from '../../calls/index.ts';
import { contactTargets } from '../../calls/index.ts';
import { RingExtension, type RingExtensionDeps } from './ring-extension.ts';
import { followMeSettings, type FollowMeSettings } from './follow-me.ts';
import { presentFollowMe } from './follow-me-caller-id.ts';

const EXT: ExtensionTarget = { tenantId: 1, extensionId: 7, number: '101', account: '101-ACME', name: 'Bob', dnd: false, ringSeconds: 15 };
const CONTACT = { contactUri: 'sip:101@10.0.0.2:5060', source: { protocol: 'udp', address: '10.0.0.2', port: 5060 }, flowId: null } as unknown as Binding;

function fakeCall(outcome: RingOutcome | ((request: RingRequest) => RingOutcome)): CallHandle & { rung: RingRequest[]; attempts: AttemptLabel[] } {
  const rung: RingRequest[] = [];
  const attempts: AttemptLabel[] = [];
  return {
    tenantId: 1,
    tenantCode: 'ACME',
    callerParty: { number: '100', name: 'Ann', account: '100-ACME', extensionId: 3 },
    dialled: '101',
    domain: 'pbx.test',
    linkedId: 'l1',
    callerAnswered: false,
    over: false,
    rung,
    attempts,
    attempt: (label) => void attempts.push(label),
    ring: async (request) => (rung.push(request), typeof outcome === 'function' ? outcome(request) : outcome),
    answer: async () => undefined,
    recordCall: () => undefined,
    hangup: () => undefined,
    refuse: async () => undefined,
  };
}

function app(extension: ExtensionTarget | undefined, contacts: Binding[], enabled: Partial<Record<ExtensionSituation, boolean>> = {}, followMe?: FollowMeSettings, extra: Partial<RingExtensionDeps> = {}): RingExtension {
  const on = { incoming: false, busy: false, noanswer: false, offline: false, ...enabled };
  const forwarding: ExtensionForwarding = {
    enabled: on,
    slots: Object.fromEntries(Object.entries(on).filter(([, v]) => v).map(([k]) => [k, [{ tag: 'EXT', id: 9 }]])),
    customs: new Map(),
  };
  return new RingExtension({
    directory: { extensionById: async () => extension, contacts: async () => contacts },
    forwarding: { forwarding: async () => forwarding },
    followMe: {
      settings: { followMe: async () => followMe },
      dialOut: { firstTarget: async (_call, number) => (number === '0000' ? undefined : { target: { ...contactTargets(EXT, [CONTACT], { number: '100', name: 'Ann' }, 'pbx.test')[0]!, requestUri: `sip:${number}@carrier.test` }, codecs: [] }) },
      media: { audioPath: async (_t, id) => `/media/${String(id)}.wav` },
    },
    ...extra,
  });
}

describe('EXT: ring an extension', () => {
  test("rings every contact with the caller's identity and the extension's ring time; an answer connects", async () => {
    const call = fakeCall({ kind: 'answered' });
    assert.deepEqual(await app(EXT, [CONTACT, CONTACT]).run(call, { tag: 'EXT', id: 7 }), { kind: 'connected' });
    assert.equal(call.rung.length, 1);
    assert.equal(call.rung[0]?.targets.length, 2);
    assert.equal(call.rung[0]?.ringSeconds, 15);
    assert.match(call.rung[0]?.targets[0]?.from ?? '', /^"Ann" <sip:100@pbx\.test>$/);
    assert.deepEqual(call.attempts, [{ destination: '101', peerAccount: '101-ACME', landed: { kind: 'EXT', label: '101' } }]);
  });

  test('the unconditional forward goes before ringing; busy, no answer and offline go to their slots when on', async () => {
    const goto = (slot: string) => ({ kind: 'goto', slot: { slot, ownerId: 7 } });
    assert.deepEqual(await app(EXT, [CONTACT], { incoming: true }).run(fakeCall({ kind: 'answered' }), { tag: 'EXT', id: 7 }), goto('EXT-UNCONDITIONAL'));
    assert.deepEqual(await app(EXT, [CONTACT], { busy: true }).run(fakeCall({ kind: 'busy' }), { tag: 'EXT', id: 7 }), goto('EXT-BUSY'));
    assert.deepEqual(await app(EXT, [CONTACT], { noanswer: true }).run(fakeCall({ kind: 'noanswer' }), { tag: 'EXT', id: 7 }), goto('EXT-NOANSWER'));
    assert.deepEqual(await app(EXT, [], { offline: true }).run(fakeCall({ kind: 'answered' }), { tag: 'EXT', id: 7 }), goto('EXT-OFFLINE'));
    assert.deepEqual(await app({ ...EXT, dnd: true }, [CONTACT], { busy: true }).run(fakeCall({ kind: 'answered' }), { tag: 'EXT', id: 7 }), goto('EXT-BUSY'));
  });

  test('without a slot the list goes on: DND and busy are busy, offline is unavailable, an unknown id is 404', async () => {
    assert.deepEqual(await app({ ...EXT, dnd: true }, [CONTACT]).run(fakeCall({ kind: 'answered' }), { tag: 'EXT', id: 7 }), { kind: 'next', reason: 'busy' });
    assert.deepEqual(await app(EXT, [CONTACT]).run(fakeCall({ kind: 'busy' }), { tag: 'EXT', id: 7 }), { kind: 'next', reason: 'busy' });
    assert.deepEqual(await app(EXT, [CONTACT]).run(fakeCall({ kind: 'noanswer' }), { tag: 'EXT', id: 7 }), { kind: 'next', reason: 'noanswer' });
    assert.deepEqual(await app(EXT, []).run(fakeCall({ kind: 'answered' }), { tag: 'EXT', id: 7 }), { kind: 'next', reason: 'unavailable', status: 480, text: 'Temporarily Unavailable' });
    assert.deepEqual(await app(undefined, []).run(fakeCall({ kind: 'answered' }), { tag: 'EXT', id: 99 }), { kind: 'next', reason: 'unavailable', status: 404, text: 'Not Found' });
    assert.deepEqual(await app(EXT, [CONTACT]).run(fakeCall({ kind: 'caller-gone' }), { tag: 'EXT', id: 7 }), { kind: 'caller-gone' });
  });

  const FM: FollowMeSettings = { numbers: ['0612', '0799'], ringSeconds: 25, method: 'together', delaySeconds: 5, confirm: true, confirmMessageId: 8, conditionId: undefined };
  const uris = (request: RingRequest | undefined) => request?.targets.map((t) => t.requestUri) ?? [];

  test('follow-me together: the phones at once, the numbers after ex_fmfmdelay with the confirm prompt, ringing delay + ex_fmfmdialtimeout', async () => {
    const call = fakeCall({ kind: 'answered' });
    assert.deepEqual(await app(EXT, [CONTACT], {}, FM).run(call, { tag: 'EXT', id: 7 }), { kind: 'connected' });
    assert.deepEqual(uris(call.rung[0]), ['sip:101@10.0.0.2:5060', 'sip:0612@carrier.test', 'sip:0799@carrier.test']);
    assert.deepEqual(call.rung[0]?.targets.map((t) => [t.delaySeconds, t.confirm]), [[undefined, undefined], [5, { prompt: [{ kind: 'file', path: '/media/8.wav' }] }], [5, { prompt: [{ kind: 'file', path: '/media/8.wav' }] }]]);
    assert.equal(call.rung[0]?.ringSeconds, 30);
  });

  test('follow-me after: the phones for their ring time, then each number in turn; a number with no route is skipped', async () => {
    const call = fakeCall((request) => (uris(request)[0] === 'sip:0799@carrier.test' ? { kind: 'answered' } : { kind: 'noanswer' }));
    const after = { ...FM, method: 'after' as const, numbers: ['0000', '0612', '0799'], confirm: false };
    assert.deepEqual(await app(EXT, [CONTACT], {}, after).run(call, { tag: 'EXT', id: 7 }), { kind: 'connected' });
    assert.deepEqual(call.rung.map(uris), [['sip:101@10.0.0.2:5060'], ['sip:0612@carrier.test'], ['sip:0799@carrier.test']]);
    assert.deepEqual(call.rung.map((r) => r.ringSeconds), [15, 25, 25]);
    assert.equal(call.rung[1]?.targets[0]?.confirm, undefined);
    const busy = fakeCall({ kind: 'busy' });
    assert.deepEqual(await app(EXT, [CONTACT], {}, after).run(busy, { tag: 'EXT', id: 7 }), { kind: 'next', reason: 'busy' });
    assert.equal(busy.rung.length, 1, 'a busy phone means its user is there: no follow-me');
  });

  test('an extension offline still rings its follow-me; with nobody its offline forward runs; DIAL nofollow and conditions keep it off', async () => {
    const call = fakeCall({ kind: 'noanswer' });
    assert.deepEqual(await app(EXT, [], { offline: true }, FM).run(call, { tag: 'EXT', id: 7 }), { kind: 'goto', slot: { slot: 'EXT-OFFLINE', ownerId: 7 } });
    assert.deepEqual(uris(call.rung[0]), ['sip:0612@carrier.test', 'sip:0799@carrier.test']);
    assert.equal(call.rung[0]?.targets[0]?.delaySeconds, undefined, 'no phone to ring first: no delay');
    const nofollow = { ...fakeCall({ kind: 'noanswer' }), followMe: false };
    await app(EXT, [CONTACT], {}, FM).run(nofollow, { tag: 'EXT', id: 7 });
    assert.deepEqual(uris(nofollow.rung[0]), ['sip:101@10.0.0.2:5060']);
    const conditional = fakeCall({ kind: 'noanswer' });
    await app(EXT, [CONTACT], {}, { ...FM, conditionId: 3 }).run(conditional, { tag: 'EXT', id: 7 });
    assert.deepEqual(uris(conditional.rung[0]), ['sip:101@10.0.0.2:5060'], 'follow-me on a condition is not built: not rung');
  });

  test('RINGMUSICONHOLD: the same ringing with the caller hearing music', async () => {
    const call = fakeCall({ kind: 'answered' });
    await app(EXT, [CONTACT], {}, undefined, { callerHears: 'music' }).run(call, { tag: 'RINGMUSICONHOLD', id: 7 });
    assert.equal(call.rung[0]?.callerHears, 'music');
  });

  test('ex_fmfm* columns: off without ex_fmfmstatus or a usable number; numbers split and cleaned; methods', () => {
    assert.equal(followMeSettings({ ex_fmfmstatus: '', ex_fmfmnumber: '0612' }), undefined);
    assert.equal(followMeSettings({ ex_fmfmstatus: 'on', ex_fmfmnumber: 'abc' }), undefined);
    assert.deepEqual(followMeSettings({ ex_fmfmstatus: 'on', ex_fmfmnumber: '+41 44 123-45.67; 0612|x', ex_fmfmdialtimeout: 30, ex_fmfmdialmethod: 'hunt', ex_fmfmdelay: '3', ex_fmfmconfirm: 'on', ex_fmfmconfirmmessage_id: 12, ex_fmfmonconditionid: null }), {
      numbers: ['+41441234567', '0612'], ringSeconds: 30, method: 'after', delaySeconds: 3, confirm: true, confirmMessageId: 12, conditionId: undefined,
    });
    assert.equal(followMeSettings({ ex_fmfmstatus: 'on', ex_fmfmnumber: '0612', ex_fmfmdialmethod: 'RINGALL' })?.method, 'together');
  });

  test('ex_fmfmcallerid, ex_fmfmnumprefix, ex_fmfmnameprefix: what the follow-me number sees', async () => {
    const row = { ex_fmfmstatus: 'on', ex_fmfmnumber: '0612', ex_number: '101', ex_name: 'Bob' };
    assert.equal(followMeSettings(row)?.presentation, undefined, 'nothing asked: the route decides, as before');
    const fromOf = async (columns: Record<string, string>) => {
      const call = fakeCall({ kind: 'noanswer' });
      await app(EXT, [], {}, followMeSettings({ ...row, ...columns })).run(call, { tag: 'EXT', id: 7 });
      return call.rung[0]?.targets[0]?.from;
    };
    assert.equal(await fromOf({ ex_fmfmcallerid: 'EXTENSION', ex_fmfmnumprefix: '00', ex_fmfmnameprefix: 'FM ' }), '"FM Bob" <sip:00101@pbx.test>');
    assert.equal(await fromOf({ ex_fmfmcallerid: 'on', ex_fmfmnameprefix: 'FM:' }), '"FM:Ann" <sip:100@pbx.test>');
    assert.equal(await fromOf({ ex_fmfmcallerid: '+41 44 000 11 22' }), '<sip:+41440001122@pbx.test>');
    assert.equal(await fromOf({ ex_fmfmcallerid: 'INCOMINGDID' }), '"Ann" <sip:101@pbx.test>', 'the number the call was made to');
    assert.equal(await fromOf({ ex_fmfmcallerid: 'nonsense', ex_fmfmnumprefix: 'x1' }), '"Ann" <sip:100@pbx.test>', 'unknown value and a bad prefix: unchanged');
  });

  test('the route\'s caller id keeps its host and identity headers when only prefixes are asked', () => {
    const carrier = { ...contactTargets(EXT, [CONTACT], { number: '100', name: 'Ann' }, 'pbx.test')[0]!, from: '"Carol" <sip:0444@carrier.test>', extraHeaders: [['P-Asserted-Identity', '"Carol" <sip:0444@carrier.test>'], ['Remote-Party-ID', '"Carol" <sip:0444@carrier.test>;party=calling;screen=yes;privacy=off'], ['X-Other', 'kept']] as Array<[string, string]> };
    const shown = presentFollowMe(fakeCall({ kind: 'noanswer' }), carrier, { callerId: { kind: 'route' }, numberPrefix: '9', namePrefix: 'FM ' });
    assert.equal(shown.from, '"FM Carol" <sip:90444@carrier.test>');
    assert.deepEqual(shown.extraHeaders, [['P-Asserted-Identity', '"FM Carol" <sip:90444@carrier.test>'], ['Remote-Party-ID', '"FM Carol" <sip:90444@carrier.test>;party=calling;screen=yes;privacy=off'], ['X-Other', 'kept']]);
  });
});
