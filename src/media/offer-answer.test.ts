import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answerDirection, buildAnswer, intersectEventLists, parseSdp, serializeSdp, type AnswerOptions, type Direction, type SessionDescription } from './index.ts';

const sdp = (...lines: string[]) => `${lines.join('\r\n')}\r\n`;
const HEAD = ['v=0', 'o=alice 2890844526 2890844526 IN IP4 192.0.2.10', 's=-', 'c=IN IP4 192.0.2.10', 't=0 0'];

function parse(text: string): SessionDescription {
  const result = parseSdp(text);
  if (!result.ok) assert.fail(`${result.error.line}: ${result.error.reason}`);
  return result.value;
}

const OPTIONS: AnswerOptions = { address: '203.0.113.5', port: 30000, sessionId: '42', sessionVersion: '1', username: 'callgrid' };

function answer(offer: string, options: Partial<AnswerOptions> = {}) {
  const result = buildAnswer(parse(offer), { ...OPTIONS, ...options });
  if (!result.ok) assert.fail(result.error);
  return result.value;
}

test('RFC 3264 §10.1-style offer: audio accepted with PCMU and events, two video streams rejected', () => {
  const offer = sdp(...HEAD, 'm=audio 49170 RTP/AVP 0 8 97 101', 'a=rtpmap:97 iLBC/8000', 'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-15', 'm=video 51372 RTP/AVP 31', 'a=rtpmap:31 H261/90000', 'm=video 53000 RTP/AVP 32');
  const { sdp: a, stream } = answer(offer);
  assert.equal(
    serializeSdp(a),
    sdp(
      'v=0',
      'o=callgrid 42 1 IN IP4 203.0.113.5',
      's=-',
      'c=IN IP4 203.0.113.5',
      't=0 0',
      'm=audio 30000 RTP/AVP 0 8 101',
      'a=rtpmap:0 PCMU/8000',
      'a=rtpmap:8 PCMA/8000',
      'a=rtpmap:101 telephone-event/8000',
      'a=fmtp:101 0-15',
      'a=sendrecv',
      'm=video 0 RTP/AVP 31',
      'm=video 0 RTP/AVP 32',
    ),
  );
  assert.deepEqual(stream, {
    index: 0,
    payloadTypes: [0, 8, 101],
    encoding: 'PCMU',
    clockRate: 8000,
    telephoneEventPayloadType: 101,
    direction: 'sendrecv',
    rtcpMux: false,
    ptime: undefined,
    remoteAddress: '192.0.2.10',
    remotePort: 49170,
  });
});

const CODEC_CASES: { name: string; media: string[]; formats: string; encoding: string; event?: number }[] = [
  { name: "the offerer's order wins (PCMA first)", media: ['m=audio 4000 RTP/AVP 8 0'], formats: '8 0', encoding: 'PCMA' },
  { name: 'a format listed twice is answered once', media: ['m=audio 4000 RTP/AVP 0 0 8'], formats: '0 8', encoding: 'PCMU' },
  { name: 'static types need no rtpmap', media: ['m=audio 4000 RTP/AVP 18 0'], formats: '0', encoding: 'PCMU' },
  { name: 'rtpmap names compare case-insensitively', media: ['m=audio 4000 RTP/AVP 0 96', 'a=rtpmap:0 pcmu/8000', 'a=rtpmap:96 TELEPHONE-EVENT/8000'], formats: '0 96', encoding: 'pcmu', event: 96 },
  { name: "the offerer's dynamic number for events is kept", media: ['m=audio 4000 RTP/AVP 0 120', 'a=rtpmap:120 telephone-event/8000'], formats: '0 120', encoding: 'PCMU', event: 120 },
  { name: 'events at 48 kHz do not pair with 8 kHz audio', media: ['m=audio 4000 RTP/AVP 0 110', 'a=rtpmap:110 telephone-event/48000'], formats: '0', encoding: 'PCMU' },
  { name: 'stereo PCMU is not ours', media: ['m=audio 4000 RTP/AVP 96 8', 'a=rtpmap:96 PCMU/8000/2'], formats: '8', encoding: 'PCMA' },
  { name: 'a dynamic number may rename a static codec', media: ['m=audio 4000 RTP/AVP 0 8', 'a=rtpmap:0 G729/8000'], formats: '8', encoding: 'PCMA' },
];

for (const c of CODEC_CASES) {
  test(`codecs: ${c.name}`, () => {
    const { sdp: a, stream } = answer(sdp(...HEAD, ...c.media));
    assert.equal(a.media[0]?.formats.join(' '), c.formats);
    assert.equal(stream.encoding, c.encoding);
    assert.equal(stream.telephoneEventPayloadType, c.event);
  });
}

const DIRECTIONS: [offered: Direction, wanted: Direction, answered: Direction][] = [
  ['sendrecv', 'sendrecv', 'sendrecv'],
  ['sendonly', 'sendrecv', 'recvonly'],
  ['recvonly', 'sendrecv', 'sendonly'],
  ['inactive', 'sendrecv', 'inactive'],
  ['sendrecv', 'sendonly', 'sendonly'],
  ['sendrecv', 'recvonly', 'recvonly'],
  ['sendrecv', 'inactive', 'inactive'],
  ['sendonly', 'sendonly', 'inactive'],
  ['recvonly', 'recvonly', 'inactive'],
  ['sendonly', 'recvonly', 'recvonly'],
];

