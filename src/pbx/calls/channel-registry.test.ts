// The registry's indexes against the plain truth of its channel list: per-tenant lists, an extension's channels,
// and call counts per tenant and per account, through adds, updates that move a channel, and removals.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChannelRegistry, type ChannelControl, type LiveChannel } from './channel-registry.ts';

const control: ChannelControl = { hangup: () => undefined, blindTransfer: async () => undefined };
const channel = (name: string, fields: Partial<LiveChannel>): LiveChannel => ({
  name, sipCallId: `${name}@x`, originateId: '', tenantId: 1, uniqueId: name, linkedId: name, node: 'n', direction: 'IN', extension: '', account: '',
  callerIdNum: '', callerIdName: '', connectedNum: '', connectedName: '', exten: '', context: '', state: 'Up', createdAt: new Date(0), answeredAt: undefined, bridgedTo: undefined,
  ...fields,
});

/** What the indexes must answer, computed by scanning every channel. */
function scanned(registry: ChannelRegistry, tenantId: number, extension: string, account: string) {
  const all = registry.list();
  const ofTenant = all.filter((c) => c.tenantId === tenantId);
  return {
    list: ofTenant.map((c) => c.name),
    extension: ofTenant.filter((c) => c.extension === extension).map((c) => c.name),
    calls: new Set(ofTenant.map((c) => c.linkedId)).size,
    callsOf: new Set(ofTenant.filter((c) => c.account === account).map((c) => c.linkedId)).size,
    everyCall: new Set(all.map((c) => `${c.tenantId}/${c.linkedId}`)).size,
  };
}

function indexed(registry: ChannelRegistry, tenantId: number, extension: string, account: string) {
  return {
    list: registry.list(tenantId).map((c) => c.name),
    extension: registry.ofExtension(tenantId, extension).map((c) => c.name),
    calls: registry.countCalls(tenantId),
    callsOf: registry.countCallsOf(tenantId, account),
    everyCall: registry.countCalls(),
  };
}

test('indexes agree with a scan through adds, moves and removals, in creation order', () => {
  const registry = new ChannelRegistry();
  const check = (step: string) => {
    for (const [tenantId, extension, account] of [[1, '100', '100-A'], [1, '101', '101-A'], [2, '100', '100-B'], [1, '', '']] as const) {
      assert.deepEqual(indexed(registry, tenantId, extension, account), scanned(registry, tenantId, extension, account), `${step}: tenant ${tenantId} ${extension}`);
    }
  };
  registry.add(channel('a1', { extension: '100', account: '100-A', linkedId: 'L1' }), control);
  registry.add(channel('a2', { extension: '101', account: '101-A', linkedId: 'L1', direction: 'OUT' }), control);
  registry.add(channel('b1', { tenantId: 2, extension: '100', account: '100-B', linkedId: 'L9' }), control);
  registry.add(channel('a3', { extension: '100', account: '100-A', linkedId: 'L2' }), control);
  registry.add(channel('c1', { linkedId: 'L3' }), control);
  check('added');
  assert.deepEqual(registry.ofExtension(1, '100').map((c) => c.name), ['a1', 'a3']);
  assert.equal(registry.countCalls(1), 3);
  assert.equal(registry.countCallsOf(1, '100-A'), 2);
  // A state change keeps the order; a transfer moves a leg to another extension and call.
  registry.update('a1', { state: 'Ringing' });
  assert.deepEqual(registry.ofExtension(1, '100').map((c) => c.name), ['a1', 'a3']);
  registry.update('a2', { extension: '100', account: '100-A', linkedId: 'L2' });
  check('moved');
  assert.equal(registry.countCallsOf(1, '101-A'), 0);
  assert.equal(registry.countCallsOf(1, '100-A'), 2);
  assert.equal(registry.remove('a3'), true);
  assert.equal(registry.remove('a3'), false);
  check('one removed');
  for (const name of ['a1', 'a2', 'b1', 'c1']) registry.remove(name);
  check('all removed');
  assert.equal(registry.countCalls(), 0);
  assert.deepEqual(registry.ofExtension(1, '100'), []);
});

test('a name added again replaces its channel: the old one is removed (and said so), the new one is last', () => {
  const registry = new ChannelRegistry();
  const events: string[] = [];
  registry.subscribe((c, change) => events.push(`${change} ${c.name}/${c.extension}`));
  registry.add(channel('x', { extension: '100', account: '100-A', linkedId: 'L1' }), control);
  registry.add(channel('y', { extension: '101', account: '101-A', linkedId: 'L2' }), control);
  registry.add(channel('x', { extension: '102', account: '102-A', linkedId: 'L3' }), control);
  assert.deepEqual(events, ['added x/100', 'added y/101', 'removed x/100', 'added x/102']);
  assert.deepEqual(registry.list().map((c) => `${c.name}/${c.extension}`), ['y/101', 'x/102']);
  assert.deepEqual(registry.list(1).map((c) => c.name), ['y', 'x']);
  assert.deepEqual(registry.ofExtension(1, '100'), []);
  assert.equal(registry.countCallsOf(1, '100-A'), 0);
  assert.equal(registry.countCalls(1), 2);
});
