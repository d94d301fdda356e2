// The pure parts of the linphonec driver: its config file, and reading linphonec 5.1's stdout (lines as it really
// prints them during an attended transfer) into call events and call states.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { callsFromLinphoneEvents, linphoneConfig, parseLinphoneLine, takeLines, type LinphoneEvent } from './linphone.ts';

test('the config has one UDP account, fixed ports and only G.711 enabled', () => {
  const rc = linphoneConfig({ sipPort: 5070, rtpPorts: [35070, 35170], account: { username: '101-ACME', password: 's3cret', domain: '10.1.2.1', port: 5060 } });
  assert.match(rc, /^\[sip\]\nsip_port=5070\nsip_tcp_port=0\nsip_tls_port=0\n/);
  assert.match(rc, /\naudio_rtp_port=35070-35170\n/);
  assert.match(rc, /\nreg_proxy=<sip:10\.1\.2\.1:5060;transport=udp>\nreg_identity=sip:101-ACME@10\.1\.2\.1:5060\n/);
  assert.match(rc, /\[auth_info_0\]\nusername=101-ACME\nuserid=101-ACME\npasswd=s3cret\n/);
  const codecs = [...rc.matchAll(/\[audio_codec_\d+\]\nmime=(\S+)\nrate=(\d+)\nchannels=\d\nenabled=(\d)/g)];
  assert.ok(codecs.length > 10, 'every codec liblinphone knows is listed');
  assert.deepEqual(codecs.filter((m) => m[3] === '1').map((m) => m[1]), ['PCMU', 'PCMA']);
});

test('lines end at a newline or at the prompt, which may arrive cut in two', () => {
  const first = takeLines('Performing attended transfer of call 1 to call 2linphonec> The distant endpoint x of call 1 has been transfered, you can safely close the call.\nCall 1 with x ended (No error).\nlinphon');
  assert.deepEqual(first.lines, [
    'Performing attended transfer of call 1 to call 2',
    'The distant endpoint x of call 1 has been transfered, you can safely close the call.',
    'Call 1 with x ended (No error).',
  ]);
  const second = takeLines(`${first.rest}ec> calls\n`);
  assert.deepEqual(second, { lines: ['', 'calls'], rest: '' });
});

test('call state lines become events with the call id and the peer', () => {
  const peer = '"100" <sip:100@10.137.208.193>';
  assert.deepEqual(parseLinphoneLine(`Receiving new incoming call from ${peer}, assigned id 1`), { type: 'incoming', callId: 1, peer });
  assert.deepEqual(parseLinphoneLine('Establishing call id to sip:102@10.0.0.1:5060, assigned id 2'), { type: 'outgoing', callId: 2, peer: 'sip:102@10.0.0.1:5060' });
  assert.deepEqual(parseLinphoneLine(`Media streams established with ${peer} for call 1 (audio).`), { type: 'streams', callId: 1, peer });
  assert.deepEqual(parseLinphoneLine(`Call 1 with ${peer} is now paused.`), { type: 'paused', callId: 1, peer });
  assert.deepEqual(parseLinphoneLine(`The distant endpoint ${peer} of call 1 has been transfered, you can safely close the call.`), { type: 'transferred', callId: 1, peer });
  assert.deepEqual(parseLinphoneLine(`Call 1 with ${peer} ended (No error).`), { type: 'ended', callId: 1, peer, reason: 'No error' });
  for (const other of ['calls', 'No active call.', '1  | "100" <sip:100@10.1.1.1>      | Paused          | ', 'registered, identity=sip:101@x duration=600', '']) {
    assert.equal(parseLinphoneLine(other), undefined, other);
  }
});

test('events fold into calls: answered, paused, transferred, ended with the reason', () => {
  const e = (type: LinphoneEvent['type'], callId: number, reason?: string): LinphoneEvent => ({ type, callId, peer: `p${callId}`, ...(reason ? { reason } : {}) });
  const calls = callsFromLinphoneEvents([
    e('incoming', 1), e('connected', 1), e('streams', 1), e('pausing', 1), e('paused', 1),
    e('outgoing', 2), e('progress', 2), e('ringing', 2), e('connected', 2), e('streams', 2),
    e('transferred', 1), e('ended', 1, 'No error'),
  ]);
  assert.deepEqual(calls.map((c) => [c.id, c.direction, c.state, c.answered, c.transferred, c.endReason]), [
    [1, 'incoming', 'ended', true, true, 'No error'],
    [2, 'outgoing', 'connected', true, false, undefined],
  ]);
});
