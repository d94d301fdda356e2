// The device-state rules (Asterisk states from registration and channels), the tracker's change events, and the
// dialog-info (RFC 4235) and PIDF (RFC 3863) bodies, read back loosely.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, silentLogger } from '../../shared/index.ts';
import { ChannelRegistry } from '../calls/channel-registry.ts';
import { deviceState, dialogOf } from './device-state.ts';
import { DeviceStateTracker, type DeviceSnapshot } from './device-state-tracker.ts';
import { dialogInfoXml, pidfXml } from './presence-bodies.ts';
import type { PresenceDirectory } from './ports.ts';
import { channel, noControl, settle } from './presence-rig.test-support.ts';

test('deviceState: registration, ringing, in use, dialling, call waiting', () => {
  assert.equal(deviceState({ registered: false, channels: [] }), 'UNAVAILABLE');
  assert.equal(deviceState({ registered: true, channels: [] }), 'NOT_INUSE');
  assert.equal(deviceState({ registered: true, channels: [{ direction: 'OUT', state: 'Ring' }] }), 'RINGING');
  assert.equal(deviceState({ registered: true, channels: [{ direction: 'OUT', state: 'Ringing' }] }), 'RINGING');
  assert.equal(deviceState({ registered: true, channels: [{ direction: 'OUT', state: 'Up' }] }), 'INUSE');
  assert.equal(deviceState({ registered: true, channels: [{ direction: 'IN', state: 'Down' }] }), 'INUSE', 'a dialling phone is in use');
  assert.equal(deviceState({ registered: true, channels: [{ direction: 'IN', state: 'Up' }, { direction: 'OUT', state: 'Ringing' }] }), 'RINGINUSE');
  assert.equal(deviceState({ registered: false, channels: [{ direction: 'IN', state: 'Up' }] }), 'INUSE', 'channels win over a lapsed binding');
});

test('dialog-info: full state, version, entity, one dialog per leg, escaped; none when idle', () => {
  const ringing = dialogOf({ ...channel(1, '101', 'OUT', 'Ringing'), uniqueId: 'a<b', connectedName: 'Tom & Jerry' });
  const xml = dialogInfoXml({ entity: 'sip:101@pbx.example.com', version: 3, dialogs: [ringing, { ...dialogOf(channel(1, '101', 'IN', 'Up')), remote: '' }], domain: 'pbx.example.com' });
  assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="3" state="full" entity="sip:101@pbx\.example\.com">/);
  const dialogs = [...xml.matchAll(/<dialog id="([^"]*)"[^>]*direction="([a-z]+)">\n<state>([a-z]+)<\/state>/g)].map((m) => [m[1], m[2], m[3]]);
  assert.deepEqual(dialogs, [['a&lt;b', 'recipient', 'early'], [dialogs[1]?.[0], 'initiator', 'confirmed']]);
  assert.match(xml, /display="Tom &amp; Jerry"/);
  assert.equal(xml.match(/<remote>/g)?.length, 1);
  const idle = dialogInfoXml({ entity: 'sip:101@d', version: 0, dialogs: [], domain: 'd' });
  assert.doesNotMatch(idle, /<dialog /);
  assert.match(idle, /<\/dialog-info>\n$/);
});

test('PIDF: basic closed when unavailable, open otherwise; RPID on-the-phone in a call', () => {
  const off = pidfXml({ entity: 'sip:101@d', tupleId: '101', state: 'UNAVAILABLE' });
  assert.match(off, /<presence xmlns="urn:ietf:params:xml:ns:pidf"[^>]* entity="sip:101@d">/);
  assert.match(off, /<tuple id="t101">\n<status>/);
  assert.match(off, /<basic>closed<\/basic>/);
  assert.match(pidfXml({ entity: 'sip:*30@d', tupleId: '*30', state: 'NOT_INUSE' }), /<tuple id="t_30">[\s\S]*<basic>open<\/basic>[\s\S]*<note>Ready<\/note>/);
  assert.match(pidfXml({ entity: 'sip:101@d', tupleId: '101', state: 'INUSE' }), /<rpid:activities><rpid:on-the-phone\/><\/rpid:activities>/);
});

test('tracker: emits on registration, channel and flow changes, with since; per tenant', async () => {
  const clock = new FakeClock('2026-11-27T10:00:00Z');
  const channels = new ChannelRegistry();
  let registered = false;
  const directory: PresenceDirectory = {
    findExtension: async (tenantId, number) => (number === '101' ? { tenantId, extensionId: tenantId * 10, number, account: '', name: '', dnd: false, ringSeconds: undefined } : undefined),
    extensionById: async (tenantId, extensionId) => ({ tenantId, extensionId, number: '101', account: '', name: '', dnd: false, ringSeconds: undefined }),
    tenantCode: async (tenantId) => (tenantId === 1 ? 'ACME' : 'GLOBEX'),
    contacts: async (tenantId) => (registered && tenantId === 1 ? [{ reachable: true } as never] : []),
  };
  const tracker = new DeviceStateTracker({ channels, directory, clock, logger: silentLogger, flows: { flowState: async (_t, number) => (number === '*30' ? { state: 'INUSE', since: undefined } : undefined) } });
  tracker.start();
  const seen: DeviceSnapshot[] = [];
  tracker.onChange((s) => seen.push(s));
  assert.equal((await tracker.snapshot(1, '101'))?.state, 'UNAVAILABLE');
  assert.equal((await tracker.snapshot(1, '101'))?.hint, '101-ACME');
  assert.equal(await tracker.snapshot(1, '555'), undefined);
  assert.equal((await tracker.snapshot(1, '*30'))?.state, 'INUSE', 'a flow number');

  registered = true;
  clock.advance(1000);
  tracker.bindingAdded({ tenantId: 1, extensionId: 10 } as never);
  await settle();
  assert.deepEqual(seen.map((s) => [s.hint, s.state]), [['101-ACME', 'NOT_INUSE']]);
  assert.equal(seen[0]?.since.toISOString(), '2026-11-27T10:00:01.000Z');

  channels.add(channel(2, '101', 'OUT', 'Ringing'), noControl);
  await settle();
  const leg = channel(1, '101', 'OUT', 'Ringing');
  channels.add(leg, noControl);
  channels.add(channel(1, '101', 'OUT', 'Ringing'), noControl); // a second contact of the fork: same state, new dialog
  channels.remove(leg.name);
  tracker.flowChanged(1, '*30', '*30-ACME', 'NOT_INUSE');
  assert.deepEqual(seen.slice(1).map((s) => [s.hint, s.state, s.channels.length]), [['101-ACME', 'RINGING', 1], ['101-ACME', 'RINGING', 2], ['101-ACME', 'RINGING', 1], ['*30-ACME', 'NOT_INUSE', 0]]);
  assert.deepEqual(tracker.list(2).map((s) => [s.hint, s.state]), [['101-GLOBEX', 'RINGING']]);
  tracker.stop();
});
