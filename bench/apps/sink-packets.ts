// The RFC 4733 event packets the timing sink's process (timing-sink.ts) presses a key with.

/** The telephone-event payload type the callers offer and the sink sends keys with. */
export const DTMF_PAYLOAD_TYPE = 101;

/** One RFC 4733 event packet: `key`, end bit, duration in timestamp units (RFC 4733 §2.3). */
export function dtmfPacket(ssrc: number, seq: number, timestamp: number, key: number, end: boolean, duration: number, marker: boolean): Buffer {
  const packet = Buffer.alloc(16);
  packet[0] = 0x80;
  packet[1] = (marker ? 0x80 : 0) | DTMF_PAYLOAD_TYPE;
  packet.writeUInt16BE(seq & 0xffff, 2);
  packet.writeUInt32BE(timestamp >>> 0, 4);
  packet.writeUInt32BE(ssrc >>> 0, 8);
  packet[12] = key;
  packet[13] = (end ? 0x80 : 0) | 10; // volume -10 dBm0
  packet.writeUInt16BE(duration, 14);
  return packet;
}
