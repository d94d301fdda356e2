// A caller-id modification rule (CALLERIDMOD-<id>, spec §3.3 "rewrite caller id by rule"; providers name one in
// pr_ca_id / pr_did_ca_id, §3.4.7). MiRTA does not publish the rule's columns; Callgrid's rule (stored as the
// calleridmodification object, cm_calleridmods) is what number rewriting on a PBX usually is: when the number matches
// (RE2 pattern, linear time), strip leading digits, add a prefix, or put a fixed number; optionally a fixed name or a
// name prefix. Pure: the step applies the result.
import { compileUserPattern } from '../../../domain/index.ts';

export interface CallerIdRule {
  readonly id: number;
  /** RE2 pattern the caller's number must match; '' = every number. */
  readonly match: string;
  /** Leading characters removed from the number (0-32). */
  readonly strip: number;
  /** Put before the (stripped) number. */
  readonly prefix: string;
  /** Replaces the number outright when set (strip and prefix then do not apply). */
  readonly number: string;
  /** Replaces the name when set. */
  readonly name: string;
  /** Put before the name (after `name` applies), as di_didnameprefix does for DIDs. */
  readonly namePrefix: string;
}

export type RuleResult =
  | { readonly kind: 'changed'; readonly number: string; readonly name: string }
  | { readonly kind: 'no-match' }
  | { readonly kind: 'bad'; readonly why: string };

/** What may be presented as a caller id number: digits with an optional leading + (nothing to break a header). */
const PRESENTABLE = /^\+?[0-9*#]{0,32}$/;
const MAX_NAME = 255;

export function applyCallerIdRule(rule: CallerIdRule, caller: { readonly number: string; readonly name: string }): RuleResult {
  if (rule.match !== '') {
    const pattern = compileUserPattern(rule.match);
    if (!pattern.ok) return { kind: 'bad', why: `match pattern ${pattern.error}` };
    if (!pattern.value.test(caller.number)) return { kind: 'no-match' };
  }
  const strip = Math.max(0, Math.min(32, Math.trunc(rule.strip)));
  const number = rule.number !== '' ? rule.number : `${rule.prefix}${caller.number.slice(strip)}`;
  if (!PRESENTABLE.test(number)) return { kind: 'bad', why: `the rewritten number '${number.slice(0, 40)}' is not digits with an optional leading +` };
  const name = `${rule.namePrefix}${rule.name !== '' ? rule.name : caller.name}`.replace(/[\u0000-\u001f\u007f]/g, ' ').slice(0, MAX_NAME);
  return { kind: 'changed', number, name };
}
