// Conditions (CONDITION-<id>): branching on time, caller, flows, variables and other conditions. Other modules import from here only.
export { ConditionStep, slotOf, type CallerPhonebookLookup, type ConditionStepDeps, type ExtensionStateSource, type GlobalConditionSource } from './condition-step.ts';
export { StoreConditionDirectory, type ConditionDirectory } from './condition-directory.ts';
export { CONDITION_TYPES, evaluateCondition, MAX_CONDITION_DEPTH, MAX_CONDITIONS_EVALUATED } from './condition-eval.ts';
export type { ConditionVerdict, EvalContext, FlowFacts } from './condition-verdict.ts';
export { storedCondition, type StoredCondition } from './stored-condition.ts';
