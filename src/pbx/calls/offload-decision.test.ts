// Which calls may have their media on rtpengine: the whole destination list, the extension rung (recording, forwards,
// follow-me), the recording settings (no recording, and no in-call code that could switch one on) and the offer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSdp, type SessionDescription } from '../../media/index.ts';
import type { ExtensionForwarding } from '../dialplan/index.ts';
import type { ExtensionTarget } from './call-ports.ts';
import type { RecordingPaths } from './call-recording.ts';
import { offloadDecision, type OffloadPorts, type OffloadQuestion } from './offload-decision.ts';
import type { RecordingMode } from './recording-policy.ts';

const offer = (proto = 'RTP/AVP', extra = ''): SessionDescription => {
  const parsed = parseSdp(`v=0\r\no=a 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 4000 ${proto} 0\r\n${extra}`);
  assert.ok(parsed.ok);
  return parsed.value;
};

const EXT: ExtensionTarget = { tenantId: 1, extensionId: 7, number: '101', account: '101-ACME', name: 'Bob', dnd: false, ringSeconds: undefined };
const NO_FORWARD: ExtensionForwarding = { enabled: { incoming: false, busy: false, noanswer: false, offline: false }, slots: {}, customs: new Map() };

function ports(options: { extension?: ExtensionTarget; forwarding?: ExtensionForwarding; followMe?: boolean } = {}): OffloadPorts {
  return {
    extensions: { extensionById: async (tenantId, id) => (tenantId === 1 && id === 7 ? (options.extension ?? EXT) : undefined) },
    forwarding: { forwarding: async () => options.forwarding ?? NO_FORWARD },
    followMe: { followMe: async () => (options.followMe ? { numbers: ['0612345678'] } : undefined) },
  };
}

function recordings(settings: { tenant?: RecordingMode; callee?: RecordingMode; caller?: RecordingMode; did?: RecordingMode }): RecordingPaths {
  return {
    pathFor: () => '/dev/null',
    settings: {
      tenant: async () => settings.tenant,
      extension: async (_tenant, account) => (account === '101-ACME' ? settings.callee : account === '100-ACME' ? settings.caller : undefined),
      did: async () => settings.did,
    },
  };
}

const question = (changes: Partial<OffloadQuestion> = {}): OffloadQuestion => ({ tenantId: 1, callerAccount: '100-ACME', recording: false, targets: [{ tag: 'EXT', id: 7 }], offer: offer(), ...changes });

test('a plain call to one extension on a node that records nothing goes to rtpengine', async () => {
  assert.deepEqual(await offloadDecision(ports(), undefined, question()), { offload: true });
});

test('anything but a single EXT step stays on the relay', async () => {
  for (const targets of [[], [{ tag: 'EXT', id: 7 }, { tag: 'VOICEMAIL', id: 7 }], [{ tag: 'RINGMUSICONHOLD', id: 7 }], [{ tag: 'IVR', id: 1 }], [{ tag: 'HUNTLIST', id: 1 }], [{ tag: 'OUT', id: 0, number: '0612' }]]) {
    assert.deepEqual(await offloadDecision(ports(), undefined, question({ targets })), { offload: false, why: 'not a single extension' }, JSON.stringify(targets));
  }
});

test('an offer other than plain RTP/AVP audio stays on the relay', async () => {
  for (const sdp of [offer('RTP/SAVP'), offer('UDP/TLS/RTP/SAVPF'), offer('RTP/AVP', 'm=video 4002 RTP/AVP 96\r\n')]) {
    assert.equal((await offloadDecision(ports(), undefined, question({ offer: sdp }))).offload, false);
  }
  // A declined stream (port 0) does not count.
  assert.equal((await offloadDecision(ports(), undefined, question({ offer: offer('RTP/AVP', 'm=video 0 RTP/AVP 96\r\n') }))).offload, true);
});

test('the extension rung decides too: its recording, a forward that is on, its follow-me', async () => {
  assert.deepEqual(await offloadDecision(ports({ extension: { ...EXT, recording: true } }), undefined, question()), { offload: false, why: 'the extension records its calls' });
  const busyForward: ExtensionForwarding = { ...NO_FORWARD, enabled: { ...NO_FORWARD.enabled, busy: true }, slots: { busy: [{ tag: 'VOICEMAIL', id: 7 }] } as ExtensionForwarding['slots'] };
  assert.deepEqual(await offloadDecision(ports({ forwarding: busyForward }), undefined, question()), { offload: false, why: 'the extension forwards' });
  // A slot with targets but switched off, or switched on without targets, forwards nowhere.
  const off: ExtensionForwarding = { ...busyForward, enabled: NO_FORWARD.enabled };
  const empty: ExtensionForwarding = { ...NO_FORWARD, enabled: { ...NO_FORWARD.enabled, noanswer: true } };
  assert.equal((await offloadDecision(ports({ forwarding: off }), undefined, question())).offload, true);
  assert.equal((await offloadDecision(ports({ forwarding: empty }), undefined, question())).offload, true);
  assert.deepEqual(await offloadDecision(ports({ followMe: true }), undefined, question()), { offload: false, why: 'the extension has follow-me' });
  assert.deepEqual(await offloadDecision(ports(), undefined, question({ targets: [{ tag: 'EXT', id: 8 }] })), { offload: false, why: 'no such extension' });
});

test('on a node that records, a setting must say no: recorded or switchable calls stay on the relay', async () => {
  assert.deepEqual(await offloadDecision(ports(), recordings({}), question()), { offload: false, why: 'recording may be switched on' });
  assert.deepEqual(await offloadDecision(ports(), recordings({ tenant: 'nochange' }), question()), { offload: false, why: 'recording may be switched on' });
  assert.deepEqual(await offloadDecision(ports(), recordings({ tenant: 'no' }), question()), { offload: true });
  assert.deepEqual(await offloadDecision(ports(), recordings({ callee: 'no' }), question()), { offload: true });
  // One party's obligation to record is not lifted by another's no.
  assert.deepEqual(await offloadDecision(ports(), recordings({ tenant: 'no', caller: 'yes' }), question()), { offload: false, why: 'recorded' });
  assert.deepEqual(await offloadDecision(ports(), recordings({ tenant: 'no', did: 'yeschange' }), question({ callerAccount: '', did: '3902555000' })), { offload: false, why: 'recorded' });
  assert.deepEqual(await offloadDecision(ports(), recordings({ tenant: 'no' }), question({ recording: true })), { offload: false, why: 'recorded' });
  // Without settings every ask is a plain yes and the code is on demand.
  assert.deepEqual(await offloadDecision(ports(), { pathFor: () => '/dev/null' }, question()), { offload: false, why: 'recording may be switched on' });
});
