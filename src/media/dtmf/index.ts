// DTMF detection for one stream (a relay side): RFC 4733 telephone-events, in-band ITU-T Q.23 tones,
// or both. Per-packet code: no allocation on the common path, no timers, time from the caller.
export { DtmfDetector, DEFAULT_AUDIO_ENCODINGS, type DtmfDetectorOptions } from './dtmf-detector.ts';
export { TelephoneEventReceiver, DEFAULT_EVENT_TIMEOUT_MS, DEFAULT_REPORT_FLASH, type TelephoneEventReceiverOptions } from './telephone-event-receiver.ts';
export { InbandDtmfDetector, type InbandDtmfDetectorOptions, type G711Encoding } from './inband-dtmf-detector.ts';
export { DtmfToneClassifier, DEFAULT_TONE_LIMITS, DBM0_PEAK, type DtmfToneLimits } from './dtmf-tone-classifier.ts';
export {
  DTMF_EVENT_DIGITS,
  type DtmfDigit,
  type DtmfDetectionMethod,
  type DtmfMode,
  type DtmfDigitEvent,
  type DtmfDigitEnd,
  type DtmfEndReason,
  type DtmfDigitListener,
  type DtmfDigitEndListener,
} from './dtmf-types.ts';
