// How a call's SDP passes through the B2BUA: each side's description is rewritten to point at that side's relay
// port (media anchoring), and the address each endpoint asked for is read off its description for the relay.
import { anchorMedia, answerDirection, buildAnswer, offeredDirection, parseSdp, serializeSdp, TELEPHONE_EVENT, type Direction, type SessionDescription } from '../../media/index.ts';
import { err, ok, type Result } from '../../shared/index.ts';

/** Where an endpoint wants its RTP: the first active audio stream's address and port. */
export interface MediaAddress {
  readonly address: string;
  readonly port: number;
  readonly direction: Direction;
}

/** A parsed SDP body, or why it cannot be used (the INVITE then gets 488, RFC 3261 §13.3.1.3). */
export function readSdp(body: Buffer): Result<SessionDescription, string> {
  if (body.length === 0) return err('no SDP offer in the INVITE (an offer in the ACK is not supported)');
  const parsed = parseSdp(body);
  if (!parsed.ok) return err(`malformed SDP at line ${parsed.error.line}: ${parsed.error.reason}`);
  if (mediaAddress(parsed.value) === undefined) return err('the SDP has no active audio stream');
  return ok(parsed.value);
}

export function mediaAddress(sdp: SessionDescription): MediaAddress | undefined {
  const media = sdp.media.find((m) => m.media === 'audio' && m.port !== 0);
  const connection = media?.connection ?? sdp.connection;
  if (media === undefined || connection === undefined) return undefined;
  return { address: connection.address, port: media.port, direction: offeredDirection(sdp, media) };
}

/** The description re-pointed at our relay port, with its own o= version line so each rewrite is a new version. */
export function anchoredSdp(sdp: SessionDescription, address: string, port: number, version: number): string {
  const anchored = anchorMedia(sdp, { address, port });
  return serializeSdp({ ...anchored, origin: { ...anchored.origin, username: 'callgrid', sessionVersion: String(version) } });
}

/**
 * A new version of the description we gave a side, answering its new offer: the same address and codecs, the
 * direction RFC 3264 §6.1 allows (their sendonly, a hold, gets our recvonly; their inactive, inactive).
 */
export function reanswer(previous: string, offer: SessionDescription | undefined, version: number): string {
  const parsed = parseSdp(previous);
  if (!parsed.ok) return previous;
  const offered = offer === undefined ? undefined : mediaAddress(offer)?.direction;
  const direction = offered === undefined ? 'sendrecv' : answerDirection(offered, 'sendrecv');
  const media = parsed.value.media.map((m, index) =>
    index !== parsed.value.media.findIndex((x) => x.media === 'audio' && x.port !== 0)
      ? m
      : { ...m, attributes: [...m.attributes.filter((a) => a.kind !== 'direction'), { kind: 'direction' as const, direction }] },
  );
  return serializeSdp({ ...parsed.value, attributes: parsed.value.attributes.filter((a) => a.kind !== 'direction'), media, origin: { ...parsed.value.origin, sessionVersion: String(version) } });
}

/** Our description at another address, ports, codecs and version kept: what a party on another network is told. */
export function readdressedSdp(sdp: string, address: string): string {
  const parsed = parseSdp(sdp);
  return parsed.ok ? serializeSdp(anchorMedia(parsed.value, { address, port: (_index, m) => m.port })) : sdp;
}

/** Our own offer (a call the PBX places first, e.g. click-to-call's source): G.711 both laws and RFC 4733 events. */
export function ownOffer(address: string, port: number, sessionId: string): string {
  const ip = address.includes(':') ? 'IP6' : 'IP4';
  return [
    'v=0',
    `o=callgrid ${sessionId} 1 IN ${ip} ${address}`,
    's=callgrid',
    `c=IN ${ip} ${address}`,
    't=0 0',
    `m=audio ${port} RTP/AVP 0 8 101`,
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:8 PCMA/8000',
    'a=rtpmap:101 telephone-event/8000',
    'a=fmtp:101 0-16',
    'a=ptime:20',
    'a=sendrecv',
    '',
  ].join('\r\n');
}

