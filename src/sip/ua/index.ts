// The UA layer (RFC 3261 §8, §9.2): the SipStack facade with its UAS checks and response building, and a
// FakeTransport for the tests of the layers above.
export { SipStack } from './sip-stack.ts';
export type {
  ClientOutcome,
  InboundSource,
  OutgoingRequest,
  SipStackCounters,
  SipStackDelegate,
  SipStackOptions,
  SipStackSnapshot,
  TransportFactory,
} from './stack-types.ts';
export { buildResponse, newTag, tagOfHeader, type HeaderList, type ResponseOptions } from './response-builder.ts';
export { KNOWN_METHODS } from './uas-checks.ts';
export { FakeTransport, type SentPacket } from './fake-transport.ts';
