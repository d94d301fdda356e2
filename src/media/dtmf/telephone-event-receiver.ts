// RFC 4733 §2.5.2 receiver of telephone-event packets for one stream: a key is reported once, when
// its event starts, and its release once, on the E bit or when the packets stop (the end was lost).
import { FLASH_EVENT, TELEPHONE_EVENT_BYTES } from '../telephone-event.ts';
import { DTMF_EVENT_DIGITS, type DtmfDigit, type DtmfDigitEndListener, type DtmfDigitListener, type DtmfEndReason } from './dtmf-types.ts';

export interface TelephoneEventReceiverOptions {
  readonly onDigit: DtmfDigitListener;
  readonly onDigitEnd?: DtmfDigitEndListener | undefined;
  /** The telephone-event clock rate of the SDP (`a=rtpmap:101 telephone-event/8000`); 48000 beside Opus. */
  readonly clockRate?: number | undefined;
  /** How long without packets ends an event whose E bit never came (the three end packets were lost). */
  readonly eventTimeoutMs?: number | undefined;
  /** Report event 16 (flash) as the digit 'flash'. Off by default: see DEFAULT_REPORT_FLASH. */
  readonly reportFlash?: boolean | undefined;
}

/**
 * Senders refresh an ongoing event every 50 ms or so (§2.5.1.2), so 500 ms without a packet is ten
 * updates lost: the event is over and its end packets are lost, not merely late.
 */
export const DEFAULT_EVENT_TIMEOUT_MS = 500;
/**
 * A hook flash is not a menu key: an IVR or a PIN prompt must not see it as one, and the PBX has no
 * flash feature (SIP phones transfer with REFER). Callers that want it (an ATA's flash-hook
 * transfer) ask for it with `reportFlash`.
 */
export const DEFAULT_REPORT_FLASH = false;
/**
 * A packet older than the current event cannot be a reordered one once this long has passed since the
 * current event's last packet (any jitter buffer would have dropped it): the sender restarted its
 * timeline without the new SSRC RFC 3550 §8 asks for, and the packet starts a new event.
 */
const TIMELINE_RESTART_MS = 1000;
/**
 * A long event is sent as segments, each with a new timestamp (§2.5.1.3), because the duration field
 * stops at 0xFFFF. A segment is only cut near that limit, so a shorter event followed by a new
 * timestamp is a new key press, not a segment.
 */
const MIN_SEGMENT_UNITS = 0x8000;

/** RFC 3550 sequence numbers: `a` comes after `b` (16-bit serial arithmetic). */
function sequenceAfter(a: number, b: number): boolean {
  const delta = (a - b) & 0xffff;
  return delta !== 0 && delta < 0x8000;
}

export class TelephoneEventReceiver {
  /** Payloads that were not whole 4-byte event blocks (§2.3), dropped. */
  malformed = 0;
  private readonly onDigit: DtmfDigitListener;
  private readonly onDigitEnd: DtmfDigitEndListener | undefined;
  private readonly clockRate: number;
  private readonly eventTimeoutMs: number;
  private readonly timeoutUnits: number;
  private readonly lastCode: number;

  // The current (or last) event, in scalars so a packet allocates nothing.
  private hasEvent = false;
  private ended = true;
  private ssrc = 0;
  private timestamp = 0;
  private code = 0;
  private digit: DtmfDigit = '0';
  private startedAtMs = 0;
  private lastPacketMs = 0;
  /** The longest duration seen in the current segment (packets may come reordered). */
  private maxDuration = 0;
  /** The length of the event's earlier segments. */
  private earlierUnits = 0;
  private highestSequence = 0;
  // The stream we left on an SSRC change, so its late packets are not taken for new keys.
  private previousSsrc = -1;
  private previousTimestamp = 0;

  constructor(options: TelephoneEventReceiverOptions) {
    this.onDigit = options.onDigit;
    this.onDigitEnd = options.onDigitEnd;
    this.clockRate = options.clockRate !== undefined && options.clockRate > 0 ? options.clockRate : 8000;
    this.eventTimeoutMs = options.eventTimeoutMs ?? DEFAULT_EVENT_TIMEOUT_MS;
    this.timeoutUnits = (this.eventTimeoutMs * this.clockRate) / 1000;
    this.lastCode = (options.reportFlash ?? DEFAULT_REPORT_FLASH) ? FLASH_EVENT : FLASH_EVENT - 1;
  }

  /** Whether a key is held now: an event started and neither ended nor timed out. */
  get active(): boolean {
    return this.hasEvent && !this.ended;
  }

  /**
   * One telephone-event RTP packet: its header fields, its payload (or the payload's bytes
   * `start`..`end` of a received datagram, so the caller need not cut a view), and its arrival time.
   */
  receive(timestamp: number, sequenceNumber: number, marker: boolean, ssrc: number, payload: Uint8Array, nowMs: number, start = 0, end = payload.length): void {
    const length = end - start;
    if (length <= 0 || length % TELEPHONE_EVENT_BYTES !== 0 || end > payload.length) {
      this.malformed++;
      return;
    }
    this.tick(nowMs);
    const source = ssrc >>> 0;
    let blockTimestamp = timestamp >>> 0;
    if (this.hasEvent && source !== this.ssrc) {
      // A late packet of the stream we just left (its last event or older) is not a new key.
      if (source === this.previousSsrc && ((blockTimestamp - this.previousTimestamp) | 0) <= 0) return;
      this.finish('superseded', nowMs);
      this.previousSsrc = this.ssrc;
      this.previousTimestamp = this.timestamp;
      this.hasEvent = false;
    }
    // §2.5.1.5: a payload may pack several event blocks; each later block starts where the one before
    // it ends. Blocks are read in place: parseTelephoneEvents would allocate an array per packet.
    for (let at = start; at < end; at += TELEPHONE_EVENT_BYTES) {
      const duration = ((payload[at + 2] ?? 0) << 8) | (payload[at + 3] ?? 0);
      this.block(source, blockTimestamp, sequenceNumber & 0xffff, marker, payload[at] ?? 0, ((payload[at + 1] ?? 0) & 0x80) !== 0, duration, nowMs);
      blockTimestamp = (blockTimestamp + duration) >>> 0;
    }
  }

