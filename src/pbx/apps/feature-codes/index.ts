// Feature codes (*78/*79/*76 DND, *28<n> flow toggle, the tenant's fe_features codes): matched before the
// dialplan, answered by the PBX with a confirmation tone. Other modules import from here only.
export { matchFeatureCode, looksLikeFeatureCode, DEFAULT_FEATURE_CODES, type FeatureAction, type FeatureCodeTable, type TenantFeatureCode } from './feature-code.ts';
export type { FeatureActions, FeatureCodeDirectory, FlowChangeListener, FlowSwitch } from './feature-actions.ts';
export { StoreFeatureActions, toggledFlowState, type StoreFeatureActionsOptions } from './store-feature-actions.ts';
export { runFeatureCode, type FeatureCall, type FeatureCodeDeps, type FeatureCodeSummary, type MediaPorts } from './run-feature-code.ts';
export { confirmationTone, type ConfirmationKind } from './confirmation-tone.ts';