for (const [offered, wanted, answered] of DIRECTIONS) {
  test(`§6.1 direction: offer ${offered}, we want ${wanted} → ${answered}`, () => {
    assert.equal(answerDirection(offered, wanted), answered);
    const { sdp: a, stream } = answer(sdp(...HEAD, 'm=audio 4000 RTP/AVP 0', `a=${offered}`), { direction: wanted });
    assert.equal(stream.direction, answered);
    assert.ok(a.media[0]?.attributes.some((x) => x.kind === 'direction' && x.direction === answered));
  });
}

test('a session-level direction applies to streams without their own', () => {
  const offer = sdp(...HEAD, 'a=sendonly', 'm=audio 4000 RTP/AVP 0');
  assert.equal(answer(offer).stream.direction, 'recvonly');
  assert.equal(answer(offer.replace('m=audio 4000 RTP/AVP 0', 'm=audio 4000 RTP/AVP 0\r\na=inactive')).stream.direction, 'inactive');
});

test('ptime and rtcp-mux are answered when offered; rtcp-mux can be declined', () => {
  const offer = sdp(...HEAD, 'm=audio 4000 RTP/AVP 0', 'c=IN IP4 192.0.2.99', 'a=ptime:30', 'a=rtcp-mux', 'a=rtcp:4000');
  const { sdp: a, stream } = answer(offer);
  assert.equal(stream.ptime, 30);
  assert.equal(stream.rtcpMux, true);
  assert.equal(stream.remoteAddress, '192.0.2.99', "the stream's own c= wins");
  assert.deepEqual(a.media[0]?.attributes.slice(1), [{ kind: 'ptime', milliseconds: 30 }, { kind: 'direction', direction: 'sendrecv' }, { kind: 'rtcp-mux' }]);
  assert.equal(answer(offer, { rtcpMux: false }).stream.rtcpMux, false);
});

test('only the first usable audio stream is accepted; the m= count always matches the offer', () => {
  const offer = sdp(...HEAD, 'm=audio 0 RTP/AVP 0', 'm=audio 4000 RTP/SAVP 0', 'm=audio 4002 RTP/AVP 18', 'm=audio 4004 RTP/AVP 8', 'm=audio 4006 RTP/AVP 0', 'm=image 4008 udptl t38');
  const { sdp: a, stream } = answer(offer);
  assert.deepEqual(a.media.map((m) => m.port), [0, 0, 0, 30000, 0, 0]);
  assert.deepEqual(a.media.map((m) => m.formats.join(' ')), ['0', '0', '18', '8', '0', 't38'], 'rejected streams keep their formats');
  assert.equal(stream.index, 3);
});

test('event lists: the answer carries the intersection', () => {
  const { sdp: a } = answer(sdp(...HEAD, 'm=audio 4000 RTP/AVP 0 101', 'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-11,16,32-40'), { codecs: [{ encoding: 'PCMU', clockRate: 8000, payloadType: 0 }, { encoding: 'telephone-event', clockRate: 8000, payloadType: 101, fmtp: '0-15' }] });
  assert.ok(a.media[0]?.attributes.some((x) => x.kind === 'fmtp' && x.parameters === '0-11'));
  assert.equal(intersectEventLists('0-16', '0-15'), '0-15');
  assert.equal(intersectEventLists('0-16', '5,3,16,200'), '3,5,16');
  assert.equal(intersectEventLists('0-16', '32-40'), '');
  assert.equal(intersectEventLists('0-16', 'garbage, 7 ,9-8'), '7');
});

test('the answer keeps t= of the offer and names itself in o=', () => {
  const { sdp: a } = answer(sdp('v=0', 'o=x 1 1 IN IP4 h', 's=-', 'c=IN IP4 192.0.2.1', 't=3034423619 3042462419', 'm=audio 4000 RTP/AVP 0'), { address: '2001:db8::5' });
  assert.deepEqual(a.timing, [{ start: '3034423619', stop: '3042462419', repeats: [] }]);
  assert.equal(a.origin.addrType, 'IP6');
  assert.equal(a.connection?.address, '2001:db8::5');
});

const NO_ANSWER: { name: string; offer: string; reason: RegExp }[] = [
  { name: 'no codec in common', offer: sdp(...HEAD, 'm=audio 4000 RTP/AVP 18 9'), reason: /common codec/ },
  { name: 'events alone', offer: sdp(...HEAD, 'm=audio 4000 RTP/AVP 101', 'a=rtpmap:101 telephone-event/8000'), reason: /common codec/ },
  { name: 'video only', offer: sdp(...HEAD, 'm=video 4000 RTP/AVP 31'), reason: /common codec/ },
  { name: 'no media at all', offer: sdp(...HEAD), reason: /no media/ },
];

for (const c of NO_ANSWER) {
  test(`no answer (488) for ${c.name}`, () => {
    const result = buildAnswer(parse(c.offer), OPTIONS);
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.error, c.reason);
  });
}
