// name-addr / addr-spec values of To, From, Contact, Route and friends (RFC 3261 §20.10, §25.1):
// `"Display" <uri>;params`, `Token Name <uri>;params` or a bare `uri;params`.
import { err, ok, type Result } from '../../shared/index.ts';
import { CHARS, SCHEME, TOKEN } from './char-classes.ts';
import { parseParams, serializeParams, validParams } from './params.ts';
import type { NameAddr } from './sip-message.ts';
import { schemeOf, sipUriError } from './uri.ts';

export function parseNameAddr(text: string): Result<NameAddr, string> {
  const result = read(text, true);
  return typeof result === 'string' ? err(result) : ok(result);
}

/** Why the value is not a valid name-addr/addr-spec, or undefined; builds nothing (the parser's checks). */
export function nameAddrError(text: string): string | undefined {
  const result = read(text, false);
  return typeof result === 'string' ? result : undefined;
}

const NOTHING: NameAddr = { displayName: undefined, uri: '', params: new Map() };

/** The value read, or why it is malformed; with `build` false only NOTHING is returned on success. */
function read(text: string, build: boolean): NameAddr | string {
  const n = text.length;
  let i = skipLws(text, 0);
  let displayName: string | undefined;
  let uri: string;
  let rest: number;

  if (text.charCodeAt(i) === 0x22 /* " */) {
    const quoted = readQuoted(text, i, build);
    if (quoted === undefined) return 'unterminated quoted display name';
    displayName = quoted.value;
    i = skipLws(text, quoted.end);
    if (text.charCodeAt(i) !== 0x3c /* < */) return 'quoted display name without <uri>';
  }

  let lt = displayName === undefined ? text.indexOf('<', i) : i;
  if (lt >= 0 && displayName === undefined) {
    // Text before "<" that is not a display name means the "<" is no LAQUOT: read an addr-spec
    // (a quoted parameter value may hold "<"); "Bell, Alexander <sip:...>" still fails there.
    const display = readTokenDisplayName(text, i, lt, build);
    if (display === null) lt = -1;
    else displayName = display;
  }
  if (lt >= 0) {
    const gt = text.indexOf('>', lt + 1);
    if (gt < 0) return 'missing >';
    uri = text.slice(lt + 1, gt);
    rest = gt + 1;
  } else {
    // addr-spec without brackets: its parameters belong to the header, not the URI (§20.10).
    const semi = text.indexOf(';', i);
    let end = semi < 0 ? n : semi;
    while (end > i && isLws(text.charCodeAt(end - 1))) end--;
    uri = text.slice(i, end);
    rest = semi < 0 ? n : semi;
    // RFC 3261 §20.10: if the URI contains a comma, question mark or semicolon, the name-addr
    // form MUST be used, so a bare URI holding one is malformed (RFC 4475 §3.1.2.13).
    if (uri.includes('?') || uri.includes(',')) return 'URI with "?" or "," must be enclosed in <>';
  }

  const uriError = checkUri(uri);
  if (uriError !== undefined) return uriError;

  const paramStart = skipLws(text, rest);
  if (paramStart < n && text.charCodeAt(paramStart) !== 0x3b /* ; */) return 'unexpected text after URI';
  if (!build) return paramStart === n || validParams(text, paramStart) ? NOTHING : 'bad header parameters';
  const params = paramStart < n ? parseParams(text.slice(paramStart)) : new Map<string, string | null>();
  if (params === undefined) return 'bad header parameters';
  return { displayName, uri, params };
}

/**
 * A URI between <> or as addr-spec: a scheme, no whitespace or <>" (RFC 4475 §3.1.2.14 puts
 * spaces inside <> on purpose), and for sip/sips/tel a full parse.
 */
function checkUri(uri: string): string | undefined {
  const colon = uri.indexOf(':');
  if (colon <= 0 || colon === uri.length - 1) return 'missing URI';
  const first = uri.charCodeAt(0);
  if (!((first >= 0x41 && first <= 0x5a) || (first >= 0x61 && first <= 0x7a))) return 'bad URI scheme';
  for (let i = 1; i < colon; i++) {
    const code = uri.charCodeAt(i);
    if (code > 127 || ((CHARS[code] ?? 0) & SCHEME) === 0) return 'bad URI scheme';
  }
  const scheme = schemeOf(uri, colon);
  // sip, sips and tel get their full grammar checked, which admits none of these characters.
  if (scheme === 'sip' || scheme === 'sips' || scheme === 'tel') return sipUriError(uri);
  for (let i = colon + 1; i < uri.length; i++) {
    const code = uri.charCodeAt(i);
    if (code <= 0x20 || code === 0x7f || code === 0x3c || code === 0x3e || code === 0x22) return 'bad character in URI';
  }
  return undefined;
}

/**
 * Reads a quoted-string from the opening quote at `start` (§25.1): quoted-pair escapes any char
 * but CR/LF. Returns the unescaped value and the index after the closing quote.
 */
function readQuoted(text: string, start: number, build: boolean): { value: string; end: number } | undefined {
  let chunkStart = start + 1;
  let value = '';
  for (let i = chunkStart; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x5c /* \ */) {
      const next = text.charCodeAt(i + 1);
      if (Number.isNaN(next) || next === 0x0d || next === 0x0a) return undefined;
      if (build) value += text.slice(chunkStart, i);
      chunkStart = i + 1;
      i++;
    } else if (code === 0x22 /* " */) {
      return { value: build ? value + text.slice(chunkStart, i) : '', end: i + 1 };
    }
  }
  return undefined;
}

/** display-name = *(token LWS): tokens joined by single spaces; undefined when none; null if not tokens. */
function readTokenDisplayName(text: string, start: number, end: number, build: boolean): string | undefined | null {
  const words: string[] = [];
  let i = start;
  while (i < end) {
    const wordStart = i;
    while (i < end) {
      const code = text.charCodeAt(i);
      if (code > 127 || ((CHARS[code] ?? 0) & TOKEN) === 0) break;
      i++;
    }
    if (i > wordStart && build) words.push(text.slice(wordStart, i));
    const spaceStart = i;
    i = skipLws(text, i);
    if (i === spaceStart && i < end) return null;
  }
  return words.length === 0 ? undefined : words.join(' ');
}

function isLws(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

function skipLws(text: string, from: number): number {
  let i = from;
  while (i < text.length && isLws(text.charCodeAt(i))) i++;
  return i;
}

/** Quotes a display name: `"` and `\` get a backslash, as do controls; CR/LF cannot be quoted and become spaces. */
function quote(display: string): string {
  let out = '"';
  let chunkStart = 0;
  for (let i = 0; i < display.length; i++) {
    const code = display.charCodeAt(i);
    if (code === 0x22 || code === 0x5c || (code < 0x20 && code !== 0x09) || code === 0x7f) {
      out += display.slice(chunkStart, i) + (code === 0x0d || code === 0x0a ? ' ' : `\\${display[i] ?? ''}`);
      chunkStart = i + 1;
    }
  }
  return `${out}${display.slice(chunkStart)}"`;
}

/** Always writes the name-addr form (`<uri>`), valid whatever the URI holds. */
export function serializeNameAddr(value: NameAddr): string {
  const display = value.displayName === undefined || value.displayName === '' ? '' : `${quote(value.displayName)} `;
  return `${display}<${value.uri}>${serializeParams(value.params)}`;
}
