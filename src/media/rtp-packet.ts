// RTP fixed header, CSRC list, header extension and padding (RFC 3550 §5.1, §5.3.1; validity
// checks of Appendix A.1). Parse never throws: a malformed datagram is a value to count and drop.
import { err, ok, type Result } from '../shared/index.ts';

export const RTP_VERSION = 2;
/** The fixed header: V/P/X/CC, M/PT, sequence number, timestamp, SSRC. */
export const RTP_HEADER_BYTES = 12;
export const MAX_CSRCS = 15;

/** §5.3.1: a 16-bit profile-defined identifier and a body of whole 32-bit words. */
export interface RtpHeaderExtension {
  readonly profile: number;
  /** The extension body without its 4-byte header; length is a multiple of 4. */
  readonly data: Buffer;
}

export interface RtpPacket {
  readonly marker: boolean;
  /** 0-127. */
  readonly payloadType: number;
  /** 16 bits, wraps. */
  readonly sequenceNumber: number;
  /** 32 bits unsigned, wraps. */
  readonly timestamp: number;
  /** 32 bits unsigned. */
  readonly ssrc: number;
  readonly csrcs: readonly number[];
  readonly extension: RtpHeaderExtension | undefined;
  /**
   * The payload without padding. When parsed it is a view into the received datagram (no copy):
   * the relay forwards it as is; a consumer that keeps it past the handler must copy it.
   */
  readonly payload: Buffer;
  /** Padding octets after the payload, including the count octet; 0 when P is clear. */
  readonly paddingLength: number;
}

export type RtpParseError =
  | 'shorter than the RTP fixed header'
  | 'RTP version is not 2'
  | 'CSRC list runs past the packet'
  | 'header extension runs past the packet'
  | 'padding count is zero or runs into the header';

export function parseRtp(data: Buffer): Result<RtpPacket, RtpParseError> {
  const length = data.length;
  if (length < RTP_HEADER_BYTES) return err('shorter than the RTP fixed header');
  const first = data[0] ?? 0;
  // A.1: RTP version field must equal 2.
  if (first >> 6 !== RTP_VERSION) return err('RTP version is not 2');
  const second = data[1] ?? 0;
  const csrcCount = first & 0x0f;
  let offset = RTP_HEADER_BYTES + 4 * csrcCount;
  // A.1: the length of the packet must be consistent with CC and payload type.
  if (offset > length) return err('CSRC list runs past the packet');
  const csrcs: number[] = [];
  for (let at = RTP_HEADER_BYTES; at < offset; at += 4) csrcs.push(data.readUInt32BE(at));

  let extension: RtpHeaderExtension | undefined;
  if ((first & 0x10) !== 0) {
    // §5.3.1: "If the X bit in the RTP header is one, a variable-length header extension MUST be
    // appended to the RTP header, following the CSRC list if present."
    if (offset + 4 > length) return err('header extension runs past the packet');
    const profile = data.readUInt16BE(offset);
    const words = data.readUInt16BE(offset + 2);
    const bodyEnd = offset + 4 + 4 * words;
    if (bodyEnd > length) return err('header extension runs past the packet');
    extension = { profile, data: data.subarray(offset + 4, bodyEnd) };
    offset = bodyEnd;
  }

  let paddingLength = 0;
  if ((first & 0x20) !== 0) {
    // §5.1: the last octet of the padding counts the padding octets, itself included, so zero is
    // invalid, and A.1 refuses a count that reaches back into the header. A count that takes the
    // whole payload is kept: padding-only packets are how WebRTC senders probe bandwidth.
    paddingLength = data[length - 1] ?? 0;
    if (paddingLength === 0 || paddingLength > length - offset) return err('padding count is zero or runs into the header');
  }

  return ok({
    marker: (second & 0x80) !== 0,
    payloadType: second & 0x7f,
    sequenceNumber: data.readUInt16BE(2),
    timestamp: data.readUInt32BE(4),
    ssrc: data.readUInt32BE(8),
    csrcs,
    extension,
    payload: data.subarray(offset, length - paddingLength),
    paddingLength,
  });
}

/** Bytes before the payload: fixed header, CSRCs and extension. */
export function rtpHeaderLength(packet: Pick<RtpPacket, 'csrcs' | 'extension'>): number {
  return RTP_HEADER_BYTES + 4 * packet.csrcs.length + (packet.extension === undefined ? 0 : 4 + packet.extension.data.length);
}

/**
 * The header alone (everything before the payload), for `socket.send([header, payload])` so the
 * payload is never copied. Fields are masked to their widths, so a sender may just add one to
 * the sequence number or the timestamp and let them wrap. Padding is not included: use
 * serializeRtp for padded packets.
 */
export function serializeRtpHeader(packet: Omit<RtpPacket, 'payload' | 'paddingLength'>, paddingLength = 0): Buffer {
  // The CSRC count is 4 bits and the extension counts 32-bit words: only our own code builds
  // packets (parsed ones always fit), so breaking these is a programming error, not input.
  if (packet.csrcs.length > MAX_CSRCS) throw new RangeError(`an RTP packet carries at most ${MAX_CSRCS} CSRCs`);
  const ext = packet.extension;
  if (ext !== undefined && (ext.data.length % 4 !== 0 || ext.data.length > 0xffff * 4)) {
    throw new RangeError('an RTP header extension body is a whole number of 32-bit words, at most 65535');
  }
  const header = Buffer.allocUnsafe(rtpHeaderLength(packet));
  header[0] = (RTP_VERSION << 6) | (paddingLength > 0 ? 0x20 : 0) | (ext === undefined ? 0 : 0x10) | packet.csrcs.length;
  header[1] = (packet.marker ? 0x80 : 0) | (packet.payloadType & 0x7f);
  header.writeUInt16BE(packet.sequenceNumber & 0xffff, 2);
  header.writeUInt32BE(packet.timestamp >>> 0, 4);
  header.writeUInt32BE(packet.ssrc >>> 0, 8);
  let at = RTP_HEADER_BYTES;
  for (const csrc of packet.csrcs) {
    header.writeUInt32BE(csrc >>> 0, at);
    at += 4;
  }
  if (ext !== undefined) {
    header.writeUInt16BE(ext.profile & 0xffff, at);
    header.writeUInt16BE(ext.data.length / 4, at + 2);
    ext.data.copy(header, at + 4);
  }
  return header;
}

/** The whole packet in one buffer (one copy of the payload), padding included when asked for. */
export function serializeRtp(packet: RtpPacket): Buffer {
  const padding = packet.paddingLength;
  if (!Number.isInteger(padding) || padding < 0 || padding > 255) throw new RangeError('RTP padding is 0-255 octets');
  const header = serializeRtpHeader(packet, padding);
  const out = Buffer.allocUnsafe(header.length + packet.payload.length + padding);
  header.copy(out, 0);
  packet.payload.copy(out, header.length);
  if (padding > 0) {
    const padStart = header.length + packet.payload.length;
    out.fill(0, padStart, out.length - 1);
    out[out.length - 1] = padding;
  }
  return out;
}
