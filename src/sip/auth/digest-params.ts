// Parsing of `Digest name=value, ...` as in Authorization / Proxy-Authorization (RFC 2617 §3.2.2, RFC 3261 §25.1):
// quoted strings with backslash escapes, unquoted tokens, case-insensitive parameter names.
import { err, ok, type Result } from '../../shared/index.ts';

/** token characters (RFC 3261 §25.1), by char code: this parser runs on every authenticated request. */
const TOKEN_CHARS = new Uint8Array(128);
for (const ch of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+.^_`|~-") TOKEN_CHARS[ch.charCodeAt(0)] = 1;

const isToken = (code: number): boolean => code < 128 && TOKEN_CHARS[code] === 1;
/** SP, HTAB, CR, LF. */
const isWhitespace = (code: number): boolean => code === 0x20 || code === 0x09 || code === 0x0d || code === 0x0a;

/** The parameters of a Digest credentials (or challenge) value, names lower-cased, values unquoted. */
export function parseDigestParams(value: string): Result<ReadonlyMap<string, string>, string> {
  const scheme = /^\s*([A-Za-z0-9!#$%&'*+.^_`|~-]+)\s+/.exec(value);
  if (!scheme) return err('no authentication scheme');
  if (scheme[1]?.toLowerCase() !== 'digest') return err(`unsupported scheme ${scheme[1] ?? ''}`);
  const params = new Map<string, string>();
  const text = value;
  const end = text.length;
  let i = scheme[0].length;
  for (;;) {
    while (i < end && isWhitespace(text.charCodeAt(i))) i++;
    const nameStart = i;
    while (i < end && isToken(text.charCodeAt(i))) i++;
    const name = text.slice(nameStart, i).toLowerCase();
    if (name === '') return err(`expected a parameter name at ${i}`);
    while (i < end && isWhitespace(text.charCodeAt(i))) i++;
    if (text.charCodeAt(i) !== 0x3d /* = */) return err(`expected '=' after ${name}`);
    i++;
    while (i < end && isWhitespace(text.charCodeAt(i))) i++;
    let parsed: string;
    if (text.charCodeAt(i) === 0x22 /* " */) {
      const quoted = readQuoted(text, i);
      if (!quoted) return err(`unterminated quoted value for ${name}`);
      [parsed, i] = quoted;
    } else {
      const start = i;
      while (i < end && isToken(text.charCodeAt(i))) i++;
      parsed = text.slice(start, i);
      if (parsed === '') return err(`empty value for ${name}`);
    }
    // A repeated directive would let a client say two things at once; RFC 7616 §3.4 allows each once.
    if (params.has(name)) return err(`duplicate parameter ${name}`);
    params.set(name, parsed);
    while (i < end && isWhitespace(text.charCodeAt(i))) i++;
    if (i >= end) return ok(params);
    if (text.charCodeAt(i) !== 0x2c /* , */) return err(`expected ',' at ${i}`);
    i++;
  }
}

/** Reads a quoted-string starting at the opening quote: quoted-pair = "\" CHAR; returns [value, index after it]. */
function readQuoted(text: string, open: number): [string, number] | undefined {
  // Runs without escapes (nearly every value) are taken as one slice, not a character at a time.
  let out = '';
  let runStart = open + 1;
  for (let i = open + 1; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22 /* " */) return [out + text.slice(runStart, i), i + 1];
    if (code === 0x5c /* \ */) {
      out += text.slice(runStart, i);
      i++;
      const escaped = text.charCodeAt(i);
      if (Number.isNaN(escaped) || escaped === 0x0d || escaped === 0x0a) return undefined;
      // The escaped character itself, as one UTF-16 unit as before.
      out += text[i];
      runStart = i + 1;
    } else if (code === 0x0d || code === 0x0a) {
      return undefined; // header folding is undone by the parser; a bare CR/LF here is malformed
    }
  }
  return undefined;
}

/** A value for a quoted-string: backslash before `"` and `\`. */
export function quote(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}
