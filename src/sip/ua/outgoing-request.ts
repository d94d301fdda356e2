// What the UAC core and client transport add to a request before it leaves (RFC 3261 §8.1.1, §18.1.1,
// RFC 3581 §3): our top Via with a fresh branch and rport, Max-Forwards, User-Agent.
import type { Headers, SipRequest } from '../message/index.ts';
import { newBranch } from '../transaction/index.ts';
import type { TransportProtocol } from '../transport/index.ts';

export interface OutgoingVia {
  readonly protocol: TransportProtocol;
  readonly host: string;
  readonly port: number;
}

export function viaTransport(protocol: TransportProtocol): string {
  return protocol.toUpperCase(); // UDP, TCP, TLS, WS, WSS (RFC 3261 §20.42, RFC 7118 §5.2)
}

/** Adds our Via (unless `keepVia`), Max-Forwards and User-Agent to `request` in place. */
export function prepareRequest(request: SipRequest, via: OutgoingVia, userAgent: string | undefined, keepVia: boolean): void {
  if (!keepVia) {
    const host = via.host.includes(':') ? `[${via.host}]` : via.host;
    // §18.1.1: "the client transport MUST insert a value of the "sent-by" field into the Via header field" and
    // §8.1.1.7: the UAC "MUST insert a Via" whose branch "MUST always begin with the characters z9hG4bK".
    // RFC 3581 §3: "the client MUST include an "rport" parameter with no value" when it wants symmetric responses.
    const value = `SIP/2.0/${viaTransport(via.protocol)} ${host}:${via.port};branch=${newBranch()};rport`;
    if (request.headers.has('via')) request.headers.prepend('Via', value);
    else putFirst(request.headers, 'Via', value);
  }
  // §8.1.1.6: "A UAC MUST insert a Max-Forwards header field into each request it originates with a value that
  // SHOULD be 70."
  if (!request.headers.has('max-forwards')) request.headers.append('Max-Forwards', '70');
  if (userAgent !== undefined && userAgent !== '' && !request.headers.has('user-agent')) request.headers.append('User-Agent', userAgent);
}

/**
 * §7.3.1: "it is RECOMMENDED that header fields which are needed for proxy processing (Via, Route, Record-Route,
 * Proxy-Require, Max-Forwards, and Proxy-Authorization, for example) appear towards the top of the message".
 * Headers.prepend appends when the name is absent, so the list is re-laid with the new header first.
 */
function putFirst(headers: Headers, name: string, value: string): void {
  const entries = headers.entries().map(([n, v]) => [n, v] as const);
  for (const n of new Set(entries.map(([n]) => n))) headers.delete(n);
  headers.append(name, value);
  for (const [n, v] of entries) headers.append(n, v);
}
