// Feature codes (*78/*79/*76 DND, *28<n> flow toggle, the tenant's fe_features codes): matched before the
// dialplan, run as the call's FEATURECODE step: answered by the PBX with a confirmation tone. Other modules import from here only.
export { matchFeatureCode, looksLikeFeatureCode, DEFAULT_FEATURE_CODES, type FeatureAction, type FeatureCodeTable, type TenantFeatureCode } from './feature-code.ts';
export type { FeatureActions, FeatureCodeDirectory, FlowChangeListener, FlowSwitch } from './feature-actions.ts';
export { StoreFeatureActions, toggledFlowState, type StoreFeatureActionsOptions } from './store-feature-actions.ts';
export { FeatureCodeStep, type FeatureCodeStepDeps } from './feature-code-step.ts';
export type { ConfirmationKind } from './confirmation-tone.ts';
