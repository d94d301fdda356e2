// Request-Line and Status-Line (RFC 3261 §7.1, §7.2, §25.1), strict about spacing and the
// Request-URI as RFC 4475 §3.1.2.7-3.1.2.11 and §3.1.2.16/19 expect.
import { SCHEME, TOKEN, isRun } from './char-classes.ts';
import { schemeOf, sipUriError } from './uri.ts';

interface Failure {
  readonly status: number;
  readonly reason: string;
}

/**
 * A request line is returned even when it is faulty (`failure`) as long as its method and
 * version were readable, so the caller can still answer it; 'garbage' cannot be answered.
 */
export type StartLine =
  | { readonly kind: 'request'; readonly method: string; readonly uri: string; readonly version: string; readonly failure?: Failure }
  | { readonly kind: 'response'; readonly status: number; readonly reason: string; readonly failure?: undefined }
  | { readonly kind: 'garbage'; readonly status: number; readonly reason: string; readonly failure?: undefined };

export function parseStartLine(line: string): StartLine {
  return startsWithSipSlash(line) ? parseStatusLine(line) : parseRequestLine(line);
}

function parseRequestLine(line: string): StartLine {
  const bad = { kind: 'garbage', status: 400, reason: 'Bad Request-Line' } as const;
  const firstSp = line.indexOf(' ');
  if (firstSp <= 0 || !isRun(line, 0, firstSp, TOKEN)) return bad;
  const method = line.slice(0, firstSp);
  let end = line.length;
  while (end > firstSp && isLws(line.charCodeAt(end - 1))) end--;
  const lastSp = line.lastIndexOf(' ', end - 1);
  if (lastSp <= firstSp) return bad;
  const version = line.slice(lastSp + 1, end);
  const uri = trimLws(line.slice(firstSp + 1, lastSp));
  if (!isSipVersion(version) || uri === '') return bad;

  const request = { kind: 'request', method, uri, version } as const;
  if (version.toUpperCase() !== 'SIP/2.0') return { ...request, failure: { status: 505, reason: 'Version Not Supported' } };
  // §7.1: the elements are separated by single SP characters (RFC 4475 §3.1.2.9, §3.1.2.10).
  if (line.length !== method.length + uri.length + version.length + 2) {
    return { ...request, failure: { status: 400, reason: 'Bad Request-Line' } };
  }
  if (!validRequestUri(uri)) return { ...request, failure: { status: 400, reason: 'Bad Request-URI' } };
  return request;
}

function validRequestUri(uri: string): boolean {
  const colon = uri.indexOf(':');
  if (colon <= 0 || !isAlpha(uri.charCodeAt(0)) || !isRun(uri, 0, colon, SCHEME)) return false;
  const scheme = schemeOf(uri, colon);
  // §19.1.1 Table 1 allows no headers component in a Request-URI (RFC 4475 §3.1.2.11). The sip,
  // sips and tel grammars admit no spaces, controls or "<>" either (see the MUST below).
  if (scheme === 'sip' || scheme === 'sips' || scheme === 'tel') return sipUriError(uri, false) === undefined;
  // §7.1: the Request-URI MUST NOT contain unescaped spaces or control characters and MUST NOT
  // be enclosed in "<>" (RFC 4475 §3.1.2.7, §3.1.2.8).
  for (let i = colon + 1; i < uri.length; i++) {
    const code = uri.charCodeAt(i);
    if (code <= 0x20 || code === 0x7f || code === 0x3c || code === 0x3e) return false;
  }
  // Any other absoluteURI is well-formed; whether it is served is the application's 416/404
  // (RFC 4475 §3.3.2, §3.3.3).
  return colon < uri.length - 1;
}

function parseStatusLine(line: string): StartLine {
  const bad = { kind: 'garbage', status: 400, reason: 'Bad Status-Line' } as const;
  const sp = line.indexOf(' ');
  const version = sp < 0 ? line : line.slice(0, sp);
  if (!isSipVersion(version)) return bad;
  if (version.toUpperCase() !== 'SIP/2.0') return { kind: 'garbage', status: 505, reason: 'Version Not Supported' };
  // Status-Code = 3DIGIT, then SP and a Reason-Phrase that may be empty (RFC 4475 §3.1.1.13);
  // RFC 4475 §3.1.2.19 sends 4294967301.
  const codeEnd = sp + 4;
  if (sp < 0 || line.length < codeEnd || (line.length > codeEnd && line.charCodeAt(codeEnd) !== 0x20)) return bad;
  let status = 0;
  for (let i = sp + 1; i < codeEnd; i++) {
    const digit = line.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return bad;
    status = status * 10 + digit;
  }
  if (status < 100 || status > 699) return bad;
  return { kind: 'response', status, reason: line.slice(codeEnd + 1) };
}

function startsWithSipSlash(line: string): boolean {
  return line.length >= 4 && (line.charCodeAt(0) | 0x20) === 0x73 && (line.charCodeAt(1) | 0x20) === 0x69 && (line.charCodeAt(2) | 0x20) === 0x70 && line.charCodeAt(3) === 0x2f;
}

/** SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT ("SIP" is case-insensitive in ABNF). */
function isSipVersion(text: string): boolean {
  if (!startsWithSipSlash(text)) return false;
  const dot = text.indexOf('.', 4);
  return dot > 4 && dot < text.length - 1 && allDigits(text, 4, dot) && allDigits(text, dot + 1, text.length);
}

function allDigits(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x30 || code > 0x39) return false;
  }
  return true;
}

function isAlpha(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

function isLws(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

function trimLws(text: string): string {
  let s = 0;
  let e = text.length;
  while (s < e && isLws(text.charCodeAt(s))) s++;
  while (e > s && isLws(text.charCodeAt(e - 1))) e--;
  return text.slice(s, e);
}
