import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRtp, serializeRtp, serializeRtpHeader, rtpHeaderLength, type RtpPacket } from './index.ts';

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');

/** A PCMU packet: V=2, M=1, PT 0, seq 0x1234, ts 0xdeadbeef, SSRC 0x01020304, 4 payload bytes. */
const BASIC = hex('80 80 1234 deadbeef 01020304 ff fe fd fc');

test('a plain packet: every fixed-header field, the payload as a view of the datagram', () => {
  const result = parseRtp(BASIC);
  assert.ok(result.ok);
  const p = result.value;
  assert.equal(p.marker, true);
  assert.equal(p.payloadType, 0);
  assert.equal(p.sequenceNumber, 0x1234);
  assert.equal(p.timestamp, 0xdeadbeef);
  assert.equal(p.ssrc, 0x01020304);
  assert.deepEqual(p.csrcs, []);
  assert.equal(p.extension, undefined);
  assert.equal(p.paddingLength, 0);
  assert.deepEqual([...p.payload], [0xff, 0xfe, 0xfd, 0xfc]);
  assert.equal(p.payload.buffer, BASIC.buffer, 'no copy of the payload');
  assert.equal(p.payload.byteOffset, BASIC.byteOffset + 12);
});

const ACCEPTED: { name: string; data: Buffer; check: (p: RtpPacket) => void }[] = [
  {
    name: 'two CSRCs',
    data: hex('82 08 0001 00000001 0000000a 11111111 22222222 aa'),
    check: (p) => {
      assert.deepEqual(p.csrcs, [0x11111111, 0x22222222]);
      assert.equal(p.payloadType, 8);
      assert.equal(p.marker, false);
      assert.deepEqual([...p.payload], [0xaa]);
    },
  },
  {
    name: 'a header extension of one word (RFC 8285 one-byte profile)',
    data: hex('90 00 0001 00000001 0000000a bede 0001 10ff0000 0102'),
    check: (p) => {
      assert.equal(p.extension?.profile, 0xbede);
      assert.deepEqual([...(p.extension?.data ?? [])], [0x10, 0xff, 0, 0]);
      assert.deepEqual([...p.payload], [1, 2]);
    },
  },
  {
    name: 'padding of 3 bytes is stripped from the payload',
    data: hex('a0 00 0001 00000001 0000000a 0102 0000 03'),
    check: (p) => {
      assert.equal(p.paddingLength, 3);
      assert.deepEqual([...p.payload], [1, 2]);
    },
  },
  {
    name: 'padding-only packet (a bandwidth probe)',
    data: hex('a0 00 0001 00000001 0000000a 000000 04'),
    check: (p) => {
      assert.equal(p.paddingLength, 4);
      assert.equal(p.payload.length, 0);
    },
  },
  { name: 'header only, empty payload', data: hex('80 00 ffff ffffffff ffffffff'), check: (p) => assert.equal(p.payload.length, 0) },
  { name: 'SSRC and timestamp stay unsigned', data: hex('80 7f ffff ffffffff ffffffff'), check: (p) => assert.deepEqual([p.payloadType, p.timestamp, p.ssrc], [127, 0xffffffff, 0xffffffff]) },
];

for (const c of ACCEPTED) {
  test(`accepts ${c.name}`, () => {
    const result = parseRtp(c.data);
    if (!result.ok) assert.fail(result.error);
    c.check(result.value);
    assert.deepEqual(serializeRtp(result.value), c.data, 'serializes back to the same bytes');
  });
}

const REFUSED: { name: string; data: Buffer; error: string }[] = [
  { name: 'an empty datagram', data: Buffer.alloc(0), error: 'shorter than the RTP fixed header' },
  { name: 'a truncated header (11 bytes)', data: BASIC.subarray(0, 11), error: 'shorter than the RTP fixed header' },
  { name: 'version 1', data: hex('40 00 0001 00000001 0000000a'), error: 'RTP version is not 2' },
  { name: 'version 0 (STUN looks like this)', data: hex('00 01 0000 2112a442 00000000'), error: 'RTP version is not 2' },
  { name: 'version 3', data: hex('c0 00 0001 00000001 0000000a'), error: 'RTP version is not 2' },
  { name: 'a CSRC count beyond the packet', data: hex('8f 00 0001 00000001 0000000a 11111111'), error: 'CSRC list runs past the packet' },
  { name: 'a CSRC list cut mid-word', data: hex('81 00 0001 00000001 0000000a 1111'), error: 'CSRC list runs past the packet' },
  { name: 'X set with no extension header', data: hex('90 00 0001 00000001 0000000a be'), error: 'header extension runs past the packet' },
  { name: 'an extension longer than the packet', data: hex('90 00 0001 00000001 0000000a bede 0002 00000000'), error: 'header extension runs past the packet' },
  { name: 'padding count zero', data: hex('a0 00 0001 00000001 0000000a 0102 00'), error: 'padding count is zero or runs into the header' },
  { name: 'padding longer than the payload', data: hex('a0 00 0001 00000001 0000000a 01 09'), error: 'padding count is zero or runs into the header' },
];

for (const c of REFUSED) {
  test(`refuses ${c.name}`, () => {
    const result = parseRtp(c.data);
    assert.equal(result.ok, false);
    assert.equal(result.ok ? '' : result.error, c.error);
  });
}

test('serializeRtpHeader masks to field widths so counters may simply wrap', () => {
  const header = serializeRtpHeader({ marker: false, payloadType: 8, sequenceNumber: 0x10000, timestamp: 2 ** 32 + 160, ssrc: -1, csrcs: [], extension: undefined });
  assert.deepEqual(header, hex('80 08 0000 000000a0 ffffffff'));
});

test('header and payload sent apart equal the one-buffer form', () => {
  const parsed = parseRtp(hex('92 00 0001 00000001 0000000a 11111111 22222222 bede 0001 10ff0000 0102'));
  assert.ok(parsed.ok);
  const header = serializeRtpHeader(parsed.value);
  assert.equal(header.length, rtpHeaderLength(parsed.value));
  assert.deepEqual(Buffer.concat([header, parsed.value.payload]), serializeRtp(parsed.value));
});

test('building packets we cannot express is a programming error', () => {
  const base = { marker: false, payloadType: 0, sequenceNumber: 0, timestamp: 0, ssrc: 0, extension: undefined, payload: Buffer.alloc(0), paddingLength: 0 };
  assert.throws(() => serializeRtp({ ...base, csrcs: new Array<number>(16).fill(1) }), RangeError);
  assert.throws(() => serializeRtp({ ...base, csrcs: [], extension: { profile: 1, data: Buffer.alloc(3) } }), RangeError);
  assert.throws(() => serializeRtp({ ...base, csrcs: [], paddingLength: 256 }), RangeError);
});
