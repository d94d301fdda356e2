// The EXT step with fakes: what it rings, and which forwarding slot or next reason each situation gives.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExtensionForwarding, ExtensionSituation, ExtensionTarget } from '../../dialplan/index.ts';
import type { Binding } from '../../registrar/index.ts';
import type { AttemptLabel, CallHandle, RingOutcome, RingRequest } from '../../calls/index.ts';
import { RingExtension } from './ring-extension.ts';

const EXT: ExtensionTarget = { tenantId: 1, extensionId: 7, number: '101', account: '101-ACME', name: 'Bob', dnd: false, ringSeconds: 15 };
const CONTACT = { contactUri: 'sip:101@10.0.0.2:5060', source: { protocol: 'udp', address: '10.0.0.2', port: 5060 }, flowId: null } as unknown as Binding;

function fakeCall(outcome: RingOutcome): CallHandle & { rung: RingRequest[]; attempts: AttemptLabel[] } {
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
    ring: async (request) => (rung.push(request), outcome),
    answer: async () => undefined,
    recordCall: () => undefined,
    hangup: () => undefined,
    refuse: async () => undefined,
  };
}

function app(extension: ExtensionTarget | undefined, contacts: Binding[], enabled: Partial<Record<ExtensionSituation, boolean>> = {}): RingExtension {
  const on = { incoming: false, busy: false, noanswer: false, offline: false, ...enabled };
  const forwarding: ExtensionForwarding = {
    enabled: on,
    slots: Object.fromEntries(Object.entries(on).filter(([, v]) => v).map(([k]) => [k, [{ tag: 'EXT', id: 9 }]])),
    customs: new Map(),
  };
  return new RingExtension({
    directory: { extensionById: async () => extension, contacts: async () => contacts },
    forwarding: { forwarding: async () => forwarding },
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
});
