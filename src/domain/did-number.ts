// DID numbers as one E.164 number under its spellings: `+39021234`, `0039021234` and `39021234` (E.123 '+',
// the '00' international prefix, bare digits, with or without visual separators) name the same line. Inbound
// routing matches them alike, so one number can be held by one DID only (the store keys DIDs by didNumberKey).

// RFC 3966 visual separators and spaces: people and some carriers write `+39 02-1234` or `(02) 1234`.
const SEPARATORS = /[\s\-.()]/g;
// A DID as stored (di_number): digits with an optional leading +, 1-32 digits.
const DID_SPELLING = /^\+?[0-9]{1,32}$/;

/**
 * The number without its spelling: separators dropped, then a leading `+`, then a leading `00` international
 * prefix (`+0039…` is the same number mistyped). Text that is not a number is returned trimmed, as given.
 * The store's unique index is filled with this: a change here needs a migration that refills di_number_key.
 */
export function didNumberKey(number: string): string {
  const given = number.trim();
  const compact = given.replace(SEPARATORS, '');
  if (!/^\+?[0-9]+$/.test(compact)) return given;
  const bare = compact.startsWith('+') ? compact.slice(1) : compact;
  return bare.length > 2 && bare.startsWith('00') ? bare.slice(2) : bare;
}

/**
 * The spellings a DID of this number may be stored under, the given one first, then bare, `+` and `00`.
 * Not a number: only the text as given (it can match a stored DID only exactly).
 */
export function didNumberVariants(number: string): string[] {
  const given = number.trim();
  const key = didNumberKey(given);
  if (!/^[0-9]+$/.test(key)) return [given];
  const spellings = [...new Set([given, key, `+${key}`, `00${key}`])].filter((v) => DID_SPELLING.test(v));
  return spellings.length > 0 ? spellings : [given];
}
