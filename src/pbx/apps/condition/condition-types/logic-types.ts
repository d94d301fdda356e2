// Conditions of conditions: every one holds (ALL), at least one (ANY), not (NEGATE), a shared one (GLOBAL). They name
// other conditions of the tenant (GLOBAL: a global condition) by id; the evaluation (condition-eval.ts) refuses cycles and bounds depth and fan-out. A named condition
// that cannot be evaluated (bad, not built) makes the whole one so: NEGATE of an unreadable schedule is not "open".
import { bad, HOLDS, FAILS, verdict, type ConditionVerdict, type EvalScope, type TypeEvaluator } from '../condition-verdict.ts';
import { param, type StoredCondition } from '../stored-condition.ts';

/** How many conditions ALL / ANY may name: co_param1..co_param20. */
const MAX_NAMED = 20;

function namedIds(condition: StoredCondition, max: number): { ids: number[] } | { problem: string } {
  const ids: number[] = [];
  for (let n = 1; n <= max; n++) {
    const text = param(condition, n);
    if (text === '') continue;
    if (!/^[1-9]\d{0,9}$/.test(text)) return { problem: `co_param${n} '${text}' is not a condition id` };
    ids.push(Number(text));
  }
  return ids.length === 0 ? { problem: 'names no condition (co_param1..)' } : { ids };
}

/** Evaluates the named conditions in order, stopping at the first `decisive` answer (a miss for ALL, a hit for ANY). */
async function combine(condition: StoredCondition, scope: EvalScope, decisive: 'holds' | 'fails'): Promise<ConditionVerdict> {
  const named = namedIds(condition, MAX_NAMED);
  if ('problem' in named) return bad(named.problem);
  for (const id of named.ids) {
    const inner = await scope.nested(id);
    if (inner.kind === 'bad' || inner.kind === 'not-built' || inner.kind === decisive) return inner.kind === decisive ? verdict(decisive === 'holds') : inner;
  }
  return verdict(decisive === 'fails');
}

const negate: TypeEvaluator = async (condition, scope) => {
  const named = namedIds(condition, 1);
  if ('problem' in named) return bad(named.problem);
  const [id] = named.ids;
  if (id === undefined) return bad('names no condition (co_param1)');
  const inner = await scope.nested(id);
  // A multi-valued condition that picked a branch holds.
  return inner.kind === 'holds' ? FAILS : inner.kind === 'fails' ? HOLDS : inner;
};

/** GLOBAL: the global condition co_param1, evaluated as if it were the tenant's (its time zone, flows, variables). */
const useGlobal: TypeEvaluator = async (condition, scope) => {
  const named = namedIds(condition, 1);
  if ('problem' in named) return bad(named.problem);
  const [id] = named.ids;
  if (id === undefined) return bad('names no global condition (co_param1)');
  return scope.nestedGlobal(id);
};

export const LOGIC_TYPES: Readonly<Record<string, TypeEvaluator>> = {
  ALL: (condition, scope) => combine(condition, scope, 'fails'),
  ANY: (condition, scope) => combine(condition, scope, 'holds'),
  NEGATE: negate,
  GLOBAL: useGlobal,
};
