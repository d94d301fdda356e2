// Narrowing an offer to the codecs a peer accepts (a carrier's `allow=alaw,ulaw`): formats outside the list are
// removed from each audio m= line with their rtpmap and fmtp lines, RFC 4733 telephone-event and comfort noise
// stay. There is no transcoding, so an offer left with no codec cannot be sent to that peer at all.
import { encodingOf, TELEPHONE_EVENT } from './offer-answer.ts';
import type { MediaDescription, SessionDescription } from './sdp-types.ts';

/** Asterisk's codec names (allow=) as SDP encoding names (RFC 3551 §6, RFC 7587 for opus). */
const ASTERISK_NAMES: ReadonlyMap<string, string> = new Map([
  ['ulaw', 'pcmu'],
  ['alaw', 'pcma'],
  ['g726', 'g726-32'],
  ['slin', 'l16'],
]);

const ALWAYS_KEPT = new Set([TELEPHONE_EVENT, 'cn']);

/**
 * The offer with only `allowed` codecs (Asterisk or SDP names, any case) on its audio streams; the offer itself when
 * `allowed` is empty (no restriction); undefined when an audio stream would be left without a codec.
 */
export function restrictCodecs(offer: SessionDescription, allowed: readonly string[]): SessionDescription | undefined {
  if (allowed.length === 0) return offer;
  // `alaw:20` carries a packetization time after the name (Asterisk's allow syntax).
  const names = allowed.map((entry) => (entry.split(':')[0] ?? '').trim().toLowerCase());
  const wanted = new Set(names.map((name) => ASTERISK_NAMES.get(name) ?? name));
  const media: MediaDescription[] = [];
  for (const stream of offer.media) {
    if (stream.media !== 'audio' || stream.port === 0 || !stream.proto.includes('RTP')) {
      media.push(stream);
      continue;
    }
    const encodings = new Map(stream.formats.map((format) => [format, encodingOf(stream, format)?.toLowerCase() ?? '']));
    const kept = stream.formats.filter((format) => {
      const encoding = encodings.get(format) ?? '';
      return wanted.has(encoding) || ALWAYS_KEPT.has(encoding);
    });
    if (!kept.some((format) => !ALWAYS_KEPT.has(encodings.get(format) ?? ''))) return undefined;
    const keep = new Set(kept);
    const attributes = stream.attributes.filter((a) => (a.kind === 'rtpmap' ? keep.has(String(a.payloadType)) : a.kind === 'fmtp' ? keep.has(a.format) : true));
    media.push({ ...stream, formats: kept, attributes });
  }
  return { ...offer, media };
}
