// In-band DTMF (ITU-T Q.23 tones, Q.24 timing) in 8 kHz linear PCM or G.711 audio of one stream: a key
// needs about 30 ms of tone to count, and the same key counts again only after a pause of about 30-35 ms.
import { alawToLinear, mulawToLinear } from '../g711.ts';
import { DtmfToneClassifier, HALF_WINDOW, KEYPAD_DIGITS, WINDOW, type DtmfToneLimits } from './dtmf-tone-classifier.ts';
import type { DtmfDigit, DtmfDigitEndListener, DtmfDigitListener, DtmfEndReason } from './dtmf-types.ts';

/** The audio this detector can hear; other codecs are not decoded here, so they carry no in-band keys. */
export type G711Encoding = 'PCMU' | 'PCMA';

export interface InbandDtmfDetectorOptions extends Partial<DtmfToneLimits> {
  readonly onDigit: DtmfDigitListener;
  readonly onDigitEnd?: DtmfDigitEndListener | undefined;
}

/**
 * Windows in a row showing the key before it counts. A tone of 40 ms (Q.24's shortest that must
 * count) fills at least four whole windows however it falls on the 51-sample grid; four windows of
 * at least 75 % tone need about 25 ms of tone, so a 20 ms tone (Q.24: must not count) never does.
 */
const HITS_TO_BEGIN = 4;
/**
 * Windows in a row without the key before it is released. A pause of 35 ms or more (Q.24's shortest
 * interdigit pause is 40 ms) empties at least seven windows; a dropout of 25 ms or less (a lost
 * packet, a phase jump) at most five, so it is bridged instead of turning one key into two presses.
 */
const MISSES_TO_END = 6;

/** Local copy: the per-sample loops must not depend on how a bundler or loader exposes an import. */
const HALF = HALF_WINDOW;

// G.711 code word -> sample, as doubles so decoding writes straight into the analysis buffer.
const MULAW = Float64Array.from({ length: 256 }, (_, code) => mulawToLinear(code));
const ALAW = Float64Array.from({ length: 256 }, (_, code) => alawToLinear(code));

export class InbandDtmfDetector {
  private readonly classifier: DtmfToneClassifier;
  private readonly onDigit: DtmfDigitListener;
  private readonly onDigitEnd: DtmfDigitEndListener | undefined;
  /** Samples of the half-window being filled: frames need not be multiples of it. */
  private readonly half = new Float64Array(HALF);
  private filled = 0;
  /** Windows analysed so far: the time base of hits and durations. */
  private windows = 0;
  /** The key held now (keypad index), or -1. */
  private key = -1;
  private digit: DtmfDigit = '0';
  private startedAtMs = 0;
  private firstHit = 0;
  private lastHit = 0;
  private misses = 0;
  /** A key seen in the last windows that has not counted yet, and since which window. */
  private candidate = -1;
  private candidateHits = 0;
  private candidateFirst = 0;

  constructor(options: InbandDtmfDetectorOptions) {
    this.onDigit = options.onDigit;
    this.onDigitEnd = options.onDigitEnd;
    this.classifier = new DtmfToneClassifier(options);
  }

  /** 8 kHz 16-bit linear samples, any number at a time (a 20 ms frame is 160), received at `nowMs`. */
  pushPcm(samples: Int16Array, nowMs: number): void {
    const half = this.half;
    for (let i = 0; i < samples.length; ) {
      // Copy up to the end of the half-window, then analyse it.
      let filled = this.filled;
      const stop = Math.min(samples.length, i + HALF - filled);
      while (i < stop) half[filled++] = samples[i++] ?? 0;
      this.filled = filled;
      if (filled === HALF) this.analyse(nowMs);
    }
  }

  /** G.711 code words (an RTP payload, or its bytes `start`..`end` of a datagram), decoded on the way in. */
  pushG711(codes: Uint8Array, encoding: G711Encoding, nowMs: number, start = 0, end = codes.length): void {
    const table = encoding === 'PCMU' ? MULAW : ALAW;
    const half = this.half;
    const last = Math.min(end, codes.length);
    for (let i = start; i < last; ) {
      let filled = this.filled;
      const stop = Math.min(last, i + HALF - filled);
      while (i < stop) half[filled++] = table[codes[i++] ?? 0] ?? 0;
      this.filled = filled;
      if (filled === HALF) this.analyse(nowMs);
    }
  }

  /** Starts afresh (new audio source, detection switched off): a held key is released as 'superseded'. */
  reset(nowMs: number): void {
    this.release('superseded', nowMs);
    this.classifier.reset();
    this.filled = 0;
    this.candidate = -1;
    this.candidateHits = 0;
  }

  private analyse(nowMs: number): void {
    this.filled = 0;
    const seen = this.classifier.push(this.half);
    const window = ++this.windows;
    if (seen >= 0 && seen === this.key) {
      this.lastHit = window;
      this.misses = 0;
      this.candidate = -1;
      return;
    }
    if (this.key >= 0 && ++this.misses >= MISSES_TO_END) this.release('end', nowMs);
    if (seen < 0) {
      this.candidate = -1;
      return;
    }
    if (seen !== this.candidate) {
      this.candidate = seen;
      this.candidateHits = 0;
      this.candidateFirst = window;
    }
    if (++this.candidateHits < HITS_TO_BEGIN) return;
    // A different key straight after the last one (no pause) releases it.
    this.release('superseded', nowMs);
    const digit = KEYPAD_DIGITS[seen];
    if (digit === undefined) return;
    this.key = seen;
    this.digit = digit;
    this.startedAtMs = nowMs;
    this.firstHit = this.candidateFirst;
    this.lastHit = window;
    this.misses = 0;
    this.candidate = -1;
    this.onDigit({ digit, method: 'inband', atMs: nowMs });
  }

  private release(reason: DtmfEndReason, nowMs: number): void {
    if (this.key < 0) return;
    this.key = -1;
    // The span of the windows that showed the key; its edges overhang the tone by a few ms on average.
    const samples = (this.lastHit - this.firstHit) * HALF_WINDOW + WINDOW;
    this.onDigitEnd?.({ digit: this.digit, method: 'inband', startedAtMs: this.startedAtMs, atMs: nowMs, durationMs: samples / 8, reason });
  }
}
