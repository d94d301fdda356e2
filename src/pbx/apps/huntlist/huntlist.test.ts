// Ring groups with a scripted call: whom each strategy rings, for how long, in which order, and what follows.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../shared/index.ts';
import type { ExtensionTarget } from '../../dialplan/index.ts';
import type { Binding } from '../../registrar/index.ts';
import { ChannelRegistry, type CallHandle, type RingOutcome, type RingRequest, type Target } from '../../calls/index.ts';
import type { DialOut } from '../dial-out/index.ts';
import { HuntList } from './huntlist.ts';
import { huntlistSettings } from './huntlist-settings.ts';

const ext = (id: number, extra: Partial<ExtensionTarget> = {}): ExtensionTarget => ({ tenantId: 1, extensionId: id, number: String(100 + id), account: `${100 + id}-ACME`, name: `E${id}`, dnd: false, ringSeconds: undefined, ...extra });
const contact = (id: number) => ({ contactUri: `sip:${100 + id}@10.0.0.${id}:5060`, source: { protocol: 'udp', address: `10.0.0.${id}`, port: 5060 }, flowId: null }) as unknown as Binding;

/** The call: each ring answers as `answers` says for the extensions it rings (the first listed wins), time moves by the ring time. */
function fakeCall(clock: FakeClock, answers: (request: RingRequest) => RingOutcome): CallHandle & { rings: Array<{ who: string[]; seconds: number | undefined }> } {
  const rings: Array<{ who: string[]; seconds: number | undefined }> = [];
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
    attempt: () => undefined,
    ring: async (request) => {
      rings.push({ who: request.targets.map((t) => t.channel.account), seconds: request.ringSeconds });
      const outcome = answers(request);
      if (outcome.kind !== 'answered') clock.advance((request.ringSeconds ?? 0) * 1000);
      return outcome;
    },
    answer: async () => undefined,
    recordCall: () => undefined,
    hangup: () => undefined,
    refuse: async () => undefined,
  };
}

function group(columns: Record<string, string | number>, clock: FakeClock, options: { members?: Target[]; timeoutSlot?: boolean; busy?: string[]; extensions?: ExtensionTarget[] } = {}): HuntList {
  const extensions = options.extensions ?? [ext(1), ext(2), ext(3)];
  const channels = new ChannelRegistry();
  for (const account of options.busy ?? []) channels.add({ name: `PJSIP/${account}-1`, tenantId: 1, uniqueId: 'u', linkedId: `busy-${account}`, node: 'n', direction: 'OUT', extension: '', account, callerIdNum: '', callerIdName: '', connectedNum: '', connectedName: '', exten: '', context: '', state: 'Up', createdAt: new Date(0), answeredAt: undefined, bridgedTo: undefined, sipCallId: '', originateId: '' }, { hangup: () => undefined, blindTransfer: async () => undefined });
  const members = options.members ?? extensions.map((e) => ({ tag: 'EXT', id: e.extensionId }));
  return new HuntList({
    lists: { huntlist: async () => huntlistSettings({ hu_id: 9, hu_number: '600', ...columns }) },
    slots: { slotTargets: async (_t, slot) => (slot === 'HUNTLIST' ? members : slot === 'HUNTLIST-TIMEOUT' && options.timeoutSlot ? [{ tag: 'VOICEMAIL', id: 1 }] : []) },
    directory: { extensionById: async (_t, id) => extensions.find((e) => e.extensionId === id), contacts: async (_t, id) => [contact(id)] },
    customs: { customs: async () => [] },
    channels,
    dialOut: {} as DialOut,
    clock,
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
});
