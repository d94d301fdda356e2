// The SIP transport layer (RFC 3261 §18, RFC 7118): UDP, TCP/TLS and WS/WSS behind one Transport interface.
export { isReliable, type Endpoint, type TransportProtocol } from './endpoint.ts';
export type {
  InboundPacket,
  TlsCredentials,
  Transport,
  TransportCounters,
  TransportErrorEvent,
  TransportErrorKind,
  TransportListener,
} from './transport.ts';
export { UdpTransport, type UdpTransportOptions } from './udp-transport.ts';
export { TcpTransport, type StreamTlsOptions, type TcpTransportOptions } from './tcp-transport.ts';
export { WsTransport, type WsTransportOptions } from './ws-transport.ts';
export { StreamFramer, readContentLength, DEFAULT_STREAM_LIMITS, type FramerOutput, type StreamFramerLimits } from './stream-framer.ts';
export { endpointKey, normalizeAddress } from './flow-table.ts';
