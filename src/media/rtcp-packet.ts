// RTCP compound packets (RFC 3550 §6.4 SR/RR with report blocks, §6.1 compounding, A.2 validity)
// and the RFC 5761 §4 rule that tells RTCP from RTP on one port. Parse never throws.
import { err, ok, type Result } from '../shared/index.ts';

export const RTCP_SR = 200;
export const RTCP_RR = 201;
export const RTCP_SDES = 202;
export const RTCP_BYE = 203;
export const RTCP_APP = 204;

const HEADER_BYTES = 4;
const SENDER_INFO_BYTES = 20;
const REPORT_BLOCK_BYTES = 24;

/** §6.4.1: one reception report about one source. */
export interface ReportBlock {
  readonly ssrc: number;
  /** Packets lost since the last report, as a fixed-point fraction of 256. */
  readonly fractionLost: number;
  /** Signed 24 bits: duplicates can drive it below zero. */
  readonly cumulativeLost: number;
  /** Cycles of the sequence number in the high 16 bits, highest sequence number in the low 16. */
  readonly highestSequence: number;
  /** Interarrival jitter in timestamp units. */
  readonly jitter: number;
  /** Middle 32 bits of the NTP timestamp of the last SR heard from this source; 0 if none. */
  readonly lastSenderReport: number;
  /** Delay since that SR, in units of 1/65536 s. */
  readonly delaySinceLastSenderReport: number;
}

/** §6.4.1: what a sender says about its own stream. */
export interface SenderInfo {
  readonly ntpSeconds: number;
  readonly ntpFraction: number;
  readonly rtpTimestamp: number;
  readonly packetCount: number;
  readonly octetCount: number;
}

export type RtcpPacket =
  | { readonly kind: 'sr'; readonly ssrc: number; readonly senderInfo: SenderInfo; readonly reports: readonly ReportBlock[]; readonly profileExtension: Buffer }
  | { readonly kind: 'rr'; readonly ssrc: number; readonly reports: readonly ReportBlock[]; readonly profileExtension: Buffer }
  /** SDES, BYE, APP, feedback (RFC 4585) and anything else: kept whole, unpadded, for forwarding. */
  | { readonly kind: 'other'; readonly packetType: number; readonly count: number; readonly body: Buffer };

export type RtcpParseError =
  | 'empty RTCP packet'
  | 'RTCP header truncated'
  | 'RTCP version is not 2'
  | 'RTCP length runs past the datagram'
  | 'RTCP padding count is zero or too large'
  | 'report blocks run past the packet';

/**
 * RFC 5761 §4: with RTP and RTCP on one port, a packet whose second octet is 192-223 is RTCP
 * (which is why RTP payload types 64-95 are not used when multiplexing). The version bits must
 * also say 2, so STUN or DTLS arriving on the port is not taken for either.
 */
export function isRtcp(data: Buffer): boolean {
  if (data.length < HEADER_BYTES || (data[0] ?? 0) >> 6 !== 2) return false;
  const second = data[1] ?? 0;
  return second >= 192 && second <= 223;
}

export function parseRtcp(data: Buffer): Result<RtcpPacket[], RtcpParseError> {
  if (data.length === 0) return err('empty RTCP packet');
  // A.2 wants the first packet of a compound to be an SR or RR; RFC 5506 reduced-size RTCP lifts
  // that, and stats only read what is there, so it is not enforced.
  const packets: RtcpPacket[] = [];
  let offset = 0;
  while (offset < data.length) {
    if (data.length - offset < HEADER_BYTES) return err('RTCP header truncated');
    const first = data[offset] ?? 0;
    if (first >> 6 !== 2) return err('RTCP version is not 2');
    const count = first & 0x1f;
    const packetType = data[offset + 1] ?? 0;
    // §6.4.1: the length is in 32-bit words minus one, header included; A.2: the lengths of the
    // packets must add up to the datagram.
    const end = offset + (data.readUInt16BE(offset + 2) + 1) * 4;
    if (end > data.length) return err('RTCP length runs past the datagram');
    let bodyEnd = end;
    if ((first & 0x20) !== 0) {
      const padding = data[end - 1] ?? 0;
      if (padding === 0 || padding > end - offset - HEADER_BYTES) return err('RTCP padding count is zero or too large');
      bodyEnd = end - padding;
    }
    const body = data.subarray(offset + HEADER_BYTES, bodyEnd);
    const parsed = parseOne(packetType, count, body);
    if (!parsed.ok) return parsed;
    packets.push(parsed.value);
    offset = end;
  }
  return ok(packets);
}

