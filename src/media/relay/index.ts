// The RTP relay of a B2BUA (RFC 3550 §11 port pairs, RFC 4961 symmetric RTP): MediaRelay opens two-sided sessions
// whose sides forward, play prompts and tones on one 20 ms media clock, hear fan-out sources and send RFC 4733 keys,
// and whose caller side can be recorded; RtpPortPool hands out the even/odd port pairs they bind; ThreadedMediaRelay
// runs it all in a worker thread.
export { MediaRelay, DEFAULT_INACTIVITY_MS, DEFAULT_LATCH_SILENCE_MS, type MediaRelayOptions, type RelaySnapshot, type MediaSnapshot } from './media-relay.ts';
export { RelaySession, type InactivityListener } from './relay-session.ts';
export { InactivityGate } from './inactivity-gate.ts';
export type { RelaySide, RelayTap, RelayChannelKind, SideName } from './relay-side.ts';
export { RtpPortPool, DEFAULT_PORT_MIN, DEFAULT_PORT_MAX, type RtpPortPoolOptions, type RtpSocketPair } from './rtp-port-pool.ts';
export type {
  MediaRelayControl,
  OpenSessionOptions,
  RelaySessionControl,
  RelaySideControl,
  RelayTone,
  PlayItem,
  PlayFormat,
  PlayRequest,
  PlaybackEnd,
  PlaybackEndReason,
  SourceRequest,
  DtmfMethod,
  DtmfListener,
  DtmfSendOptions,
  RecordRequest,
  RecordEncodings,
} from './relay-control.ts';
export { MediaClock, type MediaClockStats, type FrameSink } from './media-clock.ts';
export { ThreadedMediaRelay, type ThreadedMediaRelayOptions } from './threaded-relay.ts';
export { MediaRelayPool, type MediaRelayPoolOptions } from './relay-pool.ts';
