import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isRtcp, jitterMilliseconds, parseRtcp, roundTripSeconds, serializeRtcp, RTCP_SDES, type ReportBlock, type RtcpPacket } from './index.ts';

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');

const SR = hex(`
  81 c8 000c 11223344
  e0000000 80000000 00001f40 00000064 00003e80
  55667788 40 000005 00010010 00000050 12345678 00010000`);
const SDES = hex('81 ca 0003 11223344 0104 61626364 0000');
const RR_EMPTY = hex('80 c9 0001 11223344');
const RR_NEGATIVE = hex('81 c9 0007 11223344 55667788 00 ffffff 0000ffff 00000000 00000000 00000000');

test('a compound SR + SDES: sender info, one report block, SDES kept whole', () => {
  const result = parseRtcp(Buffer.concat([SR, SDES]));
  if (!result.ok) assert.fail(result.error);
  const [sr, sdes] = result.value;
  assert.equal(result.value.length, 2);
  assert.ok(sr?.kind === 'sr');
  assert.equal(sr.ssrc, 0x11223344);
  assert.deepEqual(sr.senderInfo, { ntpSeconds: 0xe0000000, ntpFraction: 0x80000000, rtpTimestamp: 8000, packetCount: 100, octetCount: 16000 });
  const block = sr.reports[0];
  assert.deepEqual(block, {
    ssrc: 0x55667788,
    fractionLost: 64,
    cumulativeLost: 5,
    highestSequence: 0x00010010,
    jitter: 80,
    lastSenderReport: 0x12345678,
    delaySinceLastSenderReport: 0x10000,
  });
  assert.equal(sr.profileExtension.length, 0);
  assert.ok(sdes?.kind === 'other');
  assert.equal(sdes.packetType, RTCP_SDES);
  assert.equal(sdes.count, 1);
  assert.equal(sdes.body.subarray(4, 10).toString('latin1'), '\x01\x04abcd');
});

test('stats from a report block: jitter in ms, round trip from LSR and DLSR', () => {
  const result = parseRtcp(SR);
  assert.ok(result.ok && result.value[0]?.kind === 'sr');
  const block = result.value[0].reports[0] as ReportBlock;
  assert.equal(jitterMilliseconds(block, 8000), 10);
  assert.equal(roundTripSeconds(block, 0x12345678 + 0x10000 + 0x8000), 0.5);
  assert.equal(roundTripSeconds(block, 0x12345678), undefined, 'arrival before LSR + DLSR is skew');
  assert.equal(roundTripSeconds({ ...block, lastSenderReport: 0 }, 5), undefined, 'no SR heard yet');
});

test('RR: empty, and with a negative cumulative loss (duplicates)', () => {
  const empty = parseRtcp(RR_EMPTY);
  assert.ok(empty.ok && empty.value[0]?.kind === 'rr');
  assert.deepEqual(empty.value[0].reports, []);
  const negative = parseRtcp(RR_NEGATIVE);
  assert.ok(negative.ok && negative.value[0]?.kind === 'rr');
  assert.equal(negative.value[0].reports[0]?.cumulativeLost, -1);
});

test('serializeRtcp writes back what parseRtcp read', () => {
  for (const data of [SR, Buffer.concat([SR, SDES]), RR_EMPTY, RR_NEGATIVE]) {
    const parsed = parseRtcp(data);
    assert.ok(parsed.ok);
    assert.deepEqual(serializeRtcp(parsed.value), data);
  }
});

test('serializeRtcp pads an odd body and clamps cumulative loss to 24 bits', () => {
  const odd: RtcpPacket = { kind: 'other', packetType: 204, count: 0, body: hex('11223344 6e616d65 01') };
  const bytes = serializeRtcp([odd]);
  assert.equal(bytes.length % 4, 0);
  const again = parseRtcp(bytes);
  assert.ok(again.ok && again.value[0]?.kind === 'other');
  assert.deepEqual(again.value[0].body, odd.body);
  const block: ReportBlock = { ssrc: 1, fractionLost: 0, cumulativeLost: 1e9, highestSequence: 0, jitter: 0, lastSenderReport: 0, delaySinceLastSenderReport: 0 };
  const rr = parseRtcp(serializeRtcp([{ kind: 'rr', ssrc: 1, reports: [block], profileExtension: Buffer.alloc(0) }]));
  assert.ok(rr.ok && rr.value[0]?.kind === 'rr');
  assert.equal(rr.value[0].reports[0]?.cumulativeLost, 0x7fffff);
});

const REFUSED: { name: string; data: Buffer; error: string }[] = [
  { name: 'an empty datagram', data: Buffer.alloc(0), error: 'empty RTCP packet' },
  { name: 'a 3-byte header', data: hex('80 c9 00'), error: 'RTCP header truncated' },
  { name: 'trailing bytes after a packet', data: Buffer.concat([RR_EMPTY, hex('80')]), error: 'RTCP header truncated' },
  { name: 'version 1', data: hex('40 c9 0001 11223344'), error: 'RTCP version is not 2' },
  { name: 'a length past the datagram', data: hex('80 c9 0002 11223344'), error: 'RTCP length runs past the datagram' },
  { name: 'padding count zero', data: hex('a0 c9 0002 11223344 00000000'), error: 'RTCP padding count is zero or too large' },
  { name: 'padding larger than the body', data: hex('a0 c9 0001 11223309'), error: 'RTCP padding count is zero or too large' },
  { name: 'RC beyond the packet', data: hex('82 c9 0001 11223344'), error: 'report blocks run past the packet' },
  { name: 'an SR without sender info', data: hex('80 c8 0001 11223344'), error: 'report blocks run past the packet' },
  { name: 'an RR without SSRC', data: hex('80 c9 0000'), error: 'report blocks run past the packet' },
];

for (const c of REFUSED) {
  test(`refuses ${c.name}`, () => {
    const result = parseRtcp(c.data);
    assert.equal(result.ok, false);
    assert.equal(result.ok ? '' : result.error, c.error);
  });
}

const DEMUX: { name: string; data: Buffer; rtcp: boolean }[] = [
  { name: 'SR', data: SR, rtcp: true },
  { name: 'RR', data: RR_EMPTY, rtcp: true },
  { name: 'SDES', data: SDES, rtcp: true },
  { name: 'RTP PCMU', data: hex('80 00 0001 00000001 0000000a'), rtcp: false },
  { name: 'RTP PCMU with marker', data: hex('80 80 0001 00000001 0000000a'), rtcp: false },
  { name: 'RTP dynamic 101 with marker (second octet 229)', data: hex('80 e5 0001 00000001 0000000a'), rtcp: false },
  { name: 'RTP PT 72 with marker: the collision RFC 5761 forbids', data: hex('80 c8 0001 00000001 0000000a'), rtcp: true },
  { name: 'feedback PT 205 (RFC 4585)', data: hex('81 cd 0002 11223344 55667788'), rtcp: true },
  { name: 'STUN binding request', data: hex('0001 0000 2112a442'), rtcp: false },
  { name: 'version 1 with an RTCP type', data: hex('40 c8 0001 11223344'), rtcp: false },
  { name: 'too short', data: hex('80 c8'), rtcp: false },
];

for (const c of DEMUX) {
  test(`RFC 5761 demux: ${c.name} is ${c.rtcp ? 'RTCP' : 'not RTCP'}`, () => assert.equal(isRtcp(c.data), c.rtcp));
}
