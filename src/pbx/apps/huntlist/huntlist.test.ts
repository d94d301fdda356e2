// Ring groups with a scripted call: whom each strategy rings, for how long, in which order, and what follows.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../shared/index.ts';
import type { ExtensionTarget } from '../../dialplan/index.ts';
import type { Binding } from '../../registrar/index.ts';
import { ChannelRegistry, contactTargets, type CallHandle, type RingOutcome, type RingRequest, type Target } from '../../calls/index.ts';
import type { CustomDestination, ExtensionSituation } from '../../dialplan/index.ts';
import type { FollowMeSettings } from '../ring-extension/index.ts';
import type { DialOut } from '../dial-out/index.ts';
import { HuntList } from './huntlist.ts';
import { huntlistSettings } from './huntlist-settings.ts';

const ext = (id: number, extra: Partial<ExtensionTarget> = {}): ExtensionTarget => ({ tenantId: 1, extensionId: id, number: String(100 + id), account: `${100 + id}-ACME`, name: `E${id}`, dnd: false, ringSeconds: undefined, ...extra });
const contact = (id: number) => ({ contactUri: `sip:${100 + id}@10.0.0.${id}:5060`, source: { protocol: 'udp', address: `10.0.0.${id}`, port: 5060 }, flowId: null }) as unknown as Binding;

/** The call: each ring answers as `answers` says for the extensions it rings (the first listed wins), time moves by the ring time when nobody answers. */
function fakeCall(clock: FakeClock, answers: (request: RingRequest) => RingOutcome): CallHandle & { rings: Array<{ who: string[]; seconds: number | undefined }>; requests: RingRequest[] } {
  const rings: Array<{ who: string[]; seconds: number | undefined }> = [];
  const requests: RingRequest[] = [];
  return {
    tenantId: 1,
    tenantCode: 'ACME',
    callerParty: { number: '200', name: 'Caller', account: '200-ACME' },
    dialled: '600',
    domain: 'pbx.test',
    linkedId: 'l1',
    callerAnswered: false,
    over: false,
    rings,
    requests,
    attempt: () => undefined,
    ring: async (request) => {
      requests.push(request);
      rings.push({ who: request.targets.map((t) => t.channel.account), seconds: request.ringSeconds });
      const outcome = answers(request);
      // Only ringing out takes the ring time: an answer or a busy phone comes at once.
      if (outcome.kind === 'noanswer') clock.advance((request.ringSeconds ?? 0) * 1000);
      return outcome;
    },
    answer: async () => undefined,
    recordCall: () => undefined,
    hangup: () => undefined,
    refuse: async () => undefined,
  };
}

interface GroupOptions {
  members?: Target[];
  timeoutSlot?: boolean;
  busy?: string[];
  extensions?: ExtensionTarget[];
  /** Extension ids with no registered phone. */
  offline?: number[];
  followMe?: Record<number, FollowMeSettings>;
  customs?: CustomDestination[];
  /** Extensions' switched-on forwarding slots and their targets, by extension id. */
  forwards?: Record<number, Partial<Record<ExtensionSituation, Target[]>>>;
}

/** A carrier for every outside number, named after it. */
const carrierOf = (number: string) => ({ target: { ...contactTargets(ext(9), [contact(9)], { number: '200', name: 'Caller' }, 'pbx.test')[0]!, requestUri: `sip:${number}@carrier.test`, channel: { base: 'Carrier', extension: '', account: '', callerIdNum: number, callerIdName: '', exten: number } }, codecs: ['alaw'] });

