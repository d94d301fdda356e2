// Builders for the condition tests: a stored condition from its columns, and an evaluation context over plain maps
// (conditions, flows, variables, extension states, global conditions, phonebooks, INVITE headers) on a FakeClock. No store, no call.
import { FakeClock } from '../../../shared/index.ts';
import type { EvalContext, FlowFacts } from './condition-verdict.ts';
import type { StoredCondition } from './stored-condition.ts';

export interface ConditionSpec {
  readonly id?: number;
  readonly type: string;
  readonly timeZone?: string;
  /** co_param1.. in order. */
  readonly params?: readonly string[];
  /** Extended infos, each [ce_param1..]. */
  readonly infos?: ReadonlyArray<readonly string[]>;
}

export function cond(spec: ConditionSpec): StoredCondition {
  const params = Array.from({ length: 22 }, (_, i) => spec.params?.[i] ?? '');
  return { id: spec.id ?? 1, type: spec.type, timeZone: spec.timeZone ?? '', params, infos: (spec.infos ?? []).map((row) => Array.from({ length: 4 }, (_, i) => row[i] ?? '')) };
}

export interface ContextSpec {
  readonly at?: string;
  readonly clock?: FakeClock;
  readonly tenantZone?: string;
  readonly caller?: { readonly number: string; readonly name: string };
  readonly conditions?: readonly StoredCondition[];
  readonly flows?: Readonly<Record<string, FlowFacts>>;
  readonly variables?: Readonly<Record<string, string>>;
  readonly extensions?: Readonly<Record<string, string>>;
  /** Global conditions (GLOBAL); absent: the port is absent. */
  readonly globals?: readonly StoredCondition[];
  /** The tenant's phonebooks: id -> the numbers listed in it; absent: the port is absent. */
  readonly phonebooks?: Readonly<Record<number, readonly string[]>>;
  /** The caller's INVITE headers (lower-case names); absent: the call cannot tell. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** A context, counting the condition reads it answers (`reads.n`). */
export function context(spec: ContextSpec = {}): EvalContext & { reads: { n: number } } {
  const clock = spec.clock ?? new FakeClock(spec.at ?? '2026-01-12T08:00:00Z');
  const byId = new Map((spec.conditions ?? []).map((c) => [c.id, c]));
  const reads = { n: 0 };
  return {
    reads,
    caller: spec.caller ?? { number: '+390612345678', name: 'Mario Rossi' },
    now: clock.now(),
    tenantTimeZone: async () => spec.tenantZone ?? '',
    condition: async (id) => {
      reads.n++;
      return byId.get(id);
    },
    flow: async (number) => spec.flows?.[number],
    variable: async (name) => spec.variables?.[name] ?? '',
    ...(spec.extensions === undefined ? {} : { extensionState: async (number: string) => spec.extensions?.[number] }),
    ...(spec.globals === undefined
      ? {}
      : {
          globalCondition: async (id: number) => {
            reads.n++;
            return spec.globals?.find((c) => c.id === id);
          },
        }),
    ...(spec.phonebooks === undefined
      ? {}
      : {
          phonebooks: {
            ids: async () => Object.keys(spec.phonebooks ?? {}).map(Number),
            listed: async (id: number, number: string) => (spec.phonebooks?.[id] ?? []).includes(number),
          },
        }),
    ...(spec.headers === undefined ? {} : { sipHeader: (name: string) => spec.headers?.[name.toLowerCase()] }),
  };
}
