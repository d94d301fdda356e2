// RecorderTrack: one direction of a recorded call laid on the recording's timeline (8 kHz samples since its start).
// A packet's samples go where its RTP timestamp says (RFC 3550 §5.1: the sampling instant of its first octet), so
// jitter and reordering inside the reorder window change nothing. A new SSRC (§8: a new source, its timestamps
// random again) or a timestamp jump re-anchors the stream at the packet's arrival; a slow drift is shifted back.
import { alawToLinear, mulawToLinear } from '../g711.ts';
import type { RecorderPayloadTypes, RecordingTrackStats } from './recorder-types.ts';

/** RFC 3551 static assignments: 0 PCMU, 8 PCMA, 13 CN. */
export const DEFAULT_RECORDER_ENCODINGS: RecorderPayloadTypes = new Map([
  [0, 'PCMU'],
  [8, 'PCMA'],
  [13, 'CN'],
]);

const UNKNOWN = 0;
const PCMU = 1;
const PCMA = 2;
/** Not audio (CN, telephone-event): left as silence. */
const SKIP = 3;
/** A 7-bit RTP payload type indexes these. */
const PAYLOAD_TYPES = 128;
const MULAW = Int16Array.from({ length: 256 }, (_, code) => mulawToLinear(code));
const ALAW = Int16Array.from({ length: 256 }, (_, code) => alawToLinear(code));

/** Recent sequence numbers remembered for duplicate detection: far more packets than a 200 ms window holds. */
const SEEN_SLOTS = 128;
/**
 * How long (in samples of arrival time, 200 ms) a stream's packets must all be late, or all far ahead, before it
 * is shifted. Long enough that the burst after a network freeze (many packets within a few ms, late by less and
 * less) never moves the stream; short enough that a sender whose clock stood still through a short hold loses at
 * most this much before it is heard again.
 */
const DRIFT_PERIOD = 1600;

/** Where one SSRC's timestamps sit on the timeline: timestamp `anchorTs` is timeline position `anchorPos`. */
class StreamAnchor {
  active = false;
  ssrc = 0;
  /** Distinguishes this stream's sequence numbers from an earlier stream's in the duplicate table. */
  epoch = 0;
  anchorTs = 0;
  anchorPos = 0;
  periodStart = 0;
  /** The least late packet of the current drift period (negative: ahead of its arrival). */
  minLateness = Infinity;
  lastArrival = 0;

  anchor(timestamp: number, position: number, arrival: number): void {
    this.anchorTs = timestamp;
    this.anchorPos = position;
    this.restartPeriod(arrival);
  }

  restartPeriod(arrival: number): void {
    this.periodStart = arrival;
    this.minLateness = Infinity;
    this.lastArrival = arrival;
  }
}

export class RecorderTrack {
  /** Samples for timeline positions [floor, floor + capacity), slot = position & mask; unwritten slots are 0. */
  readonly ring: Int16Array;
  readonly mask: number;
  /** One past the furthest timeline position written. */
  writtenEnd = 0;
  private readonly kinds = new Uint8Array(PAYLOAD_TYPES);
  private readonly undecodableTypes = new Uint8Array(PAYLOAD_TYPES);
  private readonly seen = new Float64Array(SEEN_SLOTS).fill(-1);
  private current = new StreamAnchor();
  private previous = new StreamAnchor();
  private epochs = 0;
  private readonly counts = { packets: 0, malformed: 0, decoded: 0, duplicates: 0, late: 0, nonAudio: 0, undecodable: 0, streams: 0, reanchors: 0, driftCorrections: 0 };

  /**
   * @param capacity ring size in samples, a power of two
   * @param reorder how late (samples) a packet may arrive after its slot: the horizon trails arrivals by this much
   * @param jump how far (samples) a timestamp may be off its arrival before the stream is re-anchored
   */
  constructor(
    encodings: RecorderPayloadTypes,
    readonly capacity: number,
    private readonly reorder: number,
    private readonly jump: number,
  ) {
    this.ring = new Int16Array(capacity);
    this.mask = capacity - 1;
    this.kinds[13] = SKIP;
    for (const [payloadType, encoding] of encodings) {
      if (!Number.isInteger(payloadType) || payloadType < 0 || payloadType >= PAYLOAD_TYPES) continue;
      this.kinds[payloadType] = encoding === 'PCMU' ? PCMU : encoding === 'PCMA' ? PCMA : SKIP;
    }
  }