function group(columns: Record<string, string | number>, clock: FakeClock, options: GroupOptions = {}): HuntList {
  const extensions = options.extensions ?? [ext(1), ext(2), ext(3)];
  const channels = new ChannelRegistry();
  for (const account of options.busy ?? []) channels.add({ name: `PJSIP/${account}-1`, tenantId: 1, uniqueId: 'u', linkedId: `busy-${account}`, node: 'n', direction: 'OUT', extension: '', account, callerIdNum: '', callerIdName: '', connectedNum: '', connectedName: '', exten: '', context: '', state: 'Up', createdAt: new Date(0), answeredAt: undefined, bridgedTo: undefined, sipCallId: '', originateId: '' }, { hangup: () => undefined, blindTransfer: async () => undefined });
  const members = options.members ?? extensions.map((e) => ({ tag: 'EXT', id: e.extensionId }));
  return new HuntList({
    lists: { huntlist: async () => huntlistSettings({ hu_id: 9, hu_number: '600', ...columns }) },
    slots: {
      slotTargets: async (_t, slot) => (slot === 'HUNTLIST' ? members : slot === 'HUNTLIST-TIMEOUT' && options.timeoutSlot ? [{ tag: 'VOICEMAIL', id: 1 }] : []),
      forwarding: async (_t, id) => {
        const slots = options.forwards?.[id] ?? {};
        const enabled = { incoming: false, busy: false, noanswer: false, offline: false, ...Object.fromEntries(Object.keys(slots).map((k) => [k, true])) };
        return { enabled, slots, customs: new Map((options.customs ?? []).map((c) => [c.customId, c] as const)) };
      },
    },
    directory: { extensionById: async (_t, id) => extensions.find((e) => e.extensionId === id), contacts: async (_t, id) => (options.offline?.includes(id) ? [] : [contact(id)]) },
    customs: { customs: async () => options.customs ?? [] },
    channels,
    dialOut: { firstTarget: async (_call: CallHandle, number: string) => carrierOf(number), dial: async () => ({ kind: 'next', reason: 'noanswer' }) } as unknown as DialOut,
    clock,
    media: { audioPath: async (_t, id) => `/media/${String(id)}.8k.wav` },
    followMe: { followMe: async (_t, id) => options.followMe?.[id] },
    confirmSeconds: 7,
  });
}

const answeredBy = (account: string) => (request: RingRequest): RingOutcome => (request.targets.some((t) => t.channel.account === account) ? { kind: 'answered' } : { kind: 'noanswer' });

