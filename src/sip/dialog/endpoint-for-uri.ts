// Where a target or route URI with an IP host points (RFC 3263 §4 without DNS): the B2BUA's choice when
// it does not send in-dialog requests back to the packets' source.
import { isIP } from 'node:net';
import { parseUri } from '../message/index.ts';
import type { Endpoint, TransportProtocol } from '../transport/index.ts';

const PROTOCOLS: ReadonlyMap<string, TransportProtocol> = new Map([
  ['udp', 'udp'], ['tcp', 'tcp'], ['tls', 'tls'], ['ws', 'ws'], ['wss', 'wss'],
]);

/**
 * The Endpoint of a sip/sips URI whose host (or `maddr`) is an IP address; undefined for host names (they need
 * RFC 3263 DNS), tel URIs, unknown transports and malformed text. The port defaults to 5060, 5061 over TLS.
 */
export function endpointForUri(text: string): Endpoint | undefined {
  const parsed = parseUri(text.trim());
  if (!parsed.ok || parsed.value.scheme === 'tel') return undefined;
  const uri = parsed.value;
  // §19.1.1: maddr "overrides the address derived from the host field".
  const maddr = uri.params.get('maddr');
  const host = maddr === undefined || maddr === null ? uri.host : maddr.replace(/^\[(.*)\]$/, '$1');
  if (isIP(host) === 0) return undefined;
  const transport = uri.params.get('transport');
  let protocol: TransportProtocol | undefined = transport === undefined || transport === null ? 'udp' : PROTOCOLS.get(transport.toLowerCase());
  if (protocol === undefined) return undefined;
  // RFC 3263 §4.1: a SIPS URI is reached over TLS (TCP under TLS; WebSocket over TLS for transport=ws).
  if (uri.scheme === 'sips') protocol = protocol === 'ws' || protocol === 'wss' ? 'wss' : 'tls';
  const port = uri.port ?? (protocol === 'tls' || protocol === 'wss' ? 5061 : 5060);
  return { protocol, address: host, port };
}
