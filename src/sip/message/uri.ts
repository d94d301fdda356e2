// SIP and SIPS URIs (RFC 3261 §19.1, grammar §25.1) and tel URIs (RFC 3966 §3): parsed with
// %-escapes decoded, serialized with them re-applied.
import { isIPv6 } from 'node:net';
import { err, ok, type Result } from '../../shared/index.ts';
import { CHARS, HOST, PARAM, PASSWORD, TEL, URI_HEADER, USER, isHexDigit, scanEscaped } from './char-classes.ts';
import type { SipUri } from './sip-message.ts';

export function parseUri(text: string): Result<SipUri, string> {
  const colon = text.indexOf(':');
  if (colon <= 0) return err('missing URI scheme');
  // Schemes are case-insensitive (RFC 3261 §19.1.4).
  const scheme = text.slice(0, colon).toLowerCase();
  if (scheme === 'sip' || scheme === 'sips') {
    const parts: SipParts = { user: undefined, password: undefined, host: '', port: undefined, params: new Map(), headers: new Map() };
    const error = scanSip(text, colon + 1, parts, true);
    return error === undefined ? ok({ scheme, ...parts }) : err(error);
  }
  if (scheme === 'tel') return parseTel(text, colon + 1);
  return err(`unsupported URI scheme`);
}

/**
 * Why a sip/sips/tel URI is malformed, or undefined if it is fine; other schemes are not checked
 * here. Unlike parseUri it builds nothing, for the parser's hot path (Request-URI, To, From, Contact).
 */
export function sipUriError(text: string, allowHeaders = true): string | undefined {
  const colon = text.indexOf(':');
  const scheme = schemeOf(text, colon);
  if (scheme === 'sip' || scheme === 'sips') return scanSip(text, colon + 1, undefined, allowHeaders);
  if (scheme === 'tel') {
    const tel = parseTel(text, colon + 1);
    return tel.ok ? undefined : tel.error;
  }
  return undefined;
}

/** 'sip', 'sips', 'tel' or '' for the scheme ending at `colon`, without allocating. */
export function schemeOf(text: string, colon: number): 'sip' | 'sips' | 'tel' | '' {
  const a = text.charCodeAt(0) | 0x20;
  const b = text.charCodeAt(1) | 0x20;
  const c = text.charCodeAt(2) | 0x20;
  if (colon === 3 && a === 0x74 && b === 0x65 && c === 0x6c) return 'tel';
  if (a !== 0x73 || b !== 0x69 || c !== 0x70) return '';
  if (colon === 3) return 'sip';
  return colon === 4 && (text.charCodeAt(3) | 0x20) === 0x73 ? 'sips' : '';
}

interface SipParts {
  user: string | undefined;
  password: string | undefined;
  host: string;
  port: number | undefined;
  params: Map<string, string | null>;
  headers: Map<string, string>;
}

/** Scans the part after "sip:"; fills `out` when given; returns why it is malformed, if it is. */
function scanSip(text: string, from: number, out: SipParts | undefined, allowHeaders: boolean): string | undefined {
  const n = text.length;
  let i = from;
  // "@" may appear in neither user, password, parameters nor headers unescaped, so the first
  // one ends the userinfo; user itself may hold ";" "?" "/" (RFC 4475 §3.1.1.2, §3.1.1.9).
  const at = text.indexOf('@', from);
  if (at >= 0) {
    const userEnd = scanEscaped(text, from, USER);
    if (userEnd <= from) return 'bad user part';
    if (userEnd === at) {
      if (out) out.user = unescape(text, from, at);
    } else if (text.charCodeAt(userEnd) === 0x3a /* : */ && scanEscaped(text, userEnd + 1, PASSWORD) === at) {
      if (out) {
        out.user = unescape(text, from, userEnd);
        out.password = unescape(text, userEnd + 1, at);
      }
    } else return 'bad user part';
    i = at + 1;
  }

  if (text.charCodeAt(i) === 0x5b /* [ */) {
    const close = text.indexOf(']', i);
    const v6 = close < 0 ? '' : text.slice(i + 1, close);
    if (!isIPv6(v6)) return 'bad IPv6 reference';
    if (out) out.host = v6.toLowerCase();
    i = close + 1;
  } else {
    // hostname / IPv4address: labels of alphanum and "-" between single dots, optional final dot.
    const start = i;
    let previous = 0x2e; /* a leading "." counts as an empty label */
    for (; i < n; i++) {
      const code = text.charCodeAt(i);
      if (((CHARS[code] ?? 0) & HOST) === 0) break;
      if (code === 0x2e && previous === 0x2e) return 'bad host';
      previous = code;
    }
    if (i === start) return 'bad host';
    if (out) out.host = text.slice(start, i).toLowerCase();
  }

  if (text.charCodeAt(i) === 0x3a /* : */) {
    const start = ++i;
    while (i < n && isDigit(text.charCodeAt(i))) i++;
    const port = i - start >= 1 && i - start <= 5 ? Number(text.slice(start, i)) : 0;
    if (port < 1 || port > 65535) return 'bad port';
    if (out) out.port = port;
  }

  i = readUriParams(text, i, out?.params);
  if (i < 0) return 'bad URI parameter';
  if (text.charCodeAt(i) === 0x3f /* ? */) {
    if (!allowHeaders) return 'URI headers not allowed here';
    i = readUriHeaders(text, i + 1, out?.headers);
    if (i < 0) return 'bad URI header';
  }
  return i === n ? undefined : 'unexpected character in URI';
}