function parseOne(packetType: number, count: number, body: Buffer): Result<RtcpPacket, RtcpParseError> {
  if (packetType !== RTCP_SR && packetType !== RTCP_RR) return ok({ kind: 'other', packetType, count, body });
  const infoBytes = packetType === RTCP_SR ? SENDER_INFO_BYTES : 0;
  const blocksAt = 4 + infoBytes;
  const blocksEnd = blocksAt + count * REPORT_BLOCK_BYTES;
  if (blocksEnd > body.length) return err('report blocks run past the packet');
  const ssrc = body.readUInt32BE(0);
  const reports: ReportBlock[] = [];
  for (let at = blocksAt; at < blocksEnd; at += REPORT_BLOCK_BYTES) reports.push(readReportBlock(body, at));
  // §6.4.1: profile-specific extensions may follow the report blocks.
  const profileExtension = body.subarray(blocksEnd);
  if (packetType === RTCP_RR) return ok({ kind: 'rr', ssrc, reports, profileExtension });
  const senderInfo: SenderInfo = {
    ntpSeconds: body.readUInt32BE(4),
    ntpFraction: body.readUInt32BE(8),
    rtpTimestamp: body.readUInt32BE(12),
    packetCount: body.readUInt32BE(16),
    octetCount: body.readUInt32BE(20),
  };
  return ok({ kind: 'sr', ssrc, senderInfo, reports, profileExtension });
}

function readReportBlock(body: Buffer, at: number): ReportBlock {
  return {
    ssrc: body.readUInt32BE(at),
    fractionLost: body[at + 4] ?? 0,
    cumulativeLost: body.readIntBE(at + 5, 3),
    highestSequence: body.readUInt32BE(at + 8),
    jitter: body.readUInt32BE(at + 12),
    lastSenderReport: body.readUInt32BE(at + 16),
    delaySinceLastSenderReport: body.readUInt32BE(at + 20),
  };
}

/** A compound packet from its parts; bodies that are not whole words get padding (§6.4.1). */
export function serializeRtcp(packets: readonly RtcpPacket[]): Buffer {
  return Buffer.concat(packets.map(serializeOne));
}

function serializeOne(packet: RtcpPacket): Buffer {
  if (packet.kind === 'other') return frame(packet.packetType, packet.count, packet.body);
  if (packet.reports.length > 31) throw new RangeError('an SR or RR carries at most 31 report blocks');
  const infoBytes = packet.kind === 'sr' ? SENDER_INFO_BYTES : 0;
  const body = Buffer.alloc(4 + infoBytes + packet.reports.length * REPORT_BLOCK_BYTES + packet.profileExtension.length);
  body.writeUInt32BE(packet.ssrc >>> 0, 0);
  if (packet.kind === 'sr') {
    const info = packet.senderInfo;
    [info.ntpSeconds, info.ntpFraction, info.rtpTimestamp, info.packetCount, info.octetCount].forEach((v, i) => body.writeUInt32BE(v >>> 0, 4 + 4 * i));
  }
  let at = 4 + infoBytes;
  for (const r of packet.reports) {
    body.writeUInt32BE(r.ssrc >>> 0, at);
    body[at + 4] = r.fractionLost & 0xff;
    // Clamped to the signed 24-bit range rather than wrapped, as §A.3 does.
    body.writeIntBE(Math.max(-0x800000, Math.min(0x7fffff, r.cumulativeLost)), at + 5, 3);
    [r.highestSequence, r.jitter, r.lastSenderReport, r.delaySinceLastSenderReport].forEach((v, i) => body.writeUInt32BE(v >>> 0, at + 8 + 4 * i));
    at += REPORT_BLOCK_BYTES;
  }
  packet.profileExtension.copy(body, at);
  return frame(packet.kind === 'sr' ? RTCP_SR : RTCP_RR, packet.reports.length, body);
}

function frame(packetType: number, count: number, body: Buffer): Buffer {
  const padding = (4 - (body.length % 4)) % 4;
  const total = HEADER_BYTES + body.length + padding;
  if (total / 4 - 1 > 0xffff) throw new RangeError('RTCP packet longer than its 16-bit length field');
  const out = Buffer.alloc(total);
  out[0] = 0x80 | (padding > 0 ? 0x20 : 0) | (count & 0x1f);
  out[1] = packetType & 0xff;
  out.writeUInt16BE(total / 4 - 1, 2);
  body.copy(out, HEADER_BYTES);
  if (padding > 0) out[total - 1] = padding;
  return out;
}

/** Interarrival jitter of a report in milliseconds, given the stream's RTP clock rate. */
export function jitterMilliseconds(block: ReportBlock, clockRate: number): number {
  return (block.jitter / clockRate) * 1000;
}

/**
 * §6.4.1: round-trip time = A - LSR - DLSR, all in 1/65536 s, where A is the middle 32 bits of
 * the NTP time the report arrived. Undefined when the reporter has not heard an SR yet.
 */
export function roundTripSeconds(block: ReportBlock, arrivalNtpMiddle: number): number | undefined {
  if (block.lastSenderReport === 0) return undefined;
  const units = (arrivalNtpMiddle - block.lastSenderReport - block.delaySinceLastSenderReport) >>> 0;
  // A negative difference wraps to a huge value: clock skew, not a real delay.
  return units > 0x7fffffff ? undefined : units / 65536;
}
