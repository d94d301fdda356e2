// SDP parser and serializer (RFC 8866 §5, §9 grammar; RFC 4566 before it): text to a
// SessionDescription and back. Parse never throws; a refusal names the offending line.
import { err, ok, type Result } from '../shared/index.ts';
import { parseAttribute, parseConnectionFields, parsePort, serializeAttribute } from './sdp-attributes.ts';
import type { Connection, MediaDescription, Origin, SdpAttribute, SdpLine, SdpParseError, SessionDescription, Timing } from './sdp-types.ts';

/** Bodies past this are refused: SIP caps a message at 64 KiB and real offers are a few KiB. */
export const MAX_SDP_BYTES = 32 * 1024;
export const MAX_SDP_LINES = 1024;
export const MAX_MEDIA_DESCRIPTIONS = 32;

const TOKEN = /^[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+$/;
const DIGITS = /^\d{1,20}$/;
/** Lines kept verbatim, and where each may appear. */
const SESSION_KEPT = new Set(['i', 'u', 'e', 'p', 'b', 'z', 'k']);
const MEDIA_KEPT = new Set(['i', 'b', 'k']);

interface MutableMedia extends Omit<MediaDescription, 'attributes' | 'lines' | 'connection'> {
  connection?: Connection;
  attributes: SdpAttribute[];
  lines: SdpLine[];
}

interface Draft {
  origin?: Origin;
  sessionName?: string;
  connection?: Connection;
  timing: Timing[];
  attributes: SdpAttribute[];
  lines: SdpLine[];
  media: MutableMedia[];
}

export function parseSdp(input: Buffer | string): Result<SessionDescription, SdpParseError> {
  try {
    return parse(input);
  } catch {
    // Defence in depth, as in the SIP parser: no body may raise out of a signalling handler.
    return err({ line: 0, reason: 'malformed SDP' });
  }
}

function parse(input: Buffer | string): Result<SessionDescription, SdpParseError> {
  const size = typeof input === 'string' ? Buffer.byteLength(input) : input.length;
  if (size > MAX_SDP_BYTES) return err({ line: 0, reason: `SDP larger than ${MAX_SDP_BYTES} bytes` });
  const text = typeof input === 'string' ? input : input.toString('utf8');
  // §5: lines end in CRLF, but parsers should also accept a bare LF.
  const raw = text.split('\n');
  if (raw.length > MAX_SDP_LINES) return err({ line: 0, reason: `SDP longer than ${MAX_SDP_LINES} lines` });
  const draft: Draft = { timing: [], attributes: [], lines: [], media: [] };
  let sawVersion = false;
  for (let i = 0; i < raw.length; i++) {
    const line = (raw[i] ?? '').replace(/\r$/, '');
    const number = i + 1;
    if (line === '') continue; // blank lines (the trailing one above all) carry nothing
    const fail = (reason: string) => err({ line: number, reason });
    // §5: <type>=<value>, a single case-significant letter and no whitespace around "=".
    if (line.length < 2 || line[1] !== '=' || !/^[a-z]$/.test(line[0] ?? '')) return fail('not a <type>=<value> line');
    const type = line[0] ?? '';
    const value = line.slice(2);
    if (!sawVersion) {
      // §5: the session description starts with "v=" and this is version 0.
      if (type !== 'v') return fail('SDP must start with v=');
      if (value !== '0') return fail('unsupported SDP version in v=');
      sawVersion = true;
      continue;
    }
    const reason = draft.media.length === 0 ? sessionLine(draft, type, value) : mediaLine(draft, type, value);
    if (reason !== undefined) return fail(reason);
  }
  if (!sawVersion) return err({ line: 0, reason: 'SDP must start with v=' });
  return finish(draft);
}

function sessionLine(draft: Draft, type: string, value: string): string | undefined {
  switch (type) {
    case 'v':
      return 'v= appears twice';
    case 'o': {
      if (draft.origin !== undefined) return 'o= appears twice';
      const f = value.split(' ');
      const [username, sessionId, sessionVersion, netType, addrType, address] = f;
      if (f.length !== 6 || username === undefined || sessionId === undefined || sessionVersion === undefined) return 'o= needs six fields';
      if (!DIGITS.test(sessionId) || !DIGITS.test(sessionVersion)) return 'o= session id and version must be numbers';
      const connection = parseConnectionFields([netType ?? '', addrType ?? '', address ?? '']);
      if (connection === undefined || username === '') return 'bad o= address';
      draft.origin = { username, sessionId, sessionVersion, ...connection };
      return undefined;
    }
    case 's':
      if (draft.sessionName !== undefined) return 's= appears twice';
      // §5.3 wants a non-empty name ("s= " or "s=-"); empty ones are common and harmless.
      draft.sessionName = value;
      return undefined;
    case 'c': {
      if (draft.connection !== undefined) return 'c= appears twice at session level';
      draft.connection = parseConnectionFields(value.split(' '));
      return draft.connection === undefined ? 'bad c=' : undefined;
    }
    case 't': {
      const [start, stop, ...extra] = value.split(' ');
      if (extra.length > 0 || start === undefined || stop === undefined || !DIGITS.test(start) || !DIGITS.test(stop)) return 'bad t=';
      draft.timing.push({ start, stop, repeats: [] });
      return undefined;
    }
    case 'r': {
      const last = draft.timing.pop();
      if (last === undefined) return 'r= before any t=';
      draft.timing.push({ ...last, repeats: [...last.repeats, value] });
      return undefined;
    }
    case 'a':
      return attributeInto(draft.attributes, value);
    case 'm':
      return mediaStart(draft, value);
    default:
      return keepLine(draft.lines, SESSION_KEPT, type, value, 'session');
  }
}

function mediaLine(draft: Draft, type: string, value: string): string | undefined {
  const media = draft.media[draft.media.length - 1];
  if (media === undefined) return 'no m= line';
  switch (type) {
    case 'm':
      return mediaStart(draft, value);
    case 'c': {
      // Several c= in one media description only serve layered multicast, which a PBX never offers.
      if (media.connection !== undefined) return 'c= appears twice in a media description';
      media.connection = parseConnectionFields(value.split(' '));
      return media.connection === undefined ? 'bad c=' : undefined;
    }
    case 'a':
      return attributeInto(media.attributes, value);
    default:
      return keepLine(media.lines, MEDIA_KEPT, type, value, 'media');
  }
}

function keepLine(lines: SdpLine[], allowed: ReadonlySet<string>, type: string, value: string, level: string): string | undefined {
  if (allowed.has(type)) {
    lines.push({ type, value });
    return undefined;
  }
  // RFC 4566 §5: "An SDP parser MUST ignore any session description that contains a type letter
  // that it does not understand": the whole description is refused, not just the line.
  if (!'vosiuepcbtrzkam'.includes(type)) return `unknown type letter ${type}=`;
  return `${type}= not allowed at ${level} level`;
}

function attributeInto(attributes: SdpAttribute[], value: string): string | undefined {
  const attribute = parseAttribute(value);
  if (!attribute.ok) return attribute.error;
  attributes.push(attribute.value);
  return undefined;
}

function mediaStart(draft: Draft, value: string): string | undefined {
  if (draft.media.length >= MAX_MEDIA_DESCRIPTIONS) return `more than ${MAX_MEDIA_DESCRIPTIONS} m= lines`;
  // §5.14: m=<media> <port>[/<number of ports>] <proto> <fmt> ...
  const [media, portField, proto, ...formats] = value.split(' ');
  if (media === undefined || !TOKEN.test(media)) return 'bad media type in m=';
  const [portText = '', countText, ...more] = (portField ?? '').split('/');
  const port = parsePort(portText);
  if (port === undefined || more.length > 0) return 'bad port in m=';
  const portCount = countText === undefined ? undefined : Number(countText);
  if (portCount !== undefined && (!/^\d{1,5}$/.test(countText ?? '') || portCount === 0)) return 'bad port count in m=';
  if (proto === undefined || !/^[A-Za-z0-9/_.-]+$/.test(proto)) return 'bad protocol in m=';
  if (formats.length === 0 || formats.some((f) => !TOKEN.test(f))) return 'm= needs at least one format';
  // RTP formats are payload type numbers (§5.14, RFC 3551 §6).
  if (proto.includes('RTP/') && formats.some((f) => !/^\d{1,3}$/.test(f) || Number(f) > 127)) return 'bad RTP payload type in m=';
  const description: MutableMedia = { media, port, proto, formats, attributes: [], lines: [] };
  draft.media.push(portCount === undefined ? description : { ...description, portCount });
  return undefined;
}

function finish(draft: Draft): Result<SessionDescription, SdpParseError> {
  if (draft.origin === undefined) return err({ line: 0, reason: 'o= is missing' });
  if (draft.sessionName === undefined) return err({ line: 0, reason: 's= is missing' });
  // §5.7: "A session description MUST contain either at least one "c=" field in each media
  // description or a single "c=" field at the session level." A disabled stream (port 0) is
  // exempt: there is nowhere to send it.
  const bare = draft.media.findIndex((m) => m.port !== 0 && m.connection === undefined);
  if (draft.connection === undefined && bare >= 0) return err({ line: 0, reason: `m= #${bare + 1} has no c= and the session has none` });
  const session: SessionDescription = {
    origin: draft.origin,
    sessionName: draft.sessionName,
    timing: draft.timing,
    attributes: draft.attributes,
    lines: draft.lines,
    media: draft.media,
  };
  return ok(draft.connection === undefined ? session : { ...session, connection: draft.connection });
}

/** The body, CRLF-terminated, fields in the order §5 requires whatever order they arrived in. */
export function serializeSdp(sdp: SessionDescription): string {
  const out: string[] = ['v=0'];
  const o = sdp.origin;
  out.push(`o=${o.username} ${o.sessionId} ${o.sessionVersion} ${o.netType} ${o.addrType} ${o.address}`);
  out.push(`s=${sdp.sessionName}`);
  const kept = (lines: readonly SdpLine[], ...types: string[]) => {
    for (const line of lines) if (types.includes(line.type)) out.push(`${line.type}=${line.value}`);
  };
  kept(sdp.lines, 'i', 'u', 'e', 'p');
  if (sdp.connection !== undefined) out.push(connectionLine(sdp.connection));
  kept(sdp.lines, 'b');
  for (const t of sdp.timing) {
    out.push(`t=${t.start} ${t.stop}`);
    for (const r of t.repeats) out.push(`r=${r}`);
  }
  kept(sdp.lines, 'z', 'k');
  for (const a of sdp.attributes) out.push(`a=${serializeAttribute(a)}`);
  for (const m of sdp.media) {
    const port = m.portCount === undefined ? `${m.port}` : `${m.port}/${m.portCount}`;
    out.push(`m=${m.media} ${port} ${m.proto} ${m.formats.join(' ')}`);
    kept(m.lines, 'i');
    if (m.connection !== undefined) out.push(connectionLine(m.connection));
    kept(m.lines, 'b', 'k');
    for (const a of m.attributes) out.push(`a=${serializeAttribute(a)}`);
  }
  return `${out.join('\r\n')}\r\n`;
}

function connectionLine(c: Connection): string {
  return `c=${c.netType} ${c.addrType} ${c.address}`;
}
