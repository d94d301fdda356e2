// Call admission: a tenant without te_maxchannels still cannot take more than its share of the relay, so another
// tenant's calls get through; one extension cannot hold more than its own limit of calls.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MediaRelay } from '../../media/index.ts';
import { refuseCall, type AdmissionDeps } from './call-admission.ts';
import { ChannelRegistry, type LiveChannel } from './channel-registry.ts';

const ACME = 1;
const GLOBEX = 2;

function channel(tenantId: number, account: string, linkedId: string): LiveChannel {
  return {
    name: `PJSIP/${account}-${linkedId}`,
    tenantId,
    uniqueId: linkedId,
    linkedId,
    node: 'n',
    direction: 'IN',
    extension: account.split('-')[0] ?? '',
    account,
    callerIdNum: '',
    callerIdName: '',
    connectedNum: '',
    connectedName: '',
    exten: '',
    context: '',
    state: 'Ring',
    createdAt: new Date(0),
    answeredAt: undefined,
    bridgedTo: undefined,
    sipCallId: linkedId,
    originateId: '',
  };
}

const noControl = { hangup: () => undefined, blindTransfer: async () => undefined };

function rig(maxCalls: Record<number, number | undefined> = {}): AdmissionDeps & { channels: ChannelRegistry } {
  // 40 ports = 20 pairs = 10 sessions (two pairs each): a tenant's half is 5 calls.
  const relay = MediaRelay.create({ host: '127.0.0.1', portMin: 20000, portMax: 20039 });
  return { channels: new ChannelRegistry(), relay, directory: { maxCalls: async (tenantId) => maxCalls[tenantId] } };
}

describe('call admission', () => {
  test('a tenant with no te_maxchannels stops at its share of the relay; another tenant still gets in', async () => {
    const deps = rig();
    const policy = { tenantShare: 0.5, extensionMaxCalls: 0 };
    assert.equal(deps.relay.sessionCapacity, 10);
    for (let i = 0; i < 5; i++) {
      assert.equal(await refuseCall(deps, policy, ACME, '100-ACME'), undefined, `call ${i} admitted`);
      deps.channels.add(channel(ACME, '100-ACME', `acme-${i}`), noControl);
    }
    const refused = await refuseCall(deps, policy, ACME, '100-ACME');
    assert.equal(refused?.limit, 'tenantShare');
    assert.match(refused?.reason ?? '', /share of this node's media ports \(5 calls\)/);
    assert.equal(await refuseCall(deps, policy, GLOBEX, '100-GLOBEX'), undefined, 'the other tenant is not starved');
    // A share of 1 turns the rule off (a node that serves one tenant).
    assert.equal(await refuseCall(deps, { tenantShare: 1, extensionMaxCalls: 0 }, ACME, '100-ACME'), undefined);
  });

  test("te_maxchannels is checked first, and a call between two of the tenant's phones counts once", async () => {
    const deps = rig({ [ACME]: 2 });
    const policy = { tenantShare: 1, extensionMaxCalls: 0 };
    deps.channels.add(channel(ACME, '100-ACME', 'call-1'), noControl);
    deps.channels.add(channel(ACME, '101-ACME', 'call-1'), noControl);
    assert.equal(await refuseCall(deps, policy, ACME, '102-ACME'), undefined);
    deps.channels.add(channel(ACME, '102-ACME', 'call-2'), noControl);
    assert.equal((await refuseCall(deps, policy, ACME, '103-ACME'))?.limit, 'tenant');
  });

  test('one extension is held to its own limit of calls; its neighbours and carriers are not', async () => {
    const deps = rig();
    const policy = { tenantShare: 1, extensionMaxCalls: 2 };
    deps.channels.add(channel(ACME, '100-ACME', 'call-1'), noControl);
    deps.channels.add(channel(ACME, '100-ACME', 'call-2'), noControl);
    const refused = await refuseCall(deps, policy, ACME, '100-ACME');
    assert.equal(refused?.limit, 'extension');
    assert.match(refused?.reason ?? '', /extension's limit of 2/);
    assert.equal(await refuseCall(deps, policy, ACME, '101-ACME'), undefined);
    assert.equal(await refuseCall(deps, policy, ACME, ''), undefined, 'a carrier call has no extension to count');
    // The same account name in another tenant is another phone.
    assert.equal(await refuseCall(deps, policy, GLOBEX, '100-ACME'), undefined);
  });
});
