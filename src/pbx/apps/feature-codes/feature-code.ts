// Feature codes: star codes a phone dials to change its own state (DND, flow toggles), matched here as a pure
// function. Defaults follow the Asterisk/FreePBX convention; codes the tenant defined (fe_features) come first.
import type { FlowState } from '../../../domain/index.ts';

export type FeatureAction =
  | { readonly kind: 'dnd'; readonly value: 'on' | 'off' | 'toggle' }
  | { readonly kind: 'flow'; readonly number: string; readonly value: 'toggle' | FlowState };

/** A code the tenant defined; no action means the tenant uses the code for something Callgrid does not run here. */
export interface TenantFeatureCode {
  readonly code: string;
  readonly action: FeatureAction | undefined;
}

export interface FeatureCodeTable {
  readonly dndOn: string;
  readonly dndOff: string;
  readonly dndToggle: string;
  /** Followed by a flow's number (`*28` + `5` = `*285`, `*28` + `*30` = `*28*30`): toggles that flow. */
  readonly flowTogglePrefix: string;
  /** The tenant's own codes: an exact match here wins over every default, with or without an action. */
  readonly tenant: readonly TenantFeatureCode[];
}

/** FreePBX's codes: *78 DND on, *79 DND off, *76 DND toggle, *28<n> call-flow toggle. */
export const DEFAULT_FEATURE_CODES: FeatureCodeTable = { dndOn: '*78', dndOff: '*79', dndToggle: '*76', flowTogglePrefix: '*28', tenant: [] };

/** What a feature code may look like: it starts with * or #, so it never hides an extension or an outside number. */
const FEATURE_CODE = /^[*#][0-9*#]{1,31}$/;
/** A flow number (domain/objects/flow.ts fl_number). */
const FLOW_NUMBER = /^[0-9*#+]{1,32}$/;

/** Whether `dialled` can be a feature code at all (call setup may skip reading the tenant's table otherwise). */
export function looksLikeFeatureCode(dialled: string): boolean {
  return FEATURE_CODE.test(dialled);
}

/** The action `dialled` asks for, or undefined when it is no feature code (the dialplan then handles it). */
export function matchFeatureCode(dialled: string, codes: FeatureCodeTable = DEFAULT_FEATURE_CODES): FeatureAction | undefined {
  if (!looksLikeFeatureCode(dialled)) return undefined;
  const own = codes.tenant.find((entry) => entry.code === dialled);
  if (own !== undefined) return own.action;
  if (dialled === codes.dndOn) return { kind: 'dnd', value: 'on' };
  if (dialled === codes.dndOff) return { kind: 'dnd', value: 'off' };
  if (dialled === codes.dndToggle) return { kind: 'dnd', value: 'toggle' };
  const prefix = codes.flowTogglePrefix;
  if (prefix !== '' && dialled.startsWith(prefix)) {
    const number = dialled.slice(prefix.length);
    if (FLOW_NUMBER.test(number)) return { kind: 'flow', number, value: 'toggle' };
  }
  return undefined;
}
