// One relay side's DTMF detection: RFC 4733 telephone-events, in-band Q.23 tones in G.711 audio, or both
// ('auto'), each key reported once. It runs on the relay's packet path, so nothing here allocates per
// packet or sets a timer: time is the caller's millisecond clock, passed with every packet.
import type { DtmfToneLimits } from './dtmf-tone-classifier.ts';
import type { DtmfDigit, DtmfDigitEnd, DtmfDigitEndListener, DtmfDigitEvent, DtmfDigitListener, DtmfMode } from './dtmf-types.ts';
import { InbandDtmfDetector, type G711Encoding } from './inband-dtmf-detector.ts';
import { TelephoneEventReceiver } from './telephone-event-receiver.ts';

export interface DtmfDetectorOptions {
  /** 'auto' by default. */
  readonly mode?: DtmfMode | undefined;
  readonly onDigit: DtmfDigitListener;
  readonly onDigitEnd?: DtmfDigitEndListener | undefined;
  /** The negotiated telephone-event payload type: `onDatagram` needs it (`onRtp` callers sort packets themselves). */
  readonly telephoneEventPayloadType?: number | undefined;
  /** The telephone-event clock rate of the SDP; 8000 by default. */
  readonly telephoneEventClockRate?: number | undefined;
  /**
   * The audio payload types that carry G.711: DEFAULT_AUDIO_ENCODINGS unless given, so a caller that
   * negotiated a dynamic type for PCMU or PCMA passes the whole map. Audio of any other type (G.722,
   * Opus, ...) is not decoded here, so in-band keys cannot be heard in it: only RFC 4733 events count.
   */
  readonly audioEncodings?: Readonly<Record<number, G711Encoding>> | undefined;
  readonly eventTimeoutMs?: number | undefined;
  readonly reportFlash?: boolean | undefined;
  readonly toneLimits?: Partial<DtmfToneLimits> | undefined;
}

/** RFC 3551's static G.711 payload types. */
export const DEFAULT_AUDIO_ENCODINGS: Readonly<Record<number, G711Encoding>> = { 0: 'PCMU', 8: 'PCMA' };

/**
 * In 'auto', the first RFC 4733 event repeats the in-band key reported just before if that key is still
 * held, or was released at most this long ago: its end packets come up to 100 ms after the tone stops
 * (§2.5.1.4), jitter on top. Only a stream whose first event was lost whole could lose a key to this.
 */
const REPEAT_WINDOW_MS = 300;
const NOT_G711 = 0;
const PCMU = 1;
const PCMA = 2;

export class DtmfDetector {
  private currentMode: DtmfMode;
  private readonly onDigit: DtmfDigitListener;
  private readonly onDigitEnd: DtmfDigitEndListener | undefined;
  private readonly receiver: TelephoneEventReceiver;
  private readonly inband: InbandDtmfDetector;
  /** Payload type -> NOT_G711 | PCMU | PCMA. */
  private readonly encodings = new Uint8Array(128);
  private readonly telephoneEventPayloadType: number;
  /** 'auto' has seen an RFC 4733 key from this stream: in-band detection is off for good. */
  private rfc4733Seen = false;
  // The last in-band key: when it was reported, and when released (NaN while held).
  private inbandDigit: DtmfDigit | undefined = undefined;
  private inbandAtMs = 0;
  private inbandEndedAtMs = Number.NaN;
  /** The end of an RFC 4733 event that repeated an in-band key: closes that key ('rename') or is dropped. */
  private repeated: 'no' | 'rename' | 'drop' = 'no';
  private repeatedAtMs = 0;
  private muteInbandEnd = false;

  constructor(options: DtmfDetectorOptions) {
    this.currentMode = options.mode ?? 'auto';
    this.onDigit = options.onDigit;
    this.onDigitEnd = options.onDigitEnd;
    this.telephoneEventPayloadType = options.telephoneEventPayloadType ?? -1;
    for (const [payloadType, encoding] of Object.entries(options.audioEncodings ?? DEFAULT_AUDIO_ENCODINGS)) {
      const pt = Number(payloadType);
      if (Number.isInteger(pt) && pt >= 0 && pt < 128) this.encodings[pt] = encoding === 'PCMU' ? PCMU : PCMA;
    }
    this.receiver = new TelephoneEventReceiver({
      onDigit: (event) => this.fromEvent(event),
      onDigitEnd: (end) => this.fromEventEnd(end),
      clockRate: options.telephoneEventClockRate,
      eventTimeoutMs: options.eventTimeoutMs,
      reportFlash: options.reportFlash,
    });
    this.inband = new InbandDtmfDetector({
      ...options.toneLimits,
      onDigit: (event) => this.fromTone(event),
      onDigitEnd: (end) => this.fromToneEnd(end),
    });
  }

  get mode(): DtmfMode {
    return this.currentMode;
  }

  /** Whether audio is analysed now: 'inband', or 'auto' until the stream sends an RFC 4733 key. */
  get inbandActive(): boolean {
    return this.currentMode === 'inband' || (this.currentMode === 'auto' && !this.rfc4733Seen);
  }

  /** Changes what is listened to (a re-INVITE added or dropped telephone-event); a held key of the method left is released. */
  setMode(mode: DtmfMode, nowMs: number): void {
    if (mode === this.currentMode) return;
    if (mode === 'rfc4733') this.inband.reset(nowMs);
    if (mode === 'inband') this.receiver.reset(nowMs);
    this.currentMode = mode;
  }

