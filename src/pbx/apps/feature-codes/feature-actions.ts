// The ports feature codes act through, which main.ts fills: the state changes themselves (DND, flows), the
// tenant's own code table, and who hears of a flow's new state (the presence tracker, for BLF lamps).
import type { FlowState, ObjectRow } from '../../../domain/index.ts';
import type { FeatureCodeTable } from './feature-code.ts';

export interface FeatureActions {
  /** Sets or toggles the extension's DND (ex_dnd); the new state. Throws when the extension is gone. */
  setDnd(tenantId: number, extensionId: number, on: boolean | 'toggle'): Promise<boolean>;
  /** Toggles the tenant's flow `number` (or sets `state`); its new state, or undefined when there is no such flow. */
  toggleFlow(tenantId: number, number: string, state?: FlowState): Promise<FlowState | undefined>;
}

/** The tenant's code table (defaults with the tenant's fe_features rows in front). */
export interface FeatureCodeDirectory {
  featureCodes(tenantId: number): Promise<FeatureCodeTable>;
}

/** Told of a flow's new state; the presence DeviceStateTracker fits (its flowChanged takes any device state). */
export interface FlowChangeListener {
  flowChanged(tenantId: number, number: string, hint: string, state: FlowState): void;
}

/**
 * SETFLOW's own path, when main.ts hands it over (the services' FlowService fits): a toggle then couples the
 * value and tells BLF subscribers exactly as SETFLOW does. pbx cannot import services, hence the port.
 */
export interface FlowSwitch {
  list(tenantId: number): Promise<ReadonlyArray<{ readonly flow: ObjectRow; readonly state: FlowState }>>;
  set(tenantId: number, number: string, change: { readonly state: string }): Promise<{ readonly state: FlowState }>;
}
