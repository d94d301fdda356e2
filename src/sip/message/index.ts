// The SIP message module (RFC 3261 §7, §19, §20, §25): types, parser, serializer, URI and
// header-value helpers. Other modules import from here only.
export type { SipMessage, SipRequest, SipResponse, SipParseError, SipUri, NameAddr, Via, CSeq } from './sip-message.ts';
export { parseMessage, MAX_MESSAGE_BYTES, MAX_HEADERS, MAX_HEADER_LINE } from './parser.ts';
export { serializeMessage } from './serializer.ts';
export { parseUri, serializeUri } from './uri.ts';
export { parseNameAddr, serializeNameAddr } from './name-addr.ts';
export { Headers, canonicalName, splitList } from './headers.ts';
export { parseVia, serializeVia, parseCSeq } from './via.ts';
export { parseParams, serializeParams } from './params.ts';
