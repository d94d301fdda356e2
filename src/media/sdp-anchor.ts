// Media anchoring for a B2BUA (RFC 3264 §8.3.1 address changes; RFC 3550 §11 port pairs): rewrite
// an SDP so that media flows to our relay instead of the endpoint that wrote it.
import type { Connection, MediaDescription, SdpAttribute, SessionDescription } from './sdp-types.ts';
import { addressType } from './offer-answer.ts';

export interface AnchorOptions {
  /** The relay's address, written to o= and c=. */
  readonly address: string;
  /** The relay's RTP port for each m= line (a number for all of them). */
  readonly port: number | ((index: number, media: MediaDescription) => number);
}

/**
 * ICE attributes name the endpoint's own addresses: left in, the far side would run
 * connectivity checks to them and bypass the relay, whose sockets do not answer STUN.
 */
const ENDPOINT_ATTRIBUTES: ReadonlySet<string> = new Set([
  'candidate',
  'remote-candidates',
  'end-of-candidates',
  'ice-ufrag',
  'ice-pwd',
  'ice-options',
  'ice-lite',
  'ice-mismatch',
]);

/**
 * The same description pointing at the relay: every active m= line gets the relay port, every
 * c= (and the o= address) the relay address. Formats, codecs, directions and unknown lines are
 * kept, since the relay forwards packets without looking inside them.
 */
export function anchorMedia(sdp: SessionDescription, options: AnchorOptions): SessionDescription {
  const connection: Connection = { netType: 'IN', addrType: addressType(options.address), address: options.address };
  const media = sdp.media.map((m, index): MediaDescription => {
    const attributes = keepAttributes(m.attributes);
    // A port of 0 is not an address but a state: the stream is rejected or disabled (RFC 3264
    // §6, §8.2), and turning it into a real port would revive it.
    if (m.port === 0) return { ...m, attributes };
    const port = typeof options.port === 'number' ? options.port : options.port(index, m);
    const anchored: MediaDescription = { ...m, port, attributes };
    return m.connection === undefined ? anchored : { ...anchored, connection };
  });
  return {
    ...sdp,
    origin: { ...sdp.origin, netType: 'IN', addrType: connection.addrType, address: options.address },
    connection,
    attributes: keepAttributes(sdp.attributes),
    media,
  };
}

function keepAttributes(attributes: readonly SdpAttribute[]): SdpAttribute[] {
  // a=rtcp (RFC 3605) names the endpoint's RTCP port; without it RTCP goes to RTP port + 1
  // (RFC 3550 §11), which is where the relay listens, or to the RTP port itself under rtcp-mux.
  return attributes.filter((a) => a.kind !== 'rtcp' && !(a.kind === 'other' && ENDPOINT_ATTRIBUTES.has(a.name)));
}
