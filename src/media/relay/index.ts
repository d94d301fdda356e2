// The RTP relay of a B2BUA (RFC 3550 §11 port pairs, RFC 4961 symmetric RTP): MediaRelay opens
// two-sided sessions; RtpPortPool hands out the even/odd port pairs they bind.
export { MediaRelay, DEFAULT_INACTIVITY_MS, DEFAULT_LATCH_SILENCE_MS, type MediaRelayOptions, type RelaySnapshot } from './media-relay.ts';
export { RelaySession, type InactivityListener } from './relay-session.ts';
export type { RelaySide, RelayTap, RelayChannelKind, SideName } from './relay-side.ts';
export { RtpPortPool, DEFAULT_PORT_MIN, DEFAULT_PORT_MAX, type RtpPortPoolOptions, type RtpSocketPair } from './rtp-port-pool.ts';
export type { MediaRelayControl, RelaySessionControl, RelaySideControl, RelayTone } from './relay-control.ts';
export { ThreadedMediaRelay, type ThreadedMediaRelayOptions } from './threaded-relay.ts';
