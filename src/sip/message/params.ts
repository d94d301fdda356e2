// Generic `;name=value` parameter lists (RFC 3261 §25.1 generic-param), with quoted values.
import { CHARS, TOKEN } from './char-classes.ts';

/** Parses `;a=1;b;c="x;y"` (leading `;` optional). Names are lower-cased; returns undefined on a syntax error. */
export function parseParams(text: string): Map<string, string | null> | undefined {
  const params = new Map<string, string | null>();
  return scanParams(text, params) ? params : undefined;
}

/** Whether parseParams would succeed on text from `from`, without building the map (the parser's validation path). */
export function validParams(text: string, from = 0): boolean {
  return scanParams(text, undefined, from);
}

function scanParams(text: string, params: Map<string, string | null> | undefined, from = 0): boolean {
  const n = text.length;
  let i = skipWs(text, from);
  if (text.charCodeAt(i) === 0x3b /* ; */) i++;
  while (i < n) {
    i = skipWs(text, i);
    const nameStart = i;
    while (i < n && isNameChar(text.charCodeAt(i))) i++;
    if (i === nameStart) return false;
    const nameEnd = i;
    i = skipWs(text, i);
    let value: string | null = null;
    if (text.charCodeAt(i) === 0x3d /* = */) {
      i = skipWs(text, i + 1);
      if (text.charCodeAt(i) === 0x22 /* " */) {
        // quoted-string: a backslash escapes the next char; built from slices, not char by char.
        let out = '';
        let chunk = ++i;
        while (i < n && text.charCodeAt(i) !== 0x22) {
          if (text.charCodeAt(i) === 0x5c /* \ */) {
            out += text.slice(chunk, i);
            chunk = ++i;
          }
          i++;
        }
        if (i >= n) return false;
        if (params) value = out + text.slice(chunk, i);
        i++;
      } else {
        const valueStart = i;
        while (i < n && !isValueEnd(text.charCodeAt(i))) i++;
        if (i === valueStart) return false;
        if (params) value = text.slice(valueStart, i);
      }
    }
    params?.set(text.slice(nameStart, nameEnd).toLowerCase(), value);
    i = skipWs(text, i);
    if (i < n) {
      if (text.charCodeAt(i) !== 0x3b) return false;
      i++;
    }
  }
  return true;
}

/** Name chars: token plus "[" "]" ":" (seen in the wild in extension parameter names). */
function isNameChar(code: number): boolean {
  return (code < 128 && ((CHARS[code] ?? 0) & TOKEN) !== 0) || code === 0x5b || code === 0x5d || code === 0x3a;
}

function isValueEnd(code: number): boolean {
  return code === 0x3b || code === 0x20 || code === 0x09;
}

function skipWs(text: string, from: number): number {
  let i = from;
  while (i < text.length && (text.charCodeAt(i) === 0x20 || text.charCodeAt(i) === 0x09)) i++;
  return i;
}

/** gen-value = token / host / quoted-string (§25.1): anything else is written quoted. */
function needsQuotes(value: string): boolean {
  if (value === '') return true;
  for (let i = 0; i < value.length; i++) if (!isNameChar(value.charCodeAt(i))) return true;
  return false;
}

export function serializeParams(params: ReadonlyMap<string, string | null>): string {
  let out = '';
  for (const [name, value] of params) {
    if (value === null) out += `;${name}`;
    else out += `;${name}=${needsQuotes(value) ? `"${value.replace(/["\\]/g, '\\$&')}"` : value}`;
  }
  return out;
}
