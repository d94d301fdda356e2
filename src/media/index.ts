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
export {
  MediaRelay,
  RelaySession,
  RtpPortPool,
  DEFAULT_INACTIVITY_MS,
  DEFAULT_LATCH_SILENCE_MS,
  DEFAULT_PORT_MIN,
  DEFAULT_PORT_MAX,
  type MediaRelayOptions,
  type RelaySnapshot,
  type InactivityListener,
  type RelaySide,
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
