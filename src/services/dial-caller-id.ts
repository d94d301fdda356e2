// DIAL's sourceclid and destclid as Asterisk reads CALLERID(all) (its ast_callerid_parse, then ast_callerid_split):
// `name <number>`, `"name" <number>`, a bare number, or a bare name. MiRTA's dialplan hands the text to
// Set(CALLERID(all)=...), so clients send exactly that (a click-to-dial helper sends `0475123456<Dial:>`).
import { PbxError } from '../shared/index.ts';

export interface DialCallerId {
  /** The display name ('' when the text gave only a number). */
  readonly name: string;
  /** The number ('' when the text gave none, or one that is no phone number: the caller's default then applies). */
  readonly number: string;
}

/** Callgrid's caller id numbers: digits with an optional leading + (the CALLERIDMOD rule), at most 32. */
const CALLER_NUMBER = /^\+?[0-9]{1,32}$/;
const MAX_TEXT = 80;

/**
 * Asterisk's reading, in Callgrid's terms. The last `<` starts the number (a missing `>` is forgiven) and what is before
 * it, trimmed and unquoted, is the name; without `<`, text that is a phone number once spaces, `( ) - .` are dropped is
 * the number, anything else (or anything quoted) the name. Where Asterisk would keep a number that is not one
 * (`Dial:`), Callgrid keeps only phone numbers: such text becomes the name when no name was given, and the number falls
 * back to the default (docs/compatibility.md). The name reaches SIP headers only through caller-identity's escaping.
 */
export function parseDialCallerId(parameter: string, value: string): DialCallerId {
  // eslint-disable-next-line no-control-regex
  if (value.length > MAX_TEXT || /[\u0000-\u001f\u007f]/.test(value)) {
    throw new PbxError('invalid_parameter', `Invalid ${parameter}: at most ${MAX_TEXT} characters, no control characters (a number, a name, or a name then the number in angle brackets)`);
  }
  const whole = unquote(value.trim());
  const open = whole.text.lastIndexOf('<');
  if (open >= 0) {
    const inside = whole.text.slice(open + 1);
    const close = inside.lastIndexOf('>');
    const numberText = shrink(close >= 0 ? inside.slice(0, close) : inside);
    const name = unescapeQuoted(unquote(whole.text.slice(0, open).trim()).text);
    if (CALLER_NUMBER.test(numberText)) return { name, number: numberText };
    return { name: name || numberText, number: '' };
  }
  const shrunk = shrink(whole.text);
  if (!whole.quoted && CALLER_NUMBER.test(shrunk)) return { name: '', number: shrunk };
  return { name: unescapeQuoted(unquote(whole.text.trim()).text), number: '' };
}

/** Surrounding double quotes come off (only when both ends have one, as Asterisk's ast_strip_quoted). */
function unquote(text: string): { text: string; quoted: boolean } {
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) return { text: text.slice(1, -1), quoted: true };
  return { text, quoted: false };
}

/** A backslash inside a quoted name escapes the next character (`\"`), as in a SIP quoted-string. */
function unescapeQuoted(text: string): string {
  return text.replace(/\\(.)/g, '$1');
}

/** Asterisk's ast_shrink_phone_number for the plain cases: spaces, parentheses and dashes go, a dot too. */
function shrink(text: string): string {
  return text.replace(/[\s()\-.]/g, '');
}
