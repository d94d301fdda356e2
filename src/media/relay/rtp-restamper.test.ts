import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRtp, serializeRtp } from '../rtp-packet.ts';
import { RtpRestamper } from './rtp-restamper.ts';

const packet = (ssrc: number, sequenceNumber: number, timestamp: number) =>
  serializeRtp({ marker: false, payloadType: 0, sequenceNumber, timestamp, ssrc, csrcs: [], extension: undefined, paddingLength: 0, payload: Buffer.alloc(160, 0xff) });

test('one SSRC goes out whatever comes in; numbering of the first source is kept', () => {
  const restamper = new RtpRestamper(0xabcdef01);
  const out = packet(111, 500, 8000);
  restamper.restamp(out);
  const parsed = parseRtp(out);
  assert.ok(parsed.ok);
  assert.equal(parsed.value.ssrc, 0xabcdef01);
  assert.equal(parsed.value.sequenceNumber, 500);
  assert.equal(parsed.value.timestamp, 8000);
  assert.equal(parsed.value.marker, false);
});

test('a new source continues the stream: next sequence number, one frame later, marker set', () => {
  const restamper = new RtpRestamper(7);
  for (let i = 0; i < 3; i++) restamper.restamp(packet(111, 65534 + i, 4294967000 + i * 160));
  const first = packet(222, 10, 50);
  restamper.restamp(first);
  const second = packet(222, 11, 210);
  restamper.restamp(second);
  const a = parseRtp(first);
  const b = parseRtp(second);
  assert.ok(a.ok && b.ok);
  // The first source ended at sequence 0 (65534, 65535, 0) and timestamp (4294967000 + 320) mod 2^32.
  assert.equal(a.value.sequenceNumber, 1);
  assert.equal(a.value.timestamp, (4294967000 + 320 + 160) % 2 ** 32);
  assert.equal(a.value.marker, true);
  assert.equal(a.value.ssrc, 7);
  assert.equal(b.value.sequenceNumber, 2);
  assert.equal(b.value.timestamp, (a.value.timestamp + 160) % 2 ** 32);
  assert.equal(b.value.marker, false);
});
