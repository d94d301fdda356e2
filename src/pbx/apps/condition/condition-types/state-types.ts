// The types that read the tenant's state: a flow's lamp (FLOWSTATE), a variable's value (VARIABLE, and MULTIVARIABLE
// with one branch per value) and extensions' live status (EXTENSIONSTATUS, MULTIEXTENSIONSTATUS, through a port the
// node fills).
import { compileUserPattern, FLOW_STATES } from '../../../../domain/index.ts';
import { bad, FAILS, HOLDS, MAX_BRANCHES, verdict, type ConditionVerdict, type TypeEvaluator } from '../condition-verdict.ts';
import { parseNames } from '../schedule-parse.ts';
import { param, type StoredCondition } from '../stored-condition.ts';

/** FLOWSTATE: the flow numbered co_param1 shows one of the states in co_param2 (default INUSE, the lit lamp). */
const flowState: TypeEvaluator = async (condition, scope) => {
  const number = param(condition, 1);
  if (number === '') return bad('no flow number (co_param1)');
  const states = parseNames(param(condition, 2) || 'INUSE', FLOW_STATES);
  if (!states.ok) return bad(`co_param2: ${states.error}`);
  const flow = await scope.context.flow(number);
  if (flow === undefined) return bad(`no single flow numbered ${number}`);
  return verdict(states.value.has(flow.state));
};

/** VARIABLE: the variable co_param1 equals co_param2, or (co_param3 `regex`) the pattern co_param2 finds itself in it. */
const variableValue: TypeEvaluator = async (condition, scope) => {
  const name = param(condition, 1);
  if (name === '') return bad('no variable (co_param1)');
  const mode = param(condition, 3).toLowerCase();
  if (!['', 'exact', 'regex'].includes(mode)) return bad(`co_param3 '${param(condition, 3)}' is neither exact nor regex`);
  const expected = param(condition, 2);
  if (mode === 'regex') {
    const pattern = compileUserPattern(expected);
    if (!pattern.ok) return bad(`'${expected}': ${pattern.error}`);
    return verdict(pattern.value.test(await scope.context.variable(name)));
  }
  return verdict((await scope.context.variable(name)) === expected);
};

/**
 * MULTIVARIABLE: the variable co_param1 against the values co_param2..co_param21; the first equal one sends the call to
 * CONDITION1..CONDITION20 by its position (co_param2 -> CONDITION1), none to NOTCONDITION. Empty positions are unused.
 */
export function multiValueBranch(condition: StoredCondition, value: string): ConditionVerdict {
  let any = false;
  for (let branch = 1; branch <= MAX_BRANCHES; branch++) {
    const candidate = param(condition, branch + 1);
    if (candidate === '') continue;
    any = true;
    if (candidate === value) return { kind: 'holds', branch };
  }
  return any ? FAILS : bad('no values to compare (co_param2..co_param21)');
}

const multiVariable: TypeEvaluator = async (condition, scope) => {
  const name = param(condition, 1);
  if (name === '') return bad('no variable (co_param1)');
  return multiValueBranch(condition, await scope.context.variable(name));
};

/** Asterisk's device states, as BLF shows them (pbx/presence). */
const DEVICE_STATES = ['NOT_INUSE', 'INUSE', 'RINGING', 'RINGINUSE', 'BUSY', 'ONHOLD', 'UNAVAILABLE'] as const;
/** REGISTERED: any state of a reachable phone; UNREGISTERED: no reachable phone. */
const DEVICE_ALIASES = { REGISTERED: DEVICE_STATES.filter((s) => s !== 'UNAVAILABLE'), UNREGISTERED: ['UNAVAILABLE'], IDLE: ['NOT_INUSE'] };

/** EXTENSIONSTATUS: the extension numbered co_param1 is in one of the states of co_param2 (INUSE, REGISTERED...). */
const extensionStatus: TypeEvaluator = async (condition, scope) => {
  const lookUp = scope.context.extensionState;
  // Live state belongs to the node's presence tracker; without that port the type is honestly not built here.
  if (lookUp === undefined) return { kind: 'not-built', type: condition.type };
  const number = param(condition, 1);
  if (number === '') return bad('no extension number (co_param1)');
  const states = parseNames(param(condition, 2), DEVICE_STATES, DEVICE_ALIASES);
  if (!states.ok) return bad(`co_param2: ${states.error}`);
  const state = await lookUp(number);
  if (state === undefined) return bad(`no extension numbered ${number}`);
  return verdict(states.value.has(state));
};

/** How many extensions MULTIEXTENSIONSTATUS may list: a ring group's worth, each one a live-state read. */
export const MAX_LISTED_EXTENSIONS = 50;

/**
 * MULTIEXTENSIONSTATUS: the extensions co_param1 (comma separated) against the states co_param2; co_param3 `all`
 * (the default: every one is in one of them, "all operators busy") or `any` (at least one is).
 */
const multiExtensionStatus: TypeEvaluator = async (condition, scope) => {
  const lookUp = scope.context.extensionState;
  if (lookUp === undefined) return { kind: 'not-built', type: condition.type };
  const numbers = [...new Set(param(condition, 1).split(/[\s,]+/).filter((n) => n !== ''))];
  if (numbers.length === 0) return bad('no extension numbers (co_param1)');
  if (numbers.length > MAX_LISTED_EXTENSIONS) return bad(`co_param1 lists ${numbers.length} extensions, more than ${MAX_LISTED_EXTENSIONS}`);
  const states = parseNames(param(condition, 2), DEVICE_STATES, DEVICE_ALIASES);
  if (!states.ok) return bad(`co_param2: ${states.error}`);
  const mode = (param(condition, 3) || 'all').toLowerCase();
  if (mode !== 'all' && mode !== 'any') return bad(`co_param3 '${param(condition, 3)}' is neither all nor any`);
  // In list order, stopping at the first decisive extension (as ALL / ANY stop at the first decisive condition).
  for (const number of numbers) {
    const state = await lookUp(number);
    if (state === undefined) return bad(`no extension numbered ${number}`);
    const inOne = states.value.has(state);
    if (mode === 'any' && inOne) return HOLDS;
    if (mode === 'all' && !inOne) return FAILS;
  }
  return verdict(mode === 'all');
};

export const STATE_TYPES: Readonly<Record<string, TypeEvaluator>> = {
  FLOWSTATE: flowState,
  VARIABLE: variableValue,
  MULTIVARIABLE: multiVariable,
  EXTENSIONSTATUS: extensionStatus,
  MULTIEXTENSIONSTATUS: multiExtensionStatus,
};
