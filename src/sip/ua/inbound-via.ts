// The server transport's work on the top Via of a received request (RFC 3261 §18.2.1, RFC 3581 §4) and
// where its responses go (§18.2.2 with RFC 3581 symmetric response routing).
import { isIP } from 'node:net';
import { parseVia, serializeVia, splitList, type Headers, type SipRequest, type Via } from '../message/index.ts';
import { isReliable, normalizeAddress, type Endpoint } from '../transport/index.ts';

/** Default port of a transport when the sent-by has none (§18.2.2, §19.1.2). */
export function defaultPort(protocol: Endpoint['protocol']): number {
  return protocol === 'tls' || protocol === 'wss' ? 5061 : 5060;
}

/**
 * Adds `received` and fills `rport` on the top Via of `request` in place; returns the stamped Via, or undefined
 * when the request has no parseable top Via (the parser refuses those, so it is defence only).
 */
export function stampTopVia(request: SipRequest, source: Endpoint, forceRport: boolean): Via | undefined {
  const first = request.headers.getAll('via')[0];
  if (first === undefined) return undefined;
  const parsed = parseVia(first);
  if (!parsed.ok) return undefined;
  const via = parsed.value;
  const params = new Map(via.params);
  const sourceAddress = normalizeAddress(source.address);
  // force_rport behaves as if the client had asked for rport (see SipStackOptions.forceRport).
  if (forceRport && !params.has('rport')) params.set('rport', null);
  const rport = params.has('rport');
  if (rport && params.get('rport') === null) {
    // RFC 3581 §4: "If this Via header field value contains an "rport" parameter with no value, it MUST set the
    // value of the parameter to the source port of the request."
    params.set('rport', String(source.port));
  }
  // §18.2.1: "If the host portion of the "sent-by" parameter contains a domain name, or if it contains an IP
  // address that differs from the packet source address, the server MUST add a "received" parameter".
  // RFC 3581 §4: with rport the server "MUST add a "received" parameter ... even if it is identical to the
  // value of the "sent-by" component".
  const sentByDiffers = isIP(via.host) === 0 || normalizeAddress(via.host) !== sourceAddress;
  if (rport || sentByDiffers) params.set('received', sourceAddress);
  else if (params.has('received')) params.delete('received'); // a stale value copied by the client would misroute us
  if (!rport && !sentByDiffers && params.size === via.params.size) return via;

  // Written out, not spread: a spread copy is a slow path in Node 20's V8, and this runs for every request.
  const stamped: Via = { protocol: via.protocol, transport: via.transport, host: via.host, port: via.port, params, branch: via.branch };
  replaceTopVia(request.headers, serializeVia(stamped));
  return stamped;
}

/**
 * Swaps the first Via element for `value` where it stands: further elements of the same line stay after it,
 * and every other header keeps its place (Headers has no positional replace, so the list is re-laid).
 */
function replaceTopVia(headers: Headers, value: string): void {
  const entries = headers.entries().map(([name, text]) => [name, text] as const);
  for (const name of new Set(entries.map(([name]) => name))) headers.delete(name);
  let replaced = false;
  for (const [name, text] of entries) {
    if (replaced || name !== 'via') {
      headers.append(name, text);
      continue;
    }
    replaced = true;
    const rest = splitList(text).slice(1);
    headers.append(name, rest.length === 0 ? value : [value, ...rest].join(', '));
  }
}

/**
 * Where responses to a request go (§18.2.2). On a connection they go back over it (the caller passes the
 * flowId with this endpoint); the address here is the fallback if that connection is gone.
 */
export function responseDestination(via: Via, source: Endpoint): Endpoint {
  const address = normalizeAddress(source.address);
  const sentByPort = via.port ?? defaultPort(source.protocol);
  if (isReliable(source.protocol)) {
    // "If the "sent-protocol" is a reliable transport protocol ... the response MUST be sent using the existing
    // connection to the source of the original request"; if it is gone, "the server SHOULD open a connection to
    // the IP address in the "received" parameter ... using the port in the "sent-by" value".
    return { protocol: source.protocol, address, port: sentByPort };
  }
  const rport = via.params.get('rport');
  if (rport !== undefined && rport !== null) {
    // RFC 3581 §4: the response MUST be sent "to the IP address from which the request was received, using the
    // port in the "rport" parameter" — the source port we wrote there.
    return { protocol: source.protocol, address, port: source.port };
  }
  // §18.2.2: "if the top Via has a "received" parameter, the response MUST be sent to the address in the
  // "received" parameter, using the port indicated in the "sent-by" value, or using port 5060 if none is
  // specified explicitly." Without `received` the sent-by host is the source address itself. (maddr is not
  // honoured: multicast responses are out of scope for a PBX.)
  return { protocol: source.protocol, address, port: sentByPort };
}