describe('hunt lists', () => {
  test('RINGALL rings every member at once for hu_ringtime', async () => {
    const clock = new FakeClock();
    const call = fakeCall(clock, answeredBy('102-ACME'));
    assert.deepEqual(await group({ hu_type: 'RINGALL', hu_ringtime: 15 }, clock).run(call, { tag: 'HUNTLIST', id: 9 }), { kind: 'connected' });
    assert.deepEqual(call.rings, [{ who: ['101-ACME', '102-ACME', '103-ACME'], seconds: 15 }]);
  });

  test('SEQUENCE rings one member after another; nobody: HUNTLIST-TIMEOUT when it has targets, else no answer', async () => {
    const clock = new FakeClock();
    const call = fakeCall(clock, answeredBy('103-ACME'));
    assert.deepEqual(await group({ hu_type: 'SEQUENCE', hu_ringtime: 10 }, clock).run(call, { tag: 'HUNTLIST', id: 9 }), { kind: 'connected' });
    assert.deepEqual(call.rings.map((r) => r.who), [['101-ACME'], ['102-ACME'], ['103-ACME']]);
    const nobody = fakeCall(clock, () => ({ kind: 'noanswer' }));
    assert.deepEqual(await group({ hu_type: 'SEQUENCE' }, clock, { timeoutSlot: true }).run(nobody, { tag: 'HUNTLIST', id: 9 }), { kind: 'goto', slot: { slot: 'HUNTLIST-TIMEOUT', ownerId: 9 } });
    assert.deepEqual(await group({ hu_type: 'SEQUENCE' }, clock).run(fakeCall(clock, () => ({ kind: 'noanswer' })), { tag: 'HUNTLIST', id: 9 }), { kind: 'next', reason: 'noanswer' });
  });

  test('CYCLE starts after the member that took the last call', async () => {
    const clock = new FakeClock();
    const list = group({ hu_type: 'CYCLE' }, clock);
    const first = fakeCall(clock, answeredBy('101-ACME'));
    await list.run(first, { tag: 'HUNTLIST', id: 9 });
    const second = fakeCall(clock, answeredBy('103-ACME'));
    await list.run(second, { tag: 'HUNTLIST', id: 9 });
    assert.deepEqual(second.rings.map((r) => r.who[0]), ['102-ACME', '103-ACME']);
    const third = fakeCall(clock, answeredBy('101-ACME'));
    await list.run(third, { tag: 'HUNTLIST', id: 9 });
    assert.deepEqual(third.rings.map((r) => r.who[0]), ['101-ACME'], 'after 103 comes 101 again');
  });

  test('RINGALLLOOP rings everyone round after round until hu_dialtimeout, the last round cut to what is left', async () => {
    const clock = new FakeClock();
    const call = fakeCall(clock, () => ({ kind: 'noanswer' }));
    assert.deepEqual(await group({ hu_type: 'RINGALLLOOP', hu_ringtime: 20, hu_dialtimeout: 50 }, clock).run(call, { tag: 'HUNTLIST', id: 9 }), { kind: 'next', reason: 'noanswer' });
    assert.deepEqual(call.rings.map((r) => r.seconds), [20, 20, 10]);
  });

  test('busy members are skipped with hu_checkinuse, DND members always; a sequence stops at hu_dialtimeout', async () => {
    const clock = new FakeClock();
    const call = fakeCall(clock, () => ({ kind: 'noanswer' }));
    await group({ hu_type: 'RINGALL', hu_checkinuse: 'on' }, clock, { busy: ['102-ACME'], extensions: [ext(1), ext(2), ext(3, { dnd: true })] }).run(call, { tag: 'HUNTLIST', id: 9 });
    assert.deepEqual(call.rings.map((r) => r.who), [['101-ACME']]);
    const timed = fakeCall(clock, () => ({ kind: 'noanswer' }));
    await group({ hu_type: 'SEQUENCE', hu_ringtime: 20, hu_dialtimeout: 30 }, clock).run(timed, { tag: 'HUNTLIST', id: 9 });
    assert.deepEqual(timed.rings.map((r) => r.seconds), [20, 10]);
  });

  test('hu_requestconfirm asks every member to confirm (hu_confirmmessage_id as the prompt); hu_usemoh has the caller hear music', async () => {
    const clock = new FakeClock();
    const call = fakeCall(clock, () => ({ kind: 'noanswer' }));
    await group({ hu_type: 'RINGALL', hu_requestconfirm: 'on', hu_confirmmessage_id: 44, hu_usemoh: 'on' }, clock).run(call, { tag: 'HUNTLIST', id: 9 });
    assert.deepEqual(call.requests[0]?.confirm, { prompt: [{ kind: 'file', path: '/media/44.8k.wav' }], timeoutSeconds: 7 });
    assert.equal(call.requests[0]?.callerHears, 'music');
    const plain = fakeCall(clock, () => ({ kind: 'noanswer' }));
    await group({ hu_type: 'SEQUENCE', hu_requestconfirm: 'on' }, clock).run(plain, { tag: 'HUNTLIST', id: 9 });
    assert.deepEqual(plain.requests.map((r) => r.confirm), [{ timeoutSeconds: 7 }, { timeoutSeconds: 7 }, { timeoutSeconds: 7 }], 'the system prompt when the list names none');
    assert.deepEqual(plain.requests.map((r) => r.callerHears), [undefined, undefined, undefined]);
  });

  test('an outside member in a sequence with confirmation is rung through its first carrier, with the carrier codecs', async () => {
    const clock = new FakeClock();
    const call = fakeCall(clock, (request) => (request.targets[0]?.requestUri.includes('0612') ? { kind: 'answered' } : { kind: 'noanswer' }));
    const customs: CustomDestination[] = [{ customId: 5, typeCode: 'EXTERNALNUMBER', params: ['0612', '', ''] }];
    const outcome = await group({ hu_type: 'SEQUENCE', hu_requestconfirm: 'on' }, clock, { members: [{ tag: 'EXT', id: 1 }, { tag: 'CUSTOM', id: 5 }], customs }).run(call, { tag: 'HUNTLIST', id: 9 });
    assert.deepEqual(outcome, { kind: 'connected' });
    assert.equal(call.requests[1]?.targets[0]?.requestUri, 'sip:0612@carrier.test');
    assert.deepEqual(call.requests[1]?.codecs, ['alaw']);
    assert.deepEqual(call.requests[1]?.confirm, { timeoutSeconds: 7 });
  });

  test('hu_checkoffline skips a member without phones, its follow-me too; hu_allowfmfm rings members\' follow-me numbers', async () => {
    const clock = new FakeClock();
    const followMe: FollowMeSettings = { numbers: ['0799'], ringSeconds: 10, method: 'together', delaySeconds: 4, confirm: true, confirmMessageId: undefined, conditionId: undefined };
    const allowed = fakeCall(clock, () => ({ kind: 'noanswer' }));
    await group({ hu_type: 'RINGALL', hu_allowfmfm: 'on' }, clock, { followMe: { 1: followMe } }).run(allowed, { tag: 'HUNTLIST', id: 9 });
    const fm = allowed.requests[0]?.targets.find((t) => t.requestUri === 'sip:0799@carrier.test');
    assert.deepEqual([fm?.delaySeconds, fm?.confirm], [4, { timeoutSeconds: 7 }]);
    const notAllowed = fakeCall(clock, () => ({ kind: 'noanswer' }));
    await group({ hu_type: 'RINGALL' }, clock, { followMe: { 1: followMe } }).run(notAllowed, { tag: 'HUNTLIST', id: 9 });
    assert.deepEqual(notAllowed.rings[0]?.who, ['101-ACME', '102-ACME', '103-ACME'], 'no follow-me without hu_allowfmfm');
    const offline = fakeCall(clock, () => ({ kind: 'noanswer' }));
    await group({ hu_type: 'RINGALL', hu_allowfmfm: 'on', hu_checkoffline: 'on' }, clock, { followMe: { 1: followMe }, offline: [1] }).run(offline, { tag: 'HUNTLIST', id: 9 });
    assert.deepEqual(offline.rings[0]?.who, ['102-ACME', '103-ACME']);
    const reachable = fakeCall(clock, () => ({ kind: 'noanswer' }));
    await group({ hu_type: 'RINGALL', hu_allowfmfm: 'on' }, clock, { followMe: { 1: followMe }, offline: [1] }).run(reachable, { tag: 'HUNTLIST', id: 9 });
    const only = reachable.requests[0]?.targets.find((t) => t.requestUri === 'sip:0799@carrier.test');
    assert.equal(only?.delaySeconds, undefined, 'a member with no phone rings its follow-me at once');
    const nofollow = { ...fakeCall(clock, () => ({ kind: 'noanswer' })), followMe: false };
    await group({ hu_type: 'RINGALL', hu_allowfmfm: 'on' }, clock, { followMe: { 1: followMe } }).run(nofollow, { tag: 'HUNTLIST', id: 9 });
    assert.equal(nofollow.requests[0]?.targets.length, 3, 'DIAL nofollow keeps follow-me off');
  });

  const customs: CustomDestination[] = [{ customId: 5, typeCode: 'EXTERNALNUMBER', params: ['0612', '', ''] }, { customId: 6, typeCode: 'EXTERNALNUMBER', params: ['0677', 'INCOMINGDID', ''] }];
  const uris = (request: RingRequest | undefined) => request?.targets.map((t) => t.requestUri) ?? [];

  test('hu_allowredirect: the unconditional forward rings in the member\'s place (numbers, phones), a forward to voicemail leaves it out, DND takes the busy forward', async () => {
    const clock = new FakeClock();
    const extensions = [ext(1), ext(2), ext(3, { dnd: true }), ext(4)];
    const forwards = { 1: { incoming: [{ tag: 'CUSTOM', id: 6 }] }, 2: { incoming: [{ tag: 'VOICEMAIL', id: 1 }] }, 3: { busy: [{ tag: 'EXT', id: 4 }, { tag: 'VOICEMAIL', id: 1 }] } };
    const members = [1, 2, 3].map((id) => ({ tag: 'EXT', id }));
    const redirect = fakeCall(clock, () => ({ kind: 'noanswer' }));
    await group({ hu_type: 'RINGALL', hu_allowredirect: 'on' }, clock, { extensions, members, forwards, customs }).run(redirect, { tag: 'HUNTLIST', id: 9 });
    assert.deepEqual(uris(redirect.requests[0]), ['sip:0677@carrier.test', 'sip:104@10.0.0.4:5060']);
    assert.match(redirect.requests[0]?.targets[0]?.from ?? '', /<sip:600@/, 'INCOMINGDID: the number sees the number the call was made to');
    const plain = fakeCall(clock, () => ({ kind: 'noanswer' }));
    await group({ hu_type: 'RINGALL' }, clock, { extensions, members, forwards, customs }).run(plain, { tag: 'HUNTLIST', id: 9 });
    assert.deepEqual(plain.rings[0]?.who, ['101-ACME', '102-ACME'], 'without hu_allowredirect forwards are not followed');
  });

  test('hu_allowredirect: the no-answer forward joins after the member\'s own ring time; offline and (SEQUENCE) busy phones take their forwards', async () => {
    const clock = new FakeClock();
    const forwards = { 1: { noanswer: [{ tag: 'CUSTOM', id: 5 }] }, 2: { offline: [{ tag: 'CUSTOM', id: 6 }] }, 3: { busy: [{ tag: 'CUSTOM', id: 5 }] } };
    const extensions = [ext(1, { ringSeconds: 8 }), ext(2), ext(3)];
    const all = fakeCall(clock, () => ({ kind: 'noanswer' }));
    await group({ hu_type: 'RINGALL', hu_ringtime: 20, hu_allowredirect: 'on' }, clock, { extensions, forwards, customs, offline: [2] }).run(all, { tag: 'HUNTLIST', id: 9 });
    assert.deepEqual(all.requests[0]?.targets.map((t) => [t.requestUri, t.delaySeconds]), [['sip:101@10.0.0.1:5060', undefined], ['sip:0612@carrier.test', 8], ['sip:0677@carrier.test', undefined], ['sip:103@10.0.0.3:5060', undefined]]);
    const short = fakeCall(clock, () => ({ kind: 'noanswer' }));
    await group({ hu_type: 'RINGALL', hu_ringtime: 8, hu_allowredirect: 'on' }, clock, { extensions, forwards, customs }).run(short, { tag: 'HUNTLIST', id: 9 });
    assert.ok(!uris(short.requests[0]).includes('sip:0612@carrier.test'), 'the group moves on before the member\'s own ring time ends');
    const sequence = fakeCall(clock, (request) => (uris(request)[0] === 'sip:103@10.0.0.3:5060' ? { kind: 'busy' } : uris(request)[0] === 'sip:0612@carrier.test' ? { kind: 'answered' } : { kind: 'noanswer' }));
    const outcome = await group({ hu_type: 'SEQUENCE', hu_ringtime: 10, hu_allowredirect: 'on' }, clock, { extensions, forwards: { 3: forwards[3] }, customs, members: [{ tag: 'EXT', id: 3 }] }).run(sequence, { tag: 'HUNTLIST', id: 9 });
    assert.deepEqual(outcome, { kind: 'connected' });
    assert.deepEqual(sequence.requests.map(uris), [['sip:103@10.0.0.3:5060'], ['sip:0612@carrier.test']]);
  });

  test('hu_allowadditionaldestinations rings members\' follow-me numbers as hu_allowfmfm does', async () => {
    const clock = new FakeClock();
    const followMe: FollowMeSettings = { numbers: ['0799'], ringSeconds: 10, method: 'together', delaySeconds: 0, confirm: false, confirmMessageId: undefined, conditionId: undefined };
    const call = fakeCall(clock, () => ({ kind: 'noanswer' }));
    await group({ hu_type: 'RINGALL', hu_allowadditionaldestinations: 'on' }, clock, { followMe: { 2: followMe } }).run(call, { tag: 'HUNTLIST', id: 9 });
    assert.deepEqual(uris(call.requests[0]), ['sip:101@10.0.0.1:5060', 'sip:102@10.0.0.2:5060', 'sip:0799@carrier.test', 'sip:103@10.0.0.3:5060']);
  });
});
