// The caller types: the caller's number (CALLERID) or name (CALLERIDNAME) against values written in co_param1 and in
// the extended infos' ce_param1 (one per row; any may match). Patterns run on the project's RE2 engine
// (domain/user-pattern.ts), linear in the input: never JavaScript's backtracking RegExp on text a tenant wrote.
import { compileUserPattern, type UserPattern } from '../../../../domain/index.ts';
import { err, ok, type Result } from '../../../../shared/index.ts';
import { bad, verdict, type ConditionVerdict, type TypeEvaluator } from '../condition-verdict.ts';
import { infoParam, param, type StoredCondition } from '../stored-condition.ts';

type Matcher = (text: string) => boolean;

/** A value written only of dial characters is a number, compared whole: `0612345` is that caller, not every number containing it. */
const LITERAL_NUMBER = /^[0-9+*#]+$/;

function matcher(value: string, literalNumbers: boolean): Result<Matcher> {
  if (literalNumbers && LITERAL_NUMBER.test(value)) return ok((text) => text === value);
  const pattern: Result<UserPattern> = compileUserPattern(value);
  if (!pattern.ok) return err(`'${value}': ${pattern.error}`);
  const compiled = pattern.value;
  return ok((text) => compiled.test(text));
}

/** The values of a caller condition, every one compiled (one that cannot be is a bad condition, not a skipped row). */
export function callerMatchers(condition: StoredCondition, literalNumbers: boolean): Result<Matcher[]> {
  const values = [param(condition, 1), ...condition.infos.map((info) => infoParam(info, 1))].filter((v) => v !== '');
  if (values.length === 0) return err('nothing to match (co_param1 or extended infos)');
  const matchers: Matcher[] = [];
  for (const value of values) {
    const compiled = matcher(value, literalNumbers);
    if (!compiled.ok) return compiled;
    matchers.push(compiled.value);
  }
  return ok(matchers);
}

/** CALLERID: the caller's number equals a number, or a pattern finds itself in it (anchor with ^ and $). */
export function callerId(condition: StoredCondition, caller: { readonly number: string }): ConditionVerdict {
  const matchers = callerMatchers(condition, true);
  return matchers.ok ? verdict(matchers.value.some((match) => match(caller.number))) : bad(matchers.error);
}

/** CALLERIDNAME: a pattern finds itself in the caller's name (`^Reception$` for the whole name). */
export function callerIdName(condition: StoredCondition, caller: { readonly name: string }): ConditionVerdict {
  const matchers = callerMatchers(condition, false);
  return matchers.ok ? verdict(matchers.value.some((match) => match(caller.name))) : bad(matchers.error);
}

export const CALLER_TYPES: Readonly<Record<string, TypeEvaluator>> = {
  CALLERID: (condition, scope) => callerId(condition, scope.context.caller),
  CALLERIDNAME: (condition, scope) => callerIdName(condition, scope.context.caller),
};