  /**
   * Places one packet's payload, payload[start, end), on the timeline. `arrival` is its arrival position; `floor`
   * the first position not yet written to the file (the payload is read now and never kept).
   */
  place(payloadType: number, sequenceNumber: number, timestamp: number, ssrc: number, payload: Uint8Array, start: number, end: number, arrival: number, floor: number): void {
    this.counts.packets++;
    const pt = payloadType & 0x7f;
    const kind = this.kinds[pt] ?? UNKNOWN;
    if (kind === SKIP) {
      this.counts.nonAudio++;
      return;
    }
    if (kind === UNKNOWN) {
      this.counts.undecodable++;
      this.undecodableTypes[pt] = 1;
      return;
    }
    const length = end - start;
    if (length <= 0) return;
    let stream = this.current;
    if (!stream.active || stream.ssrc !== ssrc) stream = this.switchTo(ssrc, timestamp, arrival, floor);
    const key = stream.epoch * 65536 + (sequenceNumber & 0xffff);
    const slot = sequenceNumber & (SEEN_SLOTS - 1);
    if (this.seen[slot] === key) {
      this.counts.duplicates++;
      return;
    }
    this.seen[slot] = key;
    // The 32-bit difference read as signed: timestamps wrap (§5.1), and an older packet comes out negative.
    let position = stream.anchorPos + ((timestamp - stream.anchorTs) | 0);
    let lateness = arrival - position;
    if (lateness > this.jump || lateness < -this.jump || position + length > floor + this.capacity) {
      // Far more or less time than the arrivals explain (a restarted sender, a relay that rewrote nothing at a
      // transfer, a hold that froze the clock): the stream continues from where it is heard, now.
      position = Math.max(arrival, floor);
      stream.anchor(timestamp, position, arrival);
      this.counts.reanchors++;
      lateness = arrival - position;
    }
    // A period only measures packets that came in it: after a silence the first packet starts a new one.
    if (arrival - stream.lastArrival > DRIFT_PERIOD) stream.restartPeriod(arrival);
    stream.lastArrival = arrival;
    if (lateness < stream.minLateness) stream.minLateness = lateness;
    if (arrival - stream.periodStart >= DRIFT_PERIOD) position += this.correctDrift(stream, arrival);
    // Keep the anchor at the newest packet, so the signed 32-bit difference above never wraps on a long call.
    if (((timestamp - stream.anchorTs) | 0) > 0) {
      stream.anchorTs = timestamp;
      stream.anchorPos = position;
    }
    this.write(kind === PCMU ? MULAW : ALAW, payload, start, length, position, floor);
  }

  /** Zeroes the slots of positions [from, to) skipped without being read (a pause). */
  clear(from: number, to: number): void {
    const end = Math.min(to, this.writtenEnd);
    for (let position = from; position < end; position++) this.ring[position & this.mask] = 0;
  }

  /** Samples written ahead of `floor` and not yet in the file. */
  buffered(floor: number): number {
    return Math.max(0, this.writtenEnd - floor);
  }

  countMalformed(): void {
    this.counts.packets++;
    this.counts.malformed++;
  }

  stats(): RecordingTrackStats {
    return { ...this.counts };
  }

  undecodablePayloadTypes(): number[] {
    const types: number[] = [];
    this.undecodableTypes.forEach((seen, pt) => {
      if (seen !== 0) types.push(pt);
    });
    return types;
  }

  /**
   * A packet of another SSRC. The last stream is kept beside the current one: its stragglers (reordered across a
   * transfer) still land where they belong, and a party that comes back (A, B, then A again) is found again.
   */
  private switchTo(ssrc: number, timestamp: number, arrival: number, floor: number): StreamAnchor {
    const last = this.current;
    this.current = this.previous;
    this.previous = last;
    const stream = this.current;
    if (stream.active && stream.ssrc === ssrc) return stream;
    stream.active = true;
    stream.ssrc = ssrc;
    stream.epoch = ++this.epochs;
    stream.anchor(timestamp, Math.max(arrival, floor), arrival);
    this.counts.streams++;
    return stream;
  }

  /**
   * Once a period: when even the least late packet came more than a quarter of the window late, the sender's clock
   * runs slow against ours (a drift, a longer path, a clock that stood still on hold), and the stream moves later by
   * that much (silence, nothing lost) so packets stop missing the window. When every packet landed more than a
   * window ahead, it moves earlier (the overlap is lost), so the tracks stay aligned with each other and the clock.
   */
  private correctDrift(stream: StreamAnchor, arrival: number): number {
    const least = stream.minLateness;
    const shift = least > this.reorder / 4 || least < -this.reorder ? least : 0;
    if (shift !== 0) {
      stream.anchorPos += shift;
      this.counts.driftCorrections++;
    }
    stream.restartPeriod(arrival);
    return shift;
  }

  private write(table: Int16Array, payload: Uint8Array, start: number, length: number, position: number, floor: number): void {
    let to = position + length;
    if (to <= floor) {
      // Its place is already in the file: too late to be heard.
      this.counts.late++;
      return;
    }
    const from = Math.max(position, floor);
    // A payload longer than the ring (no real G.711 packet is) keeps what fits.
    to = Math.min(to, floor + this.capacity);
    const ring = this.ring;
    const mask = this.mask;
    let at = start + (from - position);
    for (let p = from; p < to; p++) ring[p & mask] = table[payload[at++] ?? 0] ?? 0;
    this.counts.decoded++;
    if (to > this.writtenEnd) this.writtenEnd = to;
  }
}
