import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSdp, serializeSdp, MAX_SDP_BYTES, type SdpParseError, type SessionDescription } from './index.ts';

const sdp = (...lines: string[]) => `${lines.join('\r\n')}\r\n`;

/** A desk phone's offer with everything the model types, and lines it only keeps. */
const PHONE_OFFER = sdp(
  'v=0',
  'o=alice 2890844526 2890844527 IN IP4 192.0.2.10',
  's=Talk',
  'i=A call',
  'c=IN IP4 192.0.2.10',
  'b=AS:84',
  't=0 0',
  'a=tool:softphone 1.0',
  'm=audio 49170 RTP/AVP 0 8 9 101',
  'c=IN IP4 192.0.2.11',
  'b=TIAS:64000',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:9 G722/8000/1',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-16',
  'a=ptime:20',
  'a=sendonly',
  'a=rtcp:49171 IN IP4 192.0.2.11',
  'a=rtcp-mux',
  'a=x-unknown:kept as is',
  'a=label',
  'm=video 0 RTP/AVP 96',
  'a=rtpmap:96 H264/90000',
);

function accept(text: string): SessionDescription {
  const result = parseSdp(text);
  if (!result.ok) assert.fail(`refused at line ${result.error.line}: ${result.error.reason}`);
  return result.value;
}

function refuse(text: string | Buffer): SdpParseError {
  const result = parseSdp(text);
  assert.equal(result.ok, false, 'must be refused');
  return result.ok ? assert.fail() : result.error;
}

test('a phone offer: every typed field', () => {
  const s = accept(PHONE_OFFER);
  assert.deepEqual(s.origin, { username: 'alice', sessionId: '2890844526', sessionVersion: '2890844527', netType: 'IN', addrType: 'IP4', address: '192.0.2.10' });
  assert.equal(s.sessionName, 'Talk');
  assert.deepEqual(s.connection, { netType: 'IN', addrType: 'IP4', address: '192.0.2.10' });
  assert.deepEqual(s.timing, [{ start: '0', stop: '0', repeats: [] }]);
  assert.deepEqual(s.lines, [{ type: 'i', value: 'A call' }, { type: 'b', value: 'AS:84' }]);
  assert.deepEqual(s.attributes, [{ kind: 'other', name: 'tool', value: 'softphone 1.0' }]);
  assert.equal(s.media.length, 2);
  const audio = s.media[0];
  assert.ok(audio !== undefined);
  assert.equal(audio.media, 'audio');
  assert.equal(audio.port, 49170);
  assert.equal(audio.proto, 'RTP/AVP');
  assert.deepEqual(audio.formats, ['0', '8', '9', '101']);
  assert.deepEqual(audio.connection, { netType: 'IN', addrType: 'IP4', address: '192.0.2.11' });
  assert.deepEqual(audio.lines, [{ type: 'b', value: 'TIAS:64000' }]);
  assert.deepEqual(audio.attributes, [
    { kind: 'rtpmap', payloadType: 0, encoding: 'PCMU', clockRate: 8000 },
    { kind: 'rtpmap', payloadType: 8, encoding: 'PCMA', clockRate: 8000 },
    { kind: 'rtpmap', payloadType: 9, encoding: 'G722', clockRate: 8000, channels: 1 },
    { kind: 'rtpmap', payloadType: 101, encoding: 'telephone-event', clockRate: 8000 },
    { kind: 'fmtp', format: '101', parameters: '0-16' },
    { kind: 'ptime', milliseconds: 20 },
    { kind: 'direction', direction: 'sendonly' },
    { kind: 'rtcp', port: 49171, connection: { netType: 'IN', addrType: 'IP4', address: '192.0.2.11' } },
    { kind: 'rtcp-mux' },
    { kind: 'other', name: 'x-unknown', value: 'kept as is' },
    { kind: 'other', name: 'label' },
  ]);
  assert.equal(s.media[1]?.port, 0);
  assert.equal(s.media[1]?.connection, undefined);
});

