// The RTP stream a relay side sends out, kept as one stream (RFC 3550 §5.1, §8.2) when the source behind it
// changes: after a transfer the far end is another phone, with its own SSRC, sequence and timestamp base.
// Phones' jitter buffers may drop a stream that changes SSRC mid-call (baresip 1.0 does, with ETIMEDOUT), so the
// relay writes one SSRC of its own and carries sequence numbers and timestamps on across the change, with the
// marker bit set on the first packet after it, as a talkspurt start (RFC 3551 §4.1). Done in place: no allocation.

/** 20 ms at 8 kHz: the timestamp gap assumed between the last packet of one source and the first of the next. */
const FRAME_TICKS = 160;

export class RtpRestamper {
  private readonly ssrc: number;
  private source: number | undefined = undefined;
  private seqDelta = 0;
  private tsDelta = 0;
  private lastSeq = 0;
  private lastTs = 0;

  constructor(ssrc: number) {
    this.ssrc = ssrc >>> 0;
  }

  /** Rewrites an RTP packet's SSRC, sequence number and timestamp (the caller checked it is RTP, >= 12 bytes). */
  restamp(packet: Buffer): void {
    const source = packet.readUInt32BE(8);
    const seq = packet.readUInt16BE(2);
    const ts = packet.readUInt32BE(4);
    if (source !== this.source) {
      if (this.source !== undefined) {
        // §8.2: a new source is a new stream; to the receiver it continues the old one.
        this.seqDelta = (this.lastSeq + 1 - seq) & 0xffff;
        this.tsDelta = (this.lastTs + FRAME_TICKS - ts) >>> 0;
        packet[1] = (packet[1] ?? 0) | 0x80;
      }
      this.source = source;
    }
    const outSeq = (seq + this.seqDelta) & 0xffff;
    const outTs = (ts + this.tsDelta) >>> 0;
    packet.writeUInt16BE(outSeq, 2);
    packet.writeUInt32BE(outTs, 4);
    packet.writeUInt32BE(this.ssrc, 8);
    this.lastSeq = outSeq;
    this.lastTs = outTs;
  }

  /**
   * The packet just restamped stands for `ticks` more media than one frame from its timestamp on: an RFC 4733 event
   * keeps its start timestamp in every packet (§2.5.1.2), so the next source must continue after the event's whole
   * span, not 20 ms after its start, or its audio would overlap the key in the receiver's timeline.
   */
  extendLast(ticks: number): void {
    if (ticks > 0) this.lastTs = (this.lastTs + ticks) >>> 0;
  }
}
