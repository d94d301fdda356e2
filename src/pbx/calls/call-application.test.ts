// What a call's channel shows it runs now (Application/Data), as the steps go: Dial and whom it rings, Playback and
// the file, IVR and its prompts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CallApplication, dialData, playData } from './call-application.ts';
import { ChannelRegistry, type LiveChannel } from './channel-registry.ts';
import type { PbxMedia } from './runner/pbx-media.ts';
import type { RingTarget } from './runner/step.ts';

const channel: LiveChannel = {
  name: 'PJSIP/100-ACME-00000001', tenantId: 1, uniqueId: 'n-1.1', linkedId: 'n-1.1', node: 'n', direction: 'IN', extension: '100', account: '100-ACME',
  callerIdNum: '100', callerIdName: 'Alice', connectedNum: '', connectedName: '', exten: '200', context: 'ACME', state: 'Up', createdAt: new Date(0),
  answeredAt: undefined, bridgedTo: undefined, sipCallId: 'x', originateId: '',
};

const target = (base: string, account: string, exten: string): RingTarget => ({
  requestUri: 'sip:x@127.0.0.1', endpoint: { protocol: 'udp', address: '127.0.0.1', port: 5060 }, flowId: undefined, from: '', to: '',
  channel: { base, extension: exten, account, callerIdNum: exten, callerIdName: '', exten },
});

test("Dial's Data names the phones rung, each once, and the ring time; a carrier as number@provider", () => {
  assert.equal(dialData({ targets: [target('101-ACME', '101-ACME', '101'), target('101-ACME', '101-ACME', '101'), target('102-ACME', '102-ACME', '102')], ringSeconds: 25 }, 60), 'PJSIP/101-ACME&PJSIP/102-ACME,25');
  assert.equal(dialData({ targets: [target('Telco', '', '39061234')] }, 30), 'PJSIP/39061234@Telco,30');
});

test("a prompt's Data names its files without folder or extension, and its tones", () => {
  assert.equal(playData([{ kind: 'file', path: '/data/tenants/1/media/17.8k.wav' }, { kind: 'silence', ms: 200 }, { kind: 'file', path: '/usr/share/sounds/en/goodbye.wav' }]), '17&goodbye');
  assert.equal(playData([{ kind: 'tone', tone: 'confirm-on' }]), 'confirm-on');
  assert.equal(playData([{ kind: 'silence', ms: 100 }]), undefined);
});

test('the caller channel follows the step: Dial and its parties, then an IVR and what it plays', async () => {
  const registry = new ChannelRegistry();
  registry.add(channel, { hangup: () => undefined, blindTransfer: async () => undefined });
  const live = new CallApplication(registry, channel.name, 60);
  live.step({ destination: '101', peerAccount: '101-ACME', landed: { kind: 'EXT', label: '101' } });
  assert.deepEqual([registry.get(channel.name)?.application, registry.get(channel.name)?.appData], ['Dial', '101']);
  live.ringing({ targets: [target('101-ACME', '101-ACME', '101')] });
  assert.equal(registry.get(channel.name)?.appData, 'PJSIP/101-ACME,60');
  live.step({ destination: '200', peerAccount: '', landed: { kind: 'IVR', label: '4' }, app: 'IVR' });
  assert.deepEqual([registry.get(channel.name)?.application, registry.get(channel.name)?.appData], ['IVR', '']);
  const played: unknown[] = [];
  const media: PbxMedia = { play: async (items) => (played.push(items), { reason: 'finished' }), stop: () => undefined, nextDigit: async () => undefined };
  await live.watch(media).play([{ kind: 'file', path: '/m/welcome.wav' }]);
  assert.deepEqual([registry.get(channel.name)?.application, registry.get(channel.name)?.appData, played.length], ['IVR', 'welcome', 1]);
  live.ringing({ targets: [target('101-ACME', '101-ACME', '101')] });
  assert.equal(registry.get(channel.name)?.appData, 'welcome', 'an application that rings keeps its own Data');
});
