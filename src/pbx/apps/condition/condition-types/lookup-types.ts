// The types that look the caller up: in the tenant's phonebooks (PHONEBOOK, through phonebook-route's exact lookup,
// which the node passes in as a port) and in the headers of its INVITE (SIPHEADER, an RE2 pattern on one header).
import { compileUserPattern, type UserPattern } from '../../../../domain/index.ts';
import { bad, FAILS, HOLDS, verdict, type TypeEvaluator } from '../condition-verdict.ts';
import { param } from '../stored-condition.ts';

/** An empty co_param1 searches every phonebook of the tenant, up to this many (each search is a few indexed reads). */
export const MAX_PHONEBOOKS_SEARCHED = 20;
/** A header name SIPHEADER reads: an RFC 3261 token (§25.1), at most 64 characters. */
export const MAX_HEADER_NAME = 64;
/** A longer header value never matches a pattern: the pattern's time stays bounded whatever a caller sends. */
export const MAX_HEADER_VALUE = 1024;

const HEADER_NAME = new RegExp(`^[A-Za-z0-9\\-.!%*_+\`'~]{1,${MAX_HEADER_NAME}}$`);
const PHONEBOOK_ID = /^[1-9]\d{0,9}$/;

/** PHONEBOOK: the caller's number is a phone of an entry of phonebook co_param1 ('' = any of the tenant's phonebooks). */
const callerInPhonebook: TypeEvaluator = async (condition, scope) => {
  const phonebooks = scope.context.phonebooks;
  if (phonebooks === undefined) return { kind: 'not-built', type: condition.type };
  const named = param(condition, 1);
  if (named !== '' && !PHONEBOOK_ID.test(named)) return bad(`co_param1 '${named}' is not a phonebook id`);
  // Only the tenant's own ids are searched: another tenant's phonebook reads as missing, never as empty.
  const ids = await phonebooks.ids();
  let searched: readonly number[];
  if (named !== '') {
    if (!ids.includes(Number(named))) return bad(`phonebook ${named} (co_param1) does not exist`);
    searched = [Number(named)];
  } else {
    // A silent partial search would read as "not listed" for callers in the books left out.
    if (ids.length > MAX_PHONEBOOKS_SEARCHED) return bad(`the tenant has ${ids.length} phonebooks, more than the ${MAX_PHONEBOOKS_SEARCHED} an empty co_param1 searches: name one`);
    searched = ids;
  }
  const number = scope.context.caller.number.trim();
  // A withheld caller is in no phonebook.
  if (number === '') return FAILS;
  for (const id of searched) if (await phonebooks.listed(id, number)) return HOLDS;
  return FAILS;
};

/** SIPHEADER: the caller's INVITE carried header co_param1 and an RE2 pattern co_param2 matches in its first value ('' = any value). */
const sipHeader: TypeEvaluator = (condition, scope) => {
  const read = scope.context.sipHeader;
  if (read === undefined) return { kind: 'not-built', type: condition.type };
  const name = param(condition, 1);
  if (name === '') return bad('no header name (co_param1)');
  if (!HEADER_NAME.test(name)) return bad(`co_param1 '${name.slice(0, MAX_HEADER_NAME)}' is not a SIP header name (a token of at most ${MAX_HEADER_NAME} characters)`);
  const source = param(condition, 2);
  let pattern: UserPattern | undefined;
  if (source !== '') {
    const compiled = compileUserPattern(source, { maxInputLength: MAX_HEADER_VALUE });
    if (!compiled.ok) return bad(`co_param2 '${source}': ${compiled.error}`);
    pattern = compiled.value;
  }
  const value = read(name);
  if (value === undefined) return FAILS;
  return verdict(pattern === undefined || pattern.test(value));
};

export const LOOKUP_TYPES: Readonly<Record<string, TypeEvaluator>> = {
  PHONEBOOK: callerInPhonebook,
  SIPHEADER: sipHeader,
};
