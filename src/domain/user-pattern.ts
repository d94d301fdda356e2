// The only place user-supplied regular expressions (dl_regex, ex_destallowregex, ...) are compiled: with RE2
// (re2js), whose matching time is linear in the input, never JavaScript's backtracking RegExp, where
// `^(\d+)+$` against 30 digits and a letter froze the node for seconds.
import { RE2JS, RE2JSSyntaxException } from 're2js';
import { err, ok, type Result } from '../shared/index.ts';
import { estimateProgramSize } from './user-pattern-size.ts';

/** A pattern column's width (dl_regex, ex_destallowregex are text(1024)). */
export const USER_PATTERN_MAX_LENGTH = 1024;
/** Longer text than this matches nothing: patterns test dialled numbers and caller ids, far shorter. */
export const USER_PATTERN_MAX_INPUT = 256;
/** RE2 instructions a pattern may compile to; `\d{1000}` is 1,000, real dial rules are tens. */
export const USER_PATTERN_MAX_PROGRAM = 20_000;

export interface UserPatternLimits {
  readonly maxLength?: number;
  readonly maxInputLength?: number;
}

/** A compiled user pattern. */
export interface UserPattern {
  readonly source: string;
  /** Whether the pattern matches anywhere in `text`, as RegExp.test (anchor with ^ and $); over-long text never matches. */
  test(text: string): boolean;
}

const RE2_SYNTAX = 'patterns use RE2 syntax';

/** RE2's refusal in the words a PCRE/JavaScript user needs: which construct it does not support, or what is wrong. */
function explain(error: RE2JSSyntaxException): string {
  const at = error.input ?? '';
  if (/^\\([1-9]|k)/.test(at)) return `backreferences such as \\1 are not supported (${RE2_SYNTAX})`;
  if (/^\(\?<?[=!]/.test(at)) return `lookahead and lookbehind assertions such as (?= are not supported (${RE2_SYNTAX})`;
  if (at.startsWith('(?>')) return `atomic groups (?> are not supported (${RE2_SYNTAX})`;
  if (error.error === 'expression too large') return `too complex (${RE2_SYNTAX})`;
  return `not a valid regular expression (${error.error}${at === '' ? '' : `: ${at}`})`;
}

function build(pattern: string, maxInputLength: number): Result<UserPattern> {
  // Checked before RE2 compiles: expanding counted repetitions is the one step whose cost grows past linear.
  if (estimateProgramSize(pattern) > USER_PATTERN_MAX_PROGRAM) {
    return err(`too complex: its repetitions expand to more than ${USER_PATTERN_MAX_PROGRAM} instructions`);
  }
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(pattern);
  } catch (error) {
    if (error instanceof RE2JSSyntaxException) return err(explain(error));
    return err(`not a valid regular expression (${error instanceof Error ? error.message : String(error)})`);
  }
  return ok({ source: pattern, test: (text: string) => text.length <= maxInputLength && compiled.test(text) });
}

// Routing compiles the same few patterns on every call: keep the latest results (errors too, they are cheap).
const CACHE_SIZE = 512;
const cache = new Map<string, Result<UserPattern>>();

/** Compiles a user pattern, or says why it cannot be run safely: too long, too complex, unsupported or bad syntax. */
export function compileUserPattern(pattern: string, limits: UserPatternLimits = {}): Result<UserPattern> {
  const maxLength = limits.maxLength ?? USER_PATTERN_MAX_LENGTH;
  const maxInputLength = limits.maxInputLength ?? USER_PATTERN_MAX_INPUT;
  // Before the cache, so an over-long pattern is neither compiled nor kept.
  if (pattern.length > maxLength) return err(`too long: at most ${maxLength} characters`);
  const key = `${maxInputLength}:${pattern}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const result = build(pattern, maxInputLength);
  const oldest = cache.keys().next();
  if (cache.size >= CACHE_SIZE && !oldest.done) cache.delete(oldest.value);
  cache.set(key, result);
  return result;
}