/** What the PBX itself speaks on a call it answered: one G.711 law, and RFC 4733 events when the caller offered them. */
export interface PbxFormat {
  readonly sdp: string;
  readonly payloadType: number;
  readonly encoding: 'PCMU' | 'PCMA';
  readonly telephoneEventPayloadType: number | undefined;
}

/**
 * The PBX's answer to a caller it answers itself (a prompt, a feature code, an IVR): the first G.711 law in the
 * offer's order (a desk phone that offers G.722 or Opus first still lists PCMU or PCMA), alone, so the caller sends
 * what the relay decodes, plus telephone-event with the offerer's payload type. Undefined when no G.711 is offered:
 * the relay neither decodes nor transcodes other codecs.
 */
export function pbxAnswer(offer: SessionDescription, address: string, port: number, version: number): PbxFormat | undefined {
  const audio = offer.media.find((m) => m.media === 'audio' && m.port !== 0 && m.proto === 'RTP/AVP');
  if (audio === undefined) return undefined;
  const law = audio.formats.map((format) => encodingOf(audio, format)).find((name): name is 'PCMU' | 'PCMA' => name === 'PCMU' || name === 'PCMA');
  if (law === undefined) return undefined;
  const codecs = [
    { encoding: law, clockRate: 8000, payloadType: law === 'PCMU' ? 0 : 8 },
    { encoding: TELEPHONE_EVENT, clockRate: 8000, payloadType: 101, fmtp: '0-16' },
  ];
  const answer = buildAnswer(offer, { address, port, sessionId: String(version), sessionVersion: String(version), username: 'callgrid', codecs });
  if (!answer.ok) return undefined;
  const payloadType = answer.value.stream.payloadTypes.find((pt) => pt !== answer.value.stream.telephoneEventPayloadType);
  if (payloadType === undefined) return undefined;
  return { sdp: serializeSdp(answer.value.sdp), payloadType, encoding: law, telephoneEventPayloadType: answer.value.stream.telephoneEventPayloadType };
}

/** A format's encoding name from its a=rtpmap, else the static G.711 numbers (RFC 3551 §6). */
function encodingOf(media: SessionDescription['media'][number], format: string): string | undefined {
  const map = media.attributes.find((a) => a.kind === 'rtpmap' && a.payloadType === Number(format));
  if (map !== undefined && map.kind === 'rtpmap') return map.encoding.toUpperCase();
  return format === '0' ? 'PCMU' : format === '8' ? 'PCMA' : undefined;
}

/**
 * The callee's answer as the caller gets it, with the caller's telephone-event added when the caller offered events
 * and the callee's answer has none (a trunk that takes keys only as SIP INFO): the caller then sends its keys as
 * RFC 4733 events, which the relay hears and the call carries to the callee as INFO (call-dtmf.ts). Without this a
 * phone would see no events negotiated and send its keys nowhere. Other answers are returned as they are.
 */
export function withCallerEvents(answer: SessionDescription, offer: SessionDescription): SessionDescription {
  const offered = offer.media.find((m) => m.media === 'audio' && m.port !== 0);
  const event = offered?.attributes.find((a) => a.kind === 'rtpmap' && a.encoding.toLowerCase() === TELEPHONE_EVENT);
  const index = answer.media.findIndex((m) => m.media === 'audio' && m.port !== 0);
  const audio = answer.media[index];
  if (offered === undefined || event?.kind !== 'rtpmap' || audio === undefined) return answer;
  const hasEvents = audio.attributes.some((a) => a.kind === 'rtpmap' && a.encoding.toLowerCase() === TELEPHONE_EVENT);
  const format = String(event.payloadType);
  if (hasEvents || audio.formats.includes(format)) return answer;
  const fmtp = offered.attributes.find((a) => a.kind === 'fmtp' && a.format === format);
  const media = { ...audio, formats: [...audio.formats, format], attributes: [...audio.attributes, event, ...(fmtp === undefined ? [] : [fmtp])] };
  return { ...answer, media: answer.media.map((m, i) => (i === index ? media : m)) };
}
