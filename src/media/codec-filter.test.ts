import { test } from 'node:test';
import assert from 'node:assert/strict';
import { restrictCodecs } from './codec-filter.ts';
import { parseSdp, serializeSdp } from './sdp.ts';

const OFFER = [
  'v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 'c=IN IP4 192.0.2.1', 't=0 0',
  'm=audio 4000 RTP/AVP 9 0 8 101', 'a=rtpmap:9 G722/8000', 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-16', 'a=ptime:20',
  'm=video 0 RTP/AVP 96', '',
].join('\r\n');

function offer() {
  const parsed = parseSdp(OFFER);
  assert.ok(parsed.ok);
  return parsed.value;
}

test("keeps the carrier's codecs (Asterisk names), telephone-event and the other lines; drops the rest with their rtpmap", () => {
  const narrowed = restrictCodecs(offer(), ['alaw:20', 'ulaw']);
  assert.ok(narrowed);
  const text = serializeSdp(narrowed);
  assert.match(text, /m=audio 4000 RTP\/AVP 0 8 101\r\n/);
  assert.doesNotMatch(text, /G722/);
  assert.match(text, /a=rtpmap:101 telephone-event\/8000\r\na=fmtp:101 0-16\r\na=ptime:20/);
  assert.match(text, /m=video 0 RTP\/AVP 96/);
});

test('SDP names work too; no list means no restriction', () => {
  const narrowed = restrictCodecs(offer(), ['G722']);
  assert.deepEqual(narrowed?.media[0]?.formats, ['9', '101']);
  assert.deepEqual(restrictCodecs(offer(), [])?.media[0]?.formats, ['9', '0', '8', '101']);
});

test('no common codec: undefined (telephone-event alone is no codec)', () => {
  assert.equal(restrictCodecs(offer(), ['g729']), undefined);
});
