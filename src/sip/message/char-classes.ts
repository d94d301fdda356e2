// ASCII character classes of the SIP grammar (RFC 3261 §25.1) as bit flags in one lookup
// table, so scanners test a char with one array read instead of a regex.

export const ALPHANUM = 1;
/** token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~") */
export const TOKEN = 2;
/** user = unreserved / user-unreserved ("&" "=" "+" "$" "," ";" "?" "/"), plus escapes */
export const USER = 4;
/** password = unreserved / "&" "=" "+" "$" ",", plus escapes */
export const PASSWORD = 8;
/** paramchar = param-unreserved ("[" "]" "/" ":" "&" "+" "$") / unreserved, plus escapes */
export const PARAM = 16;
/** hname / hvalue = hnv-unreserved ("[" "]" "/" "?" ":" "+" "$") / unreserved, plus escapes */
export const URI_HEADER = 32;
/** hostname characters: alphanum "-" "." */
export const HOST = 64;
/** word (Call-ID, §25.1): token chars plus "(" ")" "<" ">" ":" "\" DQUOTE "/" "[" "]" "?" "{" "}" */
export const WORD = 128;
/** URI scheme = ALPHA *(ALPHA / DIGIT / "+" / "-" / ".") (RFC 3986 §3.1) */
export const SCHEME = 256;
/** tel number chars (RFC 3966): digits, hex digits, "*" "#" and the visual separators "-" "." "(" ")" */
export const TEL = 512;

export const CHARS = new Uint16Array(128);

const ALNUM_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const MARK = "-_.!~*'()";

function add(chars: string, flag: number): void {
  for (let i = 0; i < chars.length; i++) {
    const code = chars.charCodeAt(i);
    CHARS[code] = (CHARS[code] ?? 0) | flag;
  }
}

add(ALNUM_CHARS, ALPHANUM | TOKEN | USER | PASSWORD | PARAM | URI_HEADER | HOST | WORD | SCHEME);
add("-.!%*_+`'~", TOKEN | WORD);
add(MARK, USER | PASSWORD | PARAM | URI_HEADER);
add('&=+$,;?/', USER);
add('&=+$,', PASSWORD);
add('[]/:&+$', PARAM);
add('[]/?:+$', URI_HEADER);
add('-.', HOST);
add('()<>:\\"/[]?{}', WORD);
add('+-.', SCHEME);
add('0123456789abcdefABCDEF*#-.()', TEL);

/** True when every char of text[start, end) has `flag` (and end > start). */
export function isRun(text: string, start: number, end: number, flag: number): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code > 127 || ((CHARS[code] ?? 0) & flag) === 0) return false;
  }
  return true;
}

export function isHexDigit(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);
}

/**
 * Scans a run of `flag` chars and %HH escapes from `start`; returns where it stopped,
 * or -1 when a "%" is not followed by two hex digits (a malformed escape, RFC 3261 §25.1 escaped).
 */
export function scanEscaped(text: string, start: number, flag: number): number {
  let i = start;
  const n = text.length;
  while (i < n) {
    const code = text.charCodeAt(i);
    if (code === 0x25 /* % */) {
      if (!isHexDigit(text.charCodeAt(i + 1)) || !isHexDigit(text.charCodeAt(i + 2))) return -1;
      i += 3;
    } else if (code < 128 && ((CHARS[code] ?? 0) & flag) !== 0) i++;
    else break;
  }
  return i;
}