test('serialize gives back the same text, and bare-LF input comes out as CRLF', () => {
  assert.equal(serializeSdp(accept(PHONE_OFFER)), PHONE_OFFER);
  assert.equal(serializeSdp(accept(PHONE_OFFER.replaceAll('\r\n', '\n'))), PHONE_OFFER);
  assert.equal(serializeSdp(accept(PHONE_OFFER.trimEnd())), PHONE_OFFER, 'no final line end');
  assert.equal(serializeSdp(accept(PHONE_OFFER)), serializeSdp(accept(Buffer.from(PHONE_OFFER).toString())));
});

test('out-of-order fields are written back in §5 order, same-type lines keeping theirs', () => {
  const text = sdp('v=0', 'o=- 1 1 IN IP6 2001:db8::1', 's=-', 't=0 0', 'a=first', 'c=IN IP6 2001:db8::1', 'a=second', 'e=a@example.com', 'p=+1 555', 'm=audio 5004/2 RTP/AVP 0', 'a=one', 'b=AS:64', 'a=two', 'i=x');
  const back = serializeSdp(accept(text));
  assert.equal(back, sdp('v=0', 'o=- 1 1 IN IP6 2001:db8::1', 's=-', 'e=a@example.com', 'p=+1 555', 'c=IN IP6 2001:db8::1', 't=0 0', 'a=first', 'a=second', 'm=audio 5004/2 RTP/AVP 0', 'i=x', 'b=AS:64', 'a=one', 'a=two'));
  assert.equal(accept(text).media[0]?.portCount, 2);
});

test('repeat times stay with their t=, and non-RTP formats are tokens', () => {
  const s = accept(sdp('v=0', 'o=- 1 1 IN IP4 h', 's=-', 'c=IN IP4 198.51.100.1', 't=3034423619 3042462419', 'r=604800 3600 0 90000', 'm=application 9 UDP/DTLS/SCTP webrtc-datachannel', 'm=image 6000 udptl t38'));
  assert.deepEqual(s.timing[0]?.repeats, ['604800 3600 0 90000']);
  assert.deepEqual(s.media.map((m) => m.formats), [['webrtc-datachannel'], ['t38']]);
});

test('empty s= and missing t= are tolerated (common in the field)', () => {
  const s = accept(sdp('v=0', 'o=- 1 1 IN IP4 h', 's=', 'c=IN IP4 198.51.100.1', 'm=audio 4000 RTP/AVP 0'));
  assert.equal(s.sessionName, '');
  assert.deepEqual(s.timing, []);
});

const BASE = ['v=0', 'o=- 1 1 IN IP4 h', 's=-', 'c=IN IP4 198.51.100.1', 't=0 0', 'm=audio 4000 RTP/AVP 0'];
const replaced = (index: number, line: string) => sdp(...BASE.map((l, i) => (i === index ? line : l)));

