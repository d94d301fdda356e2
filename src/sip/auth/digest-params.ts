// Parsing of `Digest name=value, ...` as in Authorization / Proxy-Authorization (RFC 2617 §3.2.2, RFC 3261 §25.1):
// quoted strings with backslash escapes, unquoted tokens, case-insensitive parameter names.
import { err, ok, type Result } from '../../shared/index.ts';

const TOKEN = /[A-Za-z0-9!#$%&'*+.^_`|~-]/;

/** The parameters of a Digest credentials (or challenge) value, names lower-cased, values unquoted. */
export function parseDigestParams(value: string): Result<ReadonlyMap<string, string>, string> {
  const scheme = /^\s*([A-Za-z0-9!#$%&'*+.^_`|~-]+)\s+/.exec(value);
  if (!scheme) return err('no authentication scheme');
  if (scheme[1]?.toLowerCase() !== 'digest') return err(`unsupported scheme ${scheme[1] ?? ''}`);
  const params = new Map<string, string>();
  const text = value;
  let i = scheme[0].length;
  const skip = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\r' || text[i] === '\n')) i++;
  };
  for (;;) {
    skip();
    const nameStart = i;
    while (i < text.length && TOKEN.test(text[i] ?? '')) i++;
    const name = text.slice(nameStart, i).toLowerCase();
    if (name === '') return err(`expected a parameter name at ${i}`);
    skip();
    if (text[i] !== '=') return err(`expected '=' after ${name}`);
    i++;
    skip();
    let parsed: string;
    if (text[i] === '"') {
      const quoted = readQuoted(text, i);
      if (!quoted) return err(`unterminated quoted value for ${name}`);
      [parsed, i] = quoted;
    } else {
      const start = i;
      while (i < text.length && TOKEN.test(text[i] ?? '')) i++;
      parsed = text.slice(start, i);
      if (parsed === '') return err(`empty value for ${name}`);
    }
    // A repeated directive would let a client say two things at once; RFC 7616 §3.4 allows each once.
    if (params.has(name)) return err(`duplicate parameter ${name}`);
    params.set(name, parsed);
    skip();
    if (i >= text.length) return ok(params);
    if (text[i] !== ',') return err(`expected ',' at ${i}`);
    i++;
  }
}

/** Reads a quoted-string starting at the opening quote: quoted-pair = "\" CHAR; returns [value, index after it]. */
function readQuoted(text: string, open: number): [string, number] | undefined {
  let out = '';
  for (let i = open + 1; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') return [out, i + 1];
    if (ch === '\\') {
      i++;
      const escaped = text[i];
      if (escaped === undefined || escaped === '\r' || escaped === '\n') return undefined;
      out += escaped;
    } else if (ch === '\r' || ch === '\n') {
      return undefined; // header folding is undone by the parser; a bare CR/LF here is malformed
    } else {
      out += ch;
    }
  }
  return undefined;
}

/** A value for a quoted-string: backslash before `"` and `\`. */
export function quote(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}
