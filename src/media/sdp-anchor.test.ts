import { test } from 'node:test';
import assert from 'node:assert/strict';
import { anchorMedia, parseSdp, serializeSdp, type SessionDescription } from './index.ts';

const sdp = (...lines: string[]) => `${lines.join('\r\n')}\r\n`;

function parse(text: string): SessionDescription {
  const result = parseSdp(text);
  if (!result.ok) assert.fail(`${result.error.line}: ${result.error.reason}`);
  return result.value;
}

const ENDPOINT = sdp(
  'v=0',
  'o=bob 7 9 IN IP4 10.0.0.7',
  's=-',
  'c=IN IP4 10.0.0.7',
  't=0 0',
  'a=ice-lite',
  'm=audio 16384 RTP/AVP 8 0 101',
  'c=IN IP4 10.0.0.8',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-16',
  'a=rtcp:16385 IN IP4 10.0.0.8',
  'a=ice-ufrag:abcd',
  'a=ice-pwd:secretsecretsecretsecret',
  'a=candidate:1 1 UDP 2130706431 10.0.0.8 16384 typ host',
  'a=sendrecv',
  'a=x-vendor:kept',
  'm=video 0 RTP/AVP 96',
  'm=audio 16390 RTP/AVP 0',
);

test('every active m= line and every c= points at the relay; formats and the rest are kept', () => {
  const anchored = anchorMedia(parse(ENDPOINT), { address: '203.0.113.5', port: 40000 });
  assert.equal(
    serializeSdp(anchored),
    sdp(
      'v=0',
      'o=bob 7 9 IN IP4 203.0.113.5',
      's=-',
      'c=IN IP4 203.0.113.5',
      't=0 0',
      'm=audio 40000 RTP/AVP 8 0 101',
      'c=IN IP4 203.0.113.5',
      'a=rtpmap:8 PCMA/8000',
      'a=rtpmap:101 telephone-event/8000',
      'a=fmtp:101 0-16',
      'a=sendrecv',
      'a=x-vendor:kept',
      'm=video 0 RTP/AVP 96',
      'm=audio 40000 RTP/AVP 0',
    ),
  );
});

test('a port per m= line, a rejected stream stays at 0, IPv6 relays get IP6', () => {
  const seen: number[] = [];
  const anchored = anchorMedia(parse(ENDPOINT), {
    address: '2001:db8::5',
    port: (index) => {
      seen.push(index);
      return 40000 + 2 * index;
    },
  });
  assert.deepEqual(anchored.media.map((m) => m.port), [40000, 0, 40004]);
  assert.deepEqual(seen, [0, 2], 'no port is allocated for a disabled stream');
  assert.equal(anchored.connection?.addrType, 'IP6');
  assert.equal(anchored.origin.addrType, 'IP6');
  assert.equal(anchored.media[0]?.connection?.address, '2001:db8::5');
  assert.equal(anchored.media[2]?.connection, undefined, 'the session-level c= covers streams without their own');
});

test('the input description is not modified', () => {
  const original = parse(ENDPOINT);
  const before = serializeSdp(original);
  anchorMedia(original, { address: '203.0.113.5', port: 40000 });
  assert.equal(serializeSdp(original), before);
});
