// What the DTMF detectors report: a key when it is pressed (RFC 4733 §3.2 event names, the ITU-T
// Q.23 keypad), and separately, when it is released, how long it was held.

/**
 * The 16 DTMF keys (RFC 4733 events 0-15), and 'flash' (event 16, a hook flash) only from a detector
 * built with `reportFlash`: in-band detection never yields it.
 */
export type DtmfDigit = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '*' | '#' | 'A' | 'B' | 'C' | 'D' | 'flash';

/** How a key was heard: RFC 4733 telephone-event packets, or the tone pair in the audio (Q.23/Q.24). */
export type DtmfDetectionMethod = 'rfc4733' | 'inband';

/** What a `DtmfDetector` listens to; 'auto' is both until the stream is seen to send RFC 4733 events. */
export type DtmfMode = DtmfDetectionMethod | 'auto';

export interface DtmfDigitEvent {
  readonly digit: DtmfDigit;
  readonly method: DtmfDetectionMethod;
  /** The caller's `nowMs` when the key was recognised (the packet or audio frame that showed it). */
  readonly atMs: number;
}

/**
 * Why a key counts as released: 'end' (RFC 4733 E bit, or the tone stopped), 'timeout' (RFC 4733
 * packets stopped without an E bit: the end packets were lost), 'superseded' (another key or another
 * stream started before this one ended, or the detector was reset or switched off).
 */
export type DtmfEndReason = 'end' | 'timeout' | 'superseded';

/** Sent once per reported key, after its `DtmfDigitEvent`. */
export interface DtmfDigitEnd {
  readonly digit: DtmfDigit;
  readonly method: DtmfDetectionMethod;
  /** The `atMs` of the key's `DtmfDigitEvent`, to pair the two. */
  readonly startedAtMs: number;
  /** The caller's `nowMs` when the release was recognised. */
  readonly atMs: number;
  /** How long the key was held: the sender's RFC 4733 duration, or the tone as heard in-band (about ±10 ms). */
  readonly durationMs: number;
  readonly reason: DtmfEndReason;
}

export type DtmfDigitListener = (event: DtmfDigitEvent) => void;
export type DtmfDigitEndListener = (event: DtmfDigitEnd) => void;

/** The keys by RFC 4733 event code (§3.2): digits, *, #, A-D, then flash. */
export const DTMF_EVENT_DIGITS: readonly DtmfDigit[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#', 'A', 'B', 'C', 'D', 'flash'];
