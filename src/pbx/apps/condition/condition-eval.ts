// Evaluates a condition: its co_type picks the evaluator from one typed table; conditions that name others (ALL, ANY,
// NEGATE, GLOBAL) recurse here, where a cycle is refused, depth bounded and the number of conditions read per call capped.
// A type missing from the table is not built yet: the caller of this says so, never guesses.
import { bad, type ConditionVerdict, type EvalContext, type EvalScope, type TypeEvaluator } from './condition-verdict.ts';
import { CALLER_TYPES } from './condition-types/caller-types.ts';
import { DATE_TYPES } from './condition-types/date-types.ts';
import { LOGIC_TYPES } from './condition-types/logic-types.ts';
import { LOOKUP_TYPES } from './condition-types/lookup-types.ts';
import { STATE_TYPES } from './condition-types/state-types.ts';
import { TIME_TYPES } from './condition-types/time-types.ts';
import { localTime } from './local-time.ts';
import type { StoredCondition } from './stored-condition.ts';

/** The co_type codes Callgrid evaluates (docs/compatibility.md lists their parameters). */
export const CONDITION_TYPES: Readonly<Record<string, TypeEvaluator>> = Object.freeze({ ...TIME_TYPES, ...DATE_TYPES, ...CALLER_TYPES, ...STATE_TYPES, ...LOGIC_TYPES, ...LOOKUP_TYPES });

/** How deep conditions may name conditions (a condition at the top is depth 1). */
export const MAX_CONDITION_DEPTH = 8;
/** How many conditions one evaluation may read: ANY of 20 ALLs of 20 would otherwise be 400 reads per call. */
export const MAX_CONDITIONS_EVALUATED = 64;

/** The evaluator of a co_type; undefined when not built (own keys only: a code is never an Object method). */
export function evaluatorOf(type: string): TypeEvaluator | undefined {
  return Object.hasOwn(CONDITION_TYPES, type) ? CONDITION_TYPES[type] : undefined;
}

/** Where a condition was read from: the call's tenant, or the global conditions every tenant may use. */
type Origin = 'tenant' | 'global';

/** Evaluates `root` (one of the tenant's) for one call. Never throws on what a tenant stored: unreadable parameters come back as `bad`. */
export async function evaluateCondition(root: StoredCondition, context: EvalContext): Promise<ConditionVerdict> {
  let evaluated = 0;
  let tenantZone: Promise<string> | undefined;

  /**
   * `path` names the conditions that led here, a global one as `global <id>`, so a tenant's id and a global id never
   * meet in the cycle check. Inside a global condition the ids it names are global ones: it cannot know a tenant's.
   */
  const walk = async (condition: StoredCondition, path: readonly string[], origin: Origin): Promise<ConditionVerdict> => {
    evaluated++;
    const evaluator = evaluatorOf(condition.type);
    if (evaluator === undefined) return { kind: 'not-built', type: condition.type || '(none)' };
    const scope: EvalScope = {
      context,
      async localTime() {
        // co_timezone first, else the tenant's, else UTC; the tenant's is read once per call, and only if needed.
        const zone = condition.timeZone || (await (tenantZone ??= context.tenantTimeZone())) || 'UTC';
        return localTime(context.now, zone);
      },
      nested: (id) => follow(id, origin, path),
      nestedGlobal: (id) => follow(id, 'global', path),
    };
    return evaluator(condition, scope);
  };

  /** Reads and evaluates a condition another one names, from the tenant's or the global ones, with the guards. */
  const follow = async (id: number, from: Origin, path: readonly string[]): Promise<ConditionVerdict> => {
    const name = from === 'global' ? `global ${id}` : String(id);
    if (path.includes(name)) return bad(`condition ${name} names itself through ${[...path, name].join(' -> ')}`);
    if (path.length >= MAX_CONDITION_DEPTH) return bad(`conditions nest deeper than ${MAX_CONDITION_DEPTH} (${[...path, name].join(' -> ')})`);
    if (evaluated >= MAX_CONDITIONS_EVALUATED) return bad(`more than ${MAX_CONDITIONS_EVALUATED} conditions to evaluate for one call`);
    let inner: StoredCondition | undefined;
    if (from === 'global') {
      // Global conditions come through their own port: never the tenant's reader with another scope.
      if (context.globalCondition === undefined) return { kind: 'not-built', type: 'GLOBAL' };
      inner = await context.globalCondition(id);
    } else {
      inner = await context.condition(id);
    }
    if (inner === undefined) return bad(`condition ${name} (named by condition ${path[path.length - 1] ?? root.id}) does not exist`);
    const answer = await walk(inner, [...path, name], from);
    // The log line then names the condition to fix, through the chain that reached it.
    return answer.kind === 'bad' ? bad(`condition ${name}: ${answer.problem}`) : answer;
  };

  return walk(root, [String(root.id)], 'tenant');
}
