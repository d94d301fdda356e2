// What evaluating a condition comes to, and what one type's evaluator is given: the call's facts, the tenant's state
// through ports, the condition's local time, and a way to evaluate the conditions it names (all/any/negate/global).
import type { FlowState } from '../../../domain/index.ts';
import type { Result } from '../../../shared/index.ts';
import type { LocalTime } from './local-time.ts';
import type { StoredCondition } from './stored-condition.ts';

export type ConditionVerdict =
  /** It holds: slot CONDITION, or CONDITION<branch> (1..20) for a multi-valued type's matching value. */
  | { readonly kind: 'holds'; readonly branch?: number }
  /** It does not hold: slot NOTCONDITION. */
  | { readonly kind: 'fails' }
  /** Its stored parameters cannot be read: taken as not holding (NOTCONDITION) and logged. */
  | { readonly kind: 'bad'; readonly problem: string }
  /** Its type (or a type it names) has no evaluator yet. */
  | { readonly kind: 'not-built'; readonly type: string };

export const HOLDS: ConditionVerdict = { kind: 'holds' };
export const FAILS: ConditionVerdict = { kind: 'fails' };
export const verdict = (holds: boolean): ConditionVerdict => (holds ? HOLDS : FAILS);
export const bad = (problem: string): ConditionVerdict => ({ kind: 'bad', problem });

/** The most numbered branches a condition has (CONDITION1..CONDITION20, spec §3.3). */
export const MAX_BRANCHES = 20;

/** A numbered flow's hint state and value (spec §4.3 Flow). */
export interface FlowFacts {
  readonly state: FlowState;
  readonly value: string;
}

/** What a call's evaluation sees, already bound to the call's tenant. */
export interface EvalContext {
  readonly caller: { readonly number: string; readonly name: string };
  readonly now: Date;
  /** te_timezone ('' = none set: UTC). Asked only when a time condition has no co_timezone. */
  tenantTimeZone(): Promise<string>;
  /** Another condition of the tenant (all/any/negate); undefined when it does not exist. */
  condition(id: number): Promise<StoredCondition | undefined>;
  /** The tenant's flow with this number; undefined when none or several have it. */
  flow(number: string): Promise<FlowFacts | undefined>;
  /** A variable's value ('' when unset): digits name a tenant variable (tv_al_id), a name a flow's fl_variable_name. */
  variable(name: string): Promise<string>;
  /** An extension's live device state (NOT_INUSE, INUSE, UNAVAILABLE...); absent when this node cannot see them. */
  readonly extensionState?: (number: string) => Promise<string | undefined>;
  /** A global condition (shared by every tenant, evaluated as the tenant's); absent while global conditions are not stored. */
  readonly globalCondition?: (id: number) => Promise<StoredCondition | undefined>;
  /** The tenant's phonebooks, for PHONEBOOK; absent when this node has no phonebook lookup. */
  readonly phonebooks?: {
    /** The ids of the tenant's phonebooks, in id order. */
    ids(): Promise<readonly number[]>;
    /** Whether an entry of the tenant's phonebook has this number (in its usual spellings) as one of its phones. */
    listed(phonebookId: number, number: string): Promise<boolean>;
  };
  /** The first value of a header of the caller's INVITE; undefined when it had none or the call came from no INVITE. Absent: the call cannot tell. */
  readonly sipHeader?: (name: string) => string | undefined;
}

/** What one type's evaluator gets beside its condition. */
export interface EvalScope {
  readonly context: EvalContext;
  /** The condition's wall clock: co_timezone, else the tenant's, else UTC. */
  localTime(): Promise<Result<LocalTime>>;
  /** Evaluates a condition this one names (a tenant's, or a global one's inside a global condition), with cycles and depth refused. */
  nested(conditionId: number): Promise<ConditionVerdict>;
  /** Evaluates a global condition as if it were the tenant's, with the same guards. */
  nestedGlobal(conditionId: number): Promise<ConditionVerdict>;
}

export type TypeEvaluator = (condition: StoredCondition, scope: EvalScope) => ConditionVerdict | Promise<ConditionVerdict>;

/** A pure evaluator of a time type, lifted to read the condition's wall clock first. */
export function timed(evaluate: (condition: StoredCondition, now: LocalTime) => ConditionVerdict): TypeEvaluator {
  return async (condition, scope) => {
    const now = await scope.localTime();
    return now.ok ? evaluate(condition, now.value) : bad(now.error);
  };
}
