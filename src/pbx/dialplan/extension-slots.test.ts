// Extension forwarding slots: which slot applies in which situation, and what each target means to the call.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DestinationTarget } from '../../domain/index.ts';
import { describeTarget, forwardFor, forwardingDecision, forwardingFlags, type CustomDestination, type ExtensionForwarding, type ExtensionSituation, type RoutedDestination } from './extension-slots.ts';

const customs = new Map<number, CustomDestination>([
  [1, { customId: 1, typeCode: 'EXTERNALNUMBER', params: ['+39 02 1234', 'INCOMINGDID', '25'] }],
  [2, { customId: 2, typeCode: 'EXTERNALNUMBER', params: ['0612345', '0299999', ''] }],
  [3, { customId: 3, typeCode: 'EXTERNALNUMBER', params: ['0612345', 'CALLERID', 'x'] }],
  [4, { customId: 4, typeCode: 'EXTERNALNUMBER', params: ['', '', ''] }],
  [5, { customId: 5, typeCode: 'HANGUP', params: ['16'] }],
]);

describe('describeTarget', () => {
  const cases: Array<[DestinationTarget, RoutedDestination]> = [
    [{ tag: 'EXT', id: 12 }, { kind: 'extension', extensionId: 12 }],
    [{ tag: 'CUSTOM', id: 1 }, { kind: 'external', number: '+39021234', presentedCallerId: 'incoming-did', ringSeconds: 25 }],
    [{ tag: 'CUSTOM', id: 2 }, { kind: 'external', number: '0612345', presentedCallerId: { number: '0299999' }, ringSeconds: undefined }],
    [{ tag: 'CUSTOM', id: 3 }, { kind: 'external', number: '0612345', presentedCallerId: 'caller', ringSeconds: undefined }],
    [{ tag: 'CUSTOM', id: 4 }, { kind: 'unsupported', tag: 'CUSTOM', id: 4, why: 'custom destination 4 has no dialable number' }],
    [{ tag: 'CUSTOM', id: 5 }, { kind: 'unsupported', tag: 'CUSTOM', id: 5, why: 'HANGUP custom destinations are not routed yet' }],
    [{ tag: 'CUSTOM', id: 9 }, { kind: 'unsupported', tag: 'CUSTOM', id: 9, why: 'custom destination 9 not found' }],
    [{ tag: 'QUEUE', id: 700 }, { kind: 'unsupported', tag: 'QUEUE', id: 700, why: 'QUEUE destinations are not routed yet' }],
  ];
  for (const [target, want] of cases) test(`${target.tag}-${target.id}`, () => assert.deepEqual(describeTarget(target, customs), want));
});

describe('forwardFor', () => {
  const all: Record<ExtensionSituation, boolean> = { incoming: false, busy: false, noanswer: false, offline: false };
  const forwarding = (enabled: Partial<Record<ExtensionSituation, boolean>>, slots: ExtensionForwarding['slots']): ExtensionForwarding => ({ enabled: { ...all, ...enabled }, slots, customs });
  const slots = { incoming: [{ tag: 'EXT', id: 1 }], busy: [{ tag: 'EXT', id: 2 }], noanswer: [{ tag: 'CUSTOM', id: 2 }], offline: [{ tag: 'EXT', id: 4 }] };
  const cases: Array<{ name: string; f: ExtensionForwarding; situation: ExtensionSituation; want: string | undefined }> = [
    { name: 'nothing switched on: no forward', f: forwarding({}, slots), situation: 'busy', want: undefined },
    { name: 'busy', f: forwarding({ busy: true }, slots), situation: 'busy', want: 'EXT-BUSY' },
    { name: 'no answer', f: forwarding({ noanswer: true }, slots), situation: 'noanswer', want: 'EXT-NOANSWER' },
    { name: 'offline', f: forwarding({ offline: true }, slots), situation: 'offline', want: 'EXT-OFFLINE' },
    { name: 'busy slot does not answer no-answer', f: forwarding({ busy: true }, slots), situation: 'noanswer', want: undefined },
    { name: 'unconditional before ringing', f: forwarding({ incoming: true, busy: true }, slots), situation: 'incoming', want: 'EXT-UNCONDITIONAL' },
    { name: 'unconditional wins in every situation', f: forwarding({ incoming: true, busy: true }, slots), situation: 'busy', want: 'EXT-UNCONDITIONAL' },
    { name: 'switched on but empty: no forward', f: forwarding({ incoming: true, busy: true }, { busy: [] }), situation: 'busy', want: undefined },
    { name: 'empty unconditional falls to the situation', f: forwarding({ incoming: true, offline: true }, { offline: slots.offline }), situation: 'offline', want: 'EXT-OFFLINE' },
    { name: 'incoming without unconditional: ring it', f: forwarding({ busy: true }, slots), situation: 'incoming', want: undefined },
  ];
  for (const c of cases) test(c.name, () => assert.equal(forwardFor(c.f, c.situation)?.slot, c.want));

  test('the slot targets are described in order', () => {
    assert.deepEqual(forwardFor(forwarding({ noanswer: true }, { noanswer: [{ tag: 'CUSTOM', id: 2 }, { tag: 'EXT', id: 5 }] }), 'noanswer'), {
      slot: 'EXT-NOANSWER',
      destinations: [
        { kind: 'external', number: '0612345', presentedCallerId: { number: '0299999' }, ringSeconds: undefined },
        { kind: 'extension', extensionId: 5 },
      ],
    });
  });

  test('flags read as stored; forwardingDecision over a directory', async () => {
    assert.deepEqual(forwardingFlags({ ex_unconditionalstatus: 'on', ex_onbusystatus: '', ex_onnoanswerstatus: 'ON', ex_onofflinestatus: null }), { incoming: true, busy: false, noanswer: true, offline: false });
    const directory = { forwarding: async (_t: number, id: number) => (id === 1 ? forwarding({ busy: true }, slots) : undefined) };
    assert.equal((await forwardingDecision(directory, 1, 1, 'busy'))?.slot, 'EXT-BUSY');
    assert.equal(await forwardingDecision(directory, 1, 2, 'busy'), undefined);
  });
});