function parseTel(text: string, from: number): Result<SipUri, string> {
  let i = from;
  const global = text.charCodeAt(i) === 0x2b; /* + */
  if (global) i++;
  let digits = 0;
  while (i < text.length && (CHARS[text.charCodeAt(i)] ?? 0) & TEL) {
    const code = text.charCodeAt(i);
    // Global numbers hold decimal digits only; local ones may also hold hex digits, "*" and "#".
    if (isDigit(code)) digits++;
    else if (!global && (isHexDigit(code) || code === 0x2a || code === 0x23)) digits++;
    else if (global && code !== 0x2d && code !== 0x2e && code !== 0x28 && code !== 0x29) return err('bad tel number');
    i++;
  }
  if (digits === 0) return err('bad tel number');
  const number = text.slice(from, i);
  const params = new Map<string, string | null>();
  i = readUriParams(text, i, params);
  if (i !== text.length) return err('bad tel URI');
  // RFC 3966 §5.1.5 says local numbers MUST carry a phone-context; we still accept them, because
  // devices send `tel:100` for extensions and the dial plan, not the URI, supplies the context.
  return ok({ scheme: 'tel', user: undefined, password: undefined, host: number, port: undefined, params, headers: new Map() });
}

/** Reads `;name[=value]` pairs from `i`; returns the index after them, or -1 on a syntax error. */
function readUriParams(text: string, from: number, into: Map<string, string | null> | undefined): number {
  let i = from;
  while (text.charCodeAt(i) === 0x3b /* ; */) {
    const nameStart = i + 1;
    i = scanEscaped(text, nameStart, PARAM);
    if (i <= nameStart) return -1;
    const nameEnd = i;
    let valueStart = -1;
    if (text.charCodeAt(i) === 0x3d /* = */) {
      valueStart = i + 1;
      i = scanEscaped(text, valueStart, PARAM);
      if (i < 0) return -1;
    }
    into?.set(unescape(text, nameStart, nameEnd).toLowerCase(), valueStart < 0 ? null : unescape(text, valueStart, i));
  }
  return i;
}

/** Reads `name=value&...` after the "?"; returns the index after them, or -1 on a syntax error. */
function readUriHeaders(text: string, from: number, into: Map<string, string> | undefined): number {
  let i = from;
  for (;;) {
    const nameStart = i;
    i = scanEscaped(text, nameStart, URI_HEADER);
    if (i <= nameStart || text.charCodeAt(i) !== 0x3d /* = */) return -1;
    const nameEnd = i;
    const valueStart = i + 1;
    i = scanEscaped(text, valueStart, URI_HEADER);
    if (i < 0) return -1;
    if (into) {
      const name = unescape(text, nameStart, nameEnd);
      const value = unescape(text, valueStart, i);
      // The map holds one value per name; a repeated header (e.g. two Route) is kept as a list.
      const before = into.get(name);
      into.set(name, before === undefined ? value : `${before},${value}`);
    }
    if (text.charCodeAt(i) !== 0x26 /* & */) return i;
    i++;
  }
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** Decodes %HH escapes (already validated) as UTF-8 octets; text without "%" is returned as is. */
function unescape(text: string, start: number, end: number): string {
  const part = text.slice(start, end);
  if (part.indexOf('%') < 0) return part;
  const bytes = Buffer.allocUnsafe(part.length);
  let length = 0;
  for (let i = 0; i < part.length; i++) {
    const code = part.charCodeAt(i);
    if (code === 0x25) {
      bytes[length++] = Number.parseInt(part.slice(i + 1, i + 3), 16);
      i += 2;
    } else bytes[length++] = code;
  }
  return bytes.toString('utf8', 0, length);
}

/** Applies %HH escapes to every char outside `flag` (UTF-8 octets for non-ASCII). */
function escape(value: string, flag: number): string {
  let clean = true;
  for (let i = 0; i < value.length && clean; i++) {
    const code = value.charCodeAt(i);
    clean = code < 128 && ((CHARS[code] ?? 0) & flag) !== 0;
  }
  if (clean) return value;
  const parts: string[] = [];
  for (const byte of Buffer.from(value, 'utf8')) {
    parts.push(byte < 128 && ((CHARS[byte] ?? 0) & flag) !== 0 ? String.fromCharCode(byte) : `%${byte < 16 ? '0' : ''}${byte.toString(16).toUpperCase()}`);
  }
  return parts.join('');
}

export function serializeUri(uri: SipUri): string {
  let params = '';
  for (const [name, value] of uri.params) params += value === null ? `;${escape(name, PARAM)}` : `;${escape(name, PARAM)}=${escape(value, PARAM)}`;
  if (uri.scheme === 'tel') return `tel:${uri.host}${params}`;
  let out = `${uri.scheme}:`;
  if (uri.user !== undefined) {
    out += escape(uri.user, USER);
    if (uri.password !== undefined) out += `:${escape(uri.password, PASSWORD)}`;
    out += '@';
  }
  out += uri.host.includes(':') ? `[${uri.host}]` : uri.host;
  if (uri.port !== undefined) out += `:${uri.port}`;
  out += params;
  let separator = '?';
  for (const [name, value] of uri.headers) {
    out += `${separator}${escape(name, URI_HEADER)}=${escape(value, URI_HEADER)}`;
    separator = '&';
  }
  return out;
}