const REFUSED: { name: string; text: string; line: number; reason: RegExp }[] = [
  { name: 'an empty body', text: '', line: 0, reason: /start with v=/ },
  { name: 'SDP without v=', text: sdp(...BASE.slice(1)), line: 1, reason: /start with v=/ },
  { name: 'v=1', text: replaced(0, 'v=1'), line: 1, reason: /version/ },
  { name: 'a second v=', text: sdp(...BASE.slice(0, 3), 'v=0'), line: 4, reason: /twice/ },
  { name: 'a line without =', text: replaced(2, 's-'), line: 3, reason: /<type>=<value>/ },
  { name: 'a space before =', text: replaced(2, 's =-'), line: 3, reason: /<type>=<value>/ },
  { name: 'an upper-case type', text: replaced(2, 'S=-'), line: 3, reason: /<type>=<value>/ },
  { name: 'an unknown type letter', text: sdp(...BASE, 'x=1'), line: 7, reason: /unknown type letter x=/ },
  { name: 'o= with five fields', text: replaced(1, 'o=- 1 1 IN IP4'), line: 2, reason: /six fields/ },
  { name: 'o= with a non-numeric version', text: replaced(1, 'o=- 1 v2 IN IP4 h'), line: 2, reason: /numbers/ },
  { name: 'c= with two fields', text: replaced(3, 'c=IN 198.51.100.1'), line: 4, reason: /bad c=/ },
  { name: 't= with one field', text: replaced(4, 't=0'), line: 5, reason: /bad t=/ },
  { name: 'r= before t=', text: sdp(...BASE.slice(0, 4), 'r=1 2 3', ...BASE.slice(4)), line: 5, reason: /r= before any t=/ },
  { name: 'm= with a bad port', text: replaced(5, 'm=audio 4x00 RTP/AVP 0'), line: 6, reason: /bad port in m=/ },
  { name: 'm= with a port above 65535', text: replaced(5, 'm=audio 65536 RTP/AVP 0'), line: 6, reason: /bad port in m=/ },
  { name: 'm= with a negative port', text: replaced(5, 'm=audio -1 RTP/AVP 0'), line: 6, reason: /bad port in m=/ },
  { name: 'm= with a bad port count', text: replaced(5, 'm=audio 4000/0 RTP/AVP 0'), line: 6, reason: /port count/ },
  { name: 'm= without formats', text: replaced(5, 'm=audio 4000 RTP/AVP'), line: 6, reason: /at least one format/ },
  { name: 'm= with a payload type above 127', text: replaced(5, 'm=audio 4000 RTP/AVP 128'), line: 6, reason: /payload type/ },
  { name: 'm= with only a media type', text: replaced(5, 'm=audio'), line: 6, reason: /bad port in m=/ },
  { name: 'a bad rtpmap', text: sdp(...BASE, 'a=rtpmap:0 PCMU'), line: 7, reason: /rtpmap/ },
  { name: 'an rtpmap with clock rate 0', text: sdp(...BASE, 'a=rtpmap:0 PCMU/0'), line: 7, reason: /rtpmap/ },
  { name: 'a ptime of zero', text: sdp(...BASE, 'a=ptime:0'), line: 7, reason: /ptime/ },
  { name: 'a direction with a value', text: sdp(...BASE, 'a=sendonly:yes'), line: 7, reason: /no value/ },
  { name: 'an rtcp port out of range', text: sdp(...BASE, 'a=rtcp:70000'), line: 7, reason: /rtcp port/ },
  { name: 'an rtcp address with two fields', text: sdp(...BASE, 'a=rtcp:4001 IN IP4'), line: 7, reason: /rtcp address/ },
  { name: 'a bad attribute name', text: sdp(...BASE, 'a=:x'), line: 7, reason: /attribute name/ },
  { name: 's= inside a media description', text: sdp(...BASE, 's=again'), line: 7, reason: /not allowed at media level/ },
  { name: 'two c= in one media description', text: sdp(...BASE, 'c=IN IP4 a', 'c=IN IP4 b'), line: 8, reason: /twice/ },
  { name: 'no o=', text: sdp('v=0', 's=-', 't=0 0'), line: 0, reason: /o= is missing/ },
  { name: 'no s=', text: sdp('v=0', 'o=- 1 1 IN IP4 h', 't=0 0'), line: 0, reason: /s= is missing/ },
  { name: 'an active stream with no c= anywhere', text: sdp('v=0', 'o=- 1 1 IN IP4 h', 's=-', 't=0 0', 'm=audio 4000 RTP/AVP 0'), line: 0, reason: /no c=/ },
];

for (const c of REFUSED) {
  test(`refuses ${c.name}`, () => {
    const error = refuse(c.text);
    assert.equal(error.line, c.line, error.reason);
    assert.match(error.reason, c.reason);
  });
}

test('a disabled stream needs no c=; "constructor" is just an unknown attribute', () => {
  const s = accept(sdp('v=0', 'o=- 1 1 IN IP4 h', 's=-', 't=0 0', 'm=audio 0 RTP/AVP 0', 'a=constructor:x', 'a=__proto__'));
  assert.deepEqual(s.media[0]?.attributes, [{ kind: 'other', name: 'constructor', value: 'x' }, { kind: 'other', name: '__proto__' }]);
});

test('size limits: bytes, lines and m= lines', () => {
  assert.equal(refuse(sdp(...BASE, `a=x:${'y'.repeat(MAX_SDP_BYTES)}`)).line, 0);
  assert.match(refuse(sdp(...BASE, ...new Array<string>(1100).fill('a=x'))).reason, /lines/);
  assert.match(refuse(sdp(...BASE, ...new Array<string>(40).fill('m=audio 0 RTP/AVP 0'))).reason, /m= lines/);
});