  /**
   * Ends a held key whose packets stopped. Called on every packet; a caller that wants the release
   * of a lost-end event reported while no packet comes calls it too (the relay's ticker, audio packets).
   */
  tick(nowMs: number): void {
    if (this.hasEvent && !this.ended && nowMs - this.lastPacketMs >= this.eventTimeoutMs) this.finish('timeout', nowMs);
  }

  /** Forgets the stream (a new remote party): a held key is released as 'superseded'. */
  reset(nowMs: number): void {
    this.finish('superseded', nowMs);
    this.hasEvent = false;
    this.previousSsrc = -1;
  }

  private block(ssrc: number, timestamp: number, sequence: number, marker: boolean, code: number, isEnd: boolean, duration: number, nowMs: number): void {
    // Events past flash (modem and fax tones of RFC 4734, line signals) are not keys: ignored whole.
    if (code > this.lastCode) return;
    if (!this.hasEvent) return this.begin(ssrc, timestamp, sequence, code, isEnd, duration, nowMs);
    const ahead = (timestamp - this.timestamp) | 0;
    if (ahead > 0) {
      if (this.continuesEvent(code, marker, ahead)) {
        // The next segment of a long event (§2.5.1.3): the same key, still held.
        this.earlierUnits += ahead;
        this.timestamp = timestamp;
        this.maxDuration = duration;
        this.highestSequence = sequence;
        this.lastPacketMs = nowMs;
        if (isEnd) this.finish('end', nowMs);
        return;
      }
      // §2.5.2: a new timestamp is a new event, even for the same key pressed again.
      this.finish('superseded', nowMs);
      return this.begin(ssrc, timestamp, sequence, code, isEnd, duration, nowMs);
    }
    if (ahead < 0) {
      // A packet of an earlier event arriving late (reordered, or one of its repeated end packets):
      // that event was reported when its first packet came, or is lost for good.
      if (nowMs - this.lastPacketMs < TIMELINE_RESTART_MS) return;
      this.finish('superseded', nowMs);
      return this.begin(ssrc, timestamp, sequence, code, isEnd, duration, nowMs);
    }
    const fresh = sequenceAfter(sequence, this.highestSequence);
    if (fresh) this.highestSequence = sequence;
    if (code === this.code) {
      if (!this.ended) {
        if (duration > this.maxDuration) this.maxDuration = duration;
        this.lastPacketMs = nowMs;
        if (isEnd) this.finish('end', nowMs);
        return;
      }
      // After the end, the same timestamp is the end's retransmissions (§2.5.1.4), duplicates and
      // reordered packets: nothing new. Some senders, though, stamp a new press with the timestamp of
      // the last one (taken from audio that was not sent meanwhile): a newer packet that restarts the
      // duration, or carries the marker of a first packet, is such a press.
      if (fresh && !isEnd && (marker || duration < this.maxDuration)) this.begin(ssrc, timestamp, sequence, code, isEnd, duration, nowMs);
      return;
    }
    // Another key with the same timestamp: a newer packet is that sender's next press; an older one
    // is stray.
    if (!fresh) return;
    this.finish('superseded', nowMs);
    this.begin(ssrc, timestamp, sequence, code, isEnd, duration, nowMs);
  }

  private continuesEvent(code: number, marker: boolean, ahead: number): boolean {
    // A segment starts right where the last one stopped, without the marker of a new event's first
    // packet; the last segment's final packets may be lost, hence the timeout's worth of slack.
    return !this.ended && code === this.code && !marker && this.maxDuration >= MIN_SEGMENT_UNITS && ahead >= this.maxDuration && ahead <= this.maxDuration + this.timeoutUnits;
  }

  private begin(ssrc: number, timestamp: number, sequence: number, code: number, isEnd: boolean, duration: number, nowMs: number): void {
    const digit = DTMF_EVENT_DIGITS[code];
    if (digit === undefined) return;
    this.hasEvent = true;
    this.ended = false;
    this.ssrc = ssrc;
    this.timestamp = timestamp;
    this.code = code;
    this.digit = digit;
    this.startedAtMs = nowMs;
    this.lastPacketMs = nowMs;
    this.maxDuration = duration;
    this.earlierUnits = 0;
    this.highestSequence = sequence;
    this.onDigit({ digit, method: 'rfc4733', atMs: nowMs });
    // Only the end packets came through: the key is reported all the same, then released.
    if (isEnd) this.finish('end', nowMs);
  }

  private finish(reason: DtmfEndReason, nowMs: number): void {
    if (!this.hasEvent || this.ended) return;
    this.ended = true;
    this.onDigitEnd?.({
      digit: this.digit,
      method: 'rfc4733',
      startedAtMs: this.startedAtMs,
      atMs: nowMs,
      durationMs: ((this.earlierUnits + this.maxDuration) * 1000) / this.clockRate,
      reason,
    });
  }
}
