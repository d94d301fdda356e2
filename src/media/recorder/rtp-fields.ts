// RtpFields: the fixed-header fields of an RTP datagram (RFC 3550 §5.1) and where its payload lies past the CSRC
// list, header extension (§5.3.1) and padding, read into one reused object: the recorder's per-packet path allocates
// nothing, where parseRtp builds a result, a CSRC array and a payload view for every datagram.

const RTP_VERSION = 2;
const FIXED_HEADER_BYTES = 12;

export class RtpFields {
  payloadType = 0;
  sequenceNumber = 0;
  timestamp = 0;
  ssrc = 0;
  /** The payload is datagram[payloadStart, payloadEnd). */
  payloadStart = 0;
  payloadEnd = 0;

  /** Reads `datagram`; false when it is not a well-formed RTP packet (the fields are then meaningless). */
  read(datagram: Buffer): boolean {
    const length = datagram.length;
    if (length < FIXED_HEADER_BYTES) return false;
    const first = datagram[0] ?? 0;
    // Appendix A.1: the version field must equal 2.
    if (first >> 6 !== RTP_VERSION) return false;
    let start = FIXED_HEADER_BYTES + 4 * (first & 0x0f);
    if ((first & 0x10) !== 0) {
      if (start + 4 > length) return false;
      start += 4 + 4 * datagram.readUInt16BE(start + 2);
    }
    let end = length;
    if ((first & 0x20) !== 0) {
      // §5.1: the last octet of the padding counts how many octets to ignore, itself included.
      const padding = datagram[length - 1] ?? 0;
      if (padding === 0) return false;
      end -= padding;
    }
    if (start > end) return false;
    this.payloadType = (datagram[1] ?? 0) & 0x7f;
    this.sequenceNumber = datagram.readUInt16BE(2);
    this.timestamp = datagram.readUInt32BE(4);
    this.ssrc = datagram.readUInt32BE(8);
    this.payloadStart = start;
    this.payloadEnd = end;
    return true;
  }
}