  /** A packet of the telephone-event payload type: header fields, payload (or its bytes `start`..`end`), arrival. */
  onRtp(timestamp: number, sequenceNumber: number, marker: boolean, ssrc: number, payload: Uint8Array, nowMs: number, start = 0, end = payload.length): void {
    if (this.currentMode === 'inband') return;
    this.receiver.receive(timestamp, sequenceNumber, marker, ssrc, payload, nowMs, start, end);
  }

  /** An audio packet: its payload type and G.711 payload (or its bytes `start`..`end`), arrival. */
  onAudio(payloadType: number, payload: Uint8Array, nowMs: number, start = 0, end = payload.length): void {
    // Audio keeps flowing while a key is held, so it is the clock that times out a lost RFC 4733 end.
    this.receiver.tick(nowMs);
    if (!this.inbandActive) return;
    const encoding = this.encodings[payloadType & 0x7f];
    if (encoding === PCMU) this.inband.pushG711(payload, 'PCMU', nowMs, start, end);
    else if (encoding === PCMA) this.inband.pushG711(payload, 'PCMA', nowMs, start, end);
  }

  /** Audio the caller has already decoded to 8 kHz linear PCM (a recorder, a test). */
  onPcm(samples: Int16Array, nowMs: number): void {
    this.receiver.tick(nowMs);
    if (this.inbandActive) this.inband.pushPcm(samples, nowMs);
  }

  /**
   * A whole received RTP datagram (the relay tap's buffer), sorted by payload type into onRtp or
   * onAudio. The header is read in place (RFC 3550 §5.1): parseRtp would allocate per packet.
   * Malformed datagrams are ignored; muxed RTCP (RFC 5761) has payload types 72-76, never configured.
   */
  onDatagram(datagram: Uint8Array, nowMs: number): void {
    const length = datagram.length;
    const first = datagram[0] ?? 0;
    if (length < 12 || first >> 6 !== 2) return;
    let start = 12 + 4 * (first & 0x0f);
    if ((first & 0x10) !== 0) {
      if (start + 4 > length) return;
      start += 4 + 4 * (((datagram[start + 2] ?? 0) << 8) | (datagram[start + 3] ?? 0));
    }
    let end = length;
    if ((first & 0x20) !== 0) {
      // §5.1: the last octet counts the padding, itself included, so it is never zero.
      const padding = datagram[length - 1] ?? 0;
      if (padding === 0) return;
      end -= padding;
    }
    if (start > end) return;
    const second = datagram[1] ?? 0;
    const payloadType = second & 0x7f;
    if (payloadType === this.telephoneEventPayloadType) {
      const sequence = ((datagram[2] ?? 0) << 8) | (datagram[3] ?? 0);
      const timestamp = (((datagram[4] ?? 0) << 24) | ((datagram[5] ?? 0) << 16) | ((datagram[6] ?? 0) << 8) | (datagram[7] ?? 0)) >>> 0;
      const ssrc = (((datagram[8] ?? 0) << 24) | ((datagram[9] ?? 0) << 16) | ((datagram[10] ?? 0) << 8) | (datagram[11] ?? 0)) >>> 0;
      this.onRtp(timestamp, sequence, (second & 0x80) !== 0, ssrc, datagram, nowMs, start, end);
    } else {
      this.onAudio(payloadType, datagram, nowMs, start, end);
    }
  }

  /** Lets a lost RFC 4733 end time out while no packet comes at all (the relay's ticker). */
  tick(nowMs: number): void {
    this.receiver.tick(nowMs);
  }

  /** Starts afresh (a new party behind this side): held keys are released, 'auto' listens to both again. */
  reset(nowMs: number): void {
    this.receiver.reset(nowMs);
    this.inband.reset(nowMs);
    this.rfc4733Seen = false;
    this.inbandDigit = undefined;
    this.repeated = 'no';
  }

  private fromEvent(event: DtmfDigitEvent): void {
    this.repeated = 'no';
    if (this.currentMode === 'auto' && !this.rfc4733Seen) {
      // Phones that send RFC 4733 often leave the tone in the audio too, and a key must never be
      // reported twice: from this stream's first event on, only events count.
      this.rfc4733Seen = true;
      const held = Number.isNaN(this.inbandEndedAtMs);
      if (this.inbandDigit === event.digit && (held || event.atMs - this.inbandEndedAtMs <= REPEAT_WINDOW_MS)) {
        // The tone was heard before its event came (the first event packets late or lost): the key
        // is already reported. The event's end, with the sender's exact duration, closes it.
        this.repeated = held ? 'rename' : 'drop';
        this.repeatedAtMs = this.inbandAtMs;
        this.muteInbandEnd = true;
        this.inband.reset(event.atMs);
        this.muteInbandEnd = false;
        return;
      }
      this.inband.reset(event.atMs);
    }
    this.onDigit(event);
  }

  private fromEventEnd(end: DtmfDigitEnd): void {
    const repeated = this.repeated;
    this.repeated = 'no';
    if (repeated === 'drop') return;
    if (repeated === 'rename') this.onDigitEnd?.({ ...end, method: 'inband', startedAtMs: this.repeatedAtMs });
    else this.onDigitEnd?.(end);
  }

  private fromTone(event: DtmfDigitEvent): void {
    this.inbandDigit = event.digit;
    this.inbandAtMs = event.atMs;
    this.inbandEndedAtMs = Number.NaN;
    this.onDigit(event);
  }

  private fromToneEnd(end: DtmfDigitEnd): void {
    this.inbandEndedAtMs = end.atMs;
    if (!this.muteInbandEnd) this.onDigitEnd?.(end);
  }
}
