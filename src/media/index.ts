// The media module's public face: RTP/RTCP packets, G.711, RFC 4733 events, SDP and offer/answer.
// It knows nothing of SIP or the PBX; other modules import from here only.
export {
  parseRtp,
  serializeRtp,
  serializeRtpHeader,
  rtpHeaderLength,
  RTP_VERSION,
  RTP_HEADER_BYTES,
  MAX_CSRCS,
  type RtpPacket,
  type RtpHeaderExtension,
  type RtpParseError,
} from './rtp-packet.ts';
export {
  isRtcp,
  parseRtcp,
  serializeRtcp,
  jitterMilliseconds,
  roundTripSeconds,
  RTCP_SR,
  RTCP_RR,
  RTCP_SDES,
  RTCP_BYE,
  RTCP_APP,
  type RtcpPacket,
  type ReportBlock,
  type SenderInfo,
  type RtcpParseError,
} from './rtcp-packet.ts';
export {
  linearToMulaw,
  mulawToLinear,
  linearToAlaw,
  alawToLinear,
  encodeMulaw,
  decodeMulaw,
  encodeAlaw,
  decodeAlaw,
} from './g711.ts';
export {
  parseTelephoneEvent,
  parseTelephoneEvents,
  serializeTelephoneEvent,
  serializeTelephoneEvents,
  dtmfSymbolOf,
  dtmfEventOf,
  FLASH_EVENT,
  TELEPHONE_EVENT_BYTES,
  type TelephoneEvent,
  type TelephoneEventParseError,
} from './telephone-event.ts';
export { parseSdp, serializeSdp, MAX_SDP_BYTES, MAX_SDP_LINES, MAX_MEDIA_DESCRIPTIONS } from './sdp.ts';
export type { SessionDescription, MediaDescription, SdpAttribute, SdpLine, SdpParseError, Connection, Origin, Timing, Direction } from './sdp-types.ts';
export {
  buildAnswer,
  answerDirection,
  offeredDirection,
  intersectEventLists,
  DEFAULT_CODECS,
  TELEPHONE_EVENT,
  type AnswerOptions,
  type Answer,
  type LocalCodec,
  type NegotiatedStream,
} from './offer-answer.ts';
export { anchorMedia, type AnchorOptions } from './sdp-anchor.ts';
export { restrictCodecs } from './codec-filter.ts';
export {
  MediaRelay,
  RelaySession,
  ThreadedMediaRelay,
  type ThreadedMediaRelayOptions,
  MediaRelayPool,
  type MediaRelayPoolOptions,
  type OpenSessionOptions,
  RtpPortPool,
  DEFAULT_INACTIVITY_MS,
  DEFAULT_LATCH_SILENCE_MS,
  DEFAULT_PORT_MIN,
  DEFAULT_PORT_MAX,
  type MediaRelayOptions,
  type RelaySnapshot,
  type InactivityListener,
  type RelaySide,
  type MediaRelayControl,
  type RelaySessionControl,
  type RelaySideControl,
  type RelayTone,
  type RelayTap,
  type RelayChannelKind,
  type SideName,
  type RtpPortPoolOptions,
  type RtpSocketPair,
} from './relay/index.ts';
export {
  RtpPlayer,
  SAMPLES_PER_PACKET,
  PACKET_MS,
  toneSamples,
  silence,
  concatSamples,
  samplesFor,
  SAMPLE_RATE,
  readWavSamples,
  parseWavSamples,
  type PlayOptions,
  type PlayResult,
} from './player/index.ts';
// The relay's media endpoints: playback per side, fan-out sources, DTMF reported per side.
export type {
  PlayItem,
  PlayFormat,
  PlayRequest,
  PlaybackEnd,
  PlaybackEndReason,
  SourceRequest,
  DtmfMethod,
  DtmfListener,
  MediaSnapshot,
} from './relay/index.ts';
export { callProgressCycle, CALL_PROGRESS_TONES, AudioClip, ClipCache, type CallProgressTone, type G711Law } from './player/index.ts';
// DTMF detection per relay side: RFC 4733 events, in-band Q.23 tones, or both (media/dtmf/).
export {
  DtmfDetector,
  DEFAULT_AUDIO_ENCODINGS,
  TelephoneEventReceiver,
  DEFAULT_EVENT_TIMEOUT_MS,
  DEFAULT_REPORT_FLASH,
  InbandDtmfDetector,
  DtmfToneClassifier,
  DEFAULT_TONE_LIMITS,
  DBM0_PEAK,
  DTMF_EVENT_DIGITS,
  type DtmfDetectorOptions,
  type TelephoneEventReceiverOptions,
  type InbandDtmfDetectorOptions,
  type G711Encoding,
  type DtmfToneLimits,
  type DtmfDigit,
  type DtmfDetectionMethod,
  type DtmfMode,
  type DtmfDigitEvent,
  type DtmfDigitEnd,
  type DtmfEndReason,
  type DtmfDigitListener,
  type DtmfDigitEndListener,
} from './dtmf/index.ts';
export {
  CallRecorder,
  DEFAULT_REORDER_MS,
  DEFAULT_JUMP_MS,
  DEFAULT_RECORDER_ENCODINGS,
  type RecorderOptions,
  type RecorderPacket,
  type RecorderEncoding,
  type RecorderTrackIndex,
  type RecordingMode,
  type RecordingResult,
  type RecordingTrackStats,
  type RecorderPayloadTypes,
} from './recorder/index.ts';
// The relay's recording of a session (RelaySessionControl.record) and keys a side sends (RelaySideControl.sendDtmf).
export type { RecordRequest, RecordEncodings, DtmfSendOptions } from './relay/index.ts';
// Uploads to the relay's format, off the main thread (media/audio-convert/).
export {
  AudioConverter,
  convertToRelayWav,
  resample,
  decodeWav,
  DEFAULT_CONVERT_OPTIONS,
  RELAY_SAMPLE_RATE,
  relayWav,
  type AudioConversion,
  type AudioConverterOptions,
  type ConvertOptions,
  type ConvertedAudio,
} from './audio-convert/index.ts';
// The PBX's own prompts by name: Asterisk's core sounds when installed, else the generated sounds/ set (media/prompts/).
export {
  SystemPrompts,
  SYSTEM_PROMPTS,
  SYSTEM_PROMPT_NAMES,
  isSystemPromptName,
  type SystemPromptsOptions,
  type SystemPromptName,
  type PromptSource,
} from './prompts/index.ts';
// rtpengine's ng control protocol, for calls whose media a node hands to rtpengine (pbx/calls/media-offload.ts).
export { NgClient, parseNgAddress, RtpengineSession, bencode, bdecode, BencodeError, type BencodeValue, type NgAddress, type NgClientOptions, type NgDictionary, type NgFailure, type RtpengineEndpoint } from './rtpengine/index.ts';
export { RtpengineActivityPoller, relaySideOf, rtpPacketsOf, type ActivityPollerOptions, type NgRequester } from './rtpengine/index.ts';
