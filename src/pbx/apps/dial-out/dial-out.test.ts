// Dialling out with fakes: carriers tried in failover order, what ends the search, what the caller hears.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { providerTarget, type OutboundDirectory, type SipTrunkTarget } from '../../dialplan/index.ts';
import { ChannelRegistry, type CallHandle, type RingOutcome, type RingRequest } from '../../calls/index.ts';
import { DialOut } from './dial-out.ts';

function trunk(id: number, extra: Record<string, string> = {}): SipTrunkTarget {
  const parsed = providerTarget({ pr_id: id, pr_name: `Carrier${id}`, pr_tech: 'PJSIP', pr_host: `192.0.2.${id}`, ...extra });
  if (!parsed.ok) throw new Error(parsed.why);
  return parsed.target;
}

const routing = (permission = 'all'): OutboundDirectory => ({
  callerRouting: async () => ({ extensionId: 3, routingProfileId: 1, callAllowed: permission, destAllowRegex: '', callAllowedReason: 'no calls out', callerIdNumber: '100', callerIdName: 'Ann', emergencyCallerId: '' }),
  routes: async () => [1, 2, 3].map((providerId) => ({ routeId: providerId, regex: '^0', providerId, addDigits: '', deleteDigits: 0, order: providerId, priority: 0, weight: 1, emergency: false, usePin: false, nodeId: null })),
  routingProviders: async (ids) => ids.map((providerId) => ({ providerId, disabled: false, callerId: '', callerIdName: '' })),
});

function fakeCall(outcomes: RingOutcome[]): CallHandle & { rung: RingRequest[] } {
  const rung: RingRequest[] = [];
  return {
    tenantId: 1,
    tenantCode: 'ACME',
    callerParty: { number: '100', name: 'Ann', account: '100-ACME', extensionId: 3 },
    dialled: '0612345',
    domain: 'pbx.test',
    linkedId: 'l1',
    callerAnswered: false,
    over: false,
    rung,
    attempt: () => undefined,
    ring: async (request) => (rung.push(request), outcomes.shift() ?? { kind: 'failed', status: 503, text: 'x' }),
    answer: async () => undefined,
    recordCall: () => undefined,
    hangup: () => undefined,
    refuse: async () => undefined,
  };
}

function dialOut(targets: Record<number, SipTrunkTarget>, permission?: string) {
  const counters = { providerLimit: 0 };
  const app = new DialOut({ routing: routing(permission), carriers: { carrierAt: async () => undefined, target: async (id) => targets[id], addressOf: async (t) => t.host }, channels: new ChannelRegistry(), counters });
  return { app, counters };
}

describe('dial out', () => {
  test('a failing carrier hands over to the next; the answer connects', async () => {
    const { app } = dialOut({ 1: trunk(1), 2: trunk(2), 3: trunk(3) });
    const call = fakeCall([{ kind: 'failed', status: 503, text: 'Service Unavailable' }, { kind: 'answered' }]);
    assert.deepEqual(await app.dial(call, { number: '0612345' }), { kind: 'connected' });
    assert.deepEqual(call.rung.map((r) => r.targets[0]?.requestUri), ['sip:0612345@192.0.2.1:5060', 'sip:0612345@192.0.2.2:5060']);
  });

  test('busy or no answer ends the search: another carrier would ring the same person', async () => {
    const { app } = dialOut({ 1: trunk(1), 2: trunk(2), 3: trunk(3) });
    const call = fakeCall([{ kind: 'busy' }]);
    assert.deepEqual(await app.dial(call, { number: '0612345' }), { kind: 'next', reason: 'busy' });
    assert.equal(call.rung.length, 1);
  });

  test("every carrier refusing gives the last one's answer; none reachable is 503; only codec refusals are 488", async () => {
    const { app } = dialOut({ 1: trunk(1), 2: trunk(2), 3: trunk(3) });
    const refusing = fakeCall([{ kind: 'failed', status: 503, text: 'x' }, { kind: 'failed', status: 503, text: 'x' }, { kind: 'failed', status: 404, text: 'Not Found' }]);
    assert.deepEqual(await app.dial(refusing, { number: '0612345' }), { kind: 'next', reason: 'failed', status: 404, text: 'Not Found' });
    const codecs = fakeCall([{ kind: 'no-codec' }, { kind: 'no-codec' }, { kind: 'no-codec' }]);
    assert.deepEqual(await app.dial(codecs, { number: '0612345' }), { kind: 'next', reason: 'failed', status: 488, text: 'Not Acceptable Here' });
    const { app: none } = dialOut({});
    assert.deepEqual(await none.dial(fakeCall([]), { number: '0612345' }), { kind: 'next', reason: 'failed', status: 503, text: 'Service Unavailable' });
  });

  test('a full trunk (pr_maxoutchannels) is skipped and counted', async () => {
    const full = trunk(1, { pr_maxoutchannels: '0' });
    const { app, counters } = dialOut({ 1: { ...full, maxChannels: 0 }, 2: trunk(2) });
    const call = fakeCall([{ kind: 'answered' }]);
    assert.deepEqual(await app.dial(call, { number: '0612345' }), { kind: 'connected' });
    assert.equal(counters.providerLimit, 1);
    assert.equal(call.rung[0]?.targets[0]?.requestUri, 'sip:0612345@192.0.2.2:5060');
  });

  test("the caller's permission refuses with 403 and why; a number no route takes is 404", async () => {
    const { app } = dialOut({ 1: trunk(1) }, 'none');
    assert.deepEqual(await app.dial(fakeCall([]), { number: '0612345' }), { kind: 'failed', status: 403, text: 'no calls out' });
    const { app: open } = dialOut({ 1: trunk(1) });
    assert.deepEqual(await open.dial(fakeCall([]), { number: '99' }), { kind: 'next', reason: 'unavailable', status: 404, text: 'Not Found' });
  });
});
