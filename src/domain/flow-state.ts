// The state of a flow's hint (spec §2.6, §2.24, §4.3 "Flow"): the BLF lamp of a numbered flow and how it
// is coupled to the flow's value through fl_value_for_<state>. Pure rules; the service stores the results.
import type { ObjectRow } from './objects/index.ts';

/** The Asterisk device states SETFLOW accepts, in the order of the fl_value_for_* columns (§3.4.24). */
export const FLOW_STATES = ['UNAVAILABLE', 'INUSE', 'NOT_INUSE', 'RINGING'] as const;
export type FlowState = (typeof FLOW_STATES)[number];

const VALUE_COLUMN: Readonly<Record<FlowState, string>> = {
  UNAVAILABLE: 'fl_value_for_unavailable',
  INUSE: 'fl_value_for_inuse',
  NOT_INUSE: 'fl_value_for_notinuse',
  RINGING: 'fl_value_for_ringing',
};

/** What Asterisk reports for a hint nothing has set, and what MiRTA showed for such flows (§2.12 `flow`). */
export const UNKNOWN_FLOW_STATE: FlowState = 'UNAVAILABLE';

export function isFlowState(text: string): text is FlowState {
  return (FLOW_STATES as readonly string[]).includes(text);
}

/** The value a state maps to; '' when the flow leaves it unset (the state then implies no value). */
export function valueForState(flow: ObjectRow, state: FlowState): string {
  return String(flow[VALUE_COLUMN[state]] ?? '');
}

/** A state agrees with a value when it maps to that value or to nothing. */
export function stateAgrees(flow: ObjectRow, state: FlowState, value: string): boolean {
  const mapped = valueForState(flow, state);
  return mapped === '' || mapped === value;
}

/** The first state (column order) whose set value equals `value`. */
function stateMappedTo(flow: ObjectRow, value: string): FlowState | undefined {
  return FLOW_STATES.find((state) => valueForState(flow, state) !== '' && valueForState(flow, state) === value);
}

/**
 * The state a flow shows: the stored one while it agrees with fl_value, else the state fl_value maps to,
 * else UNAVAILABLE. Checking agreement on read keeps the lamp right when fl_value is changed by MANAGEDB or
 * openapi.php, which write the column without touching the stored state.
 */
export function effectiveFlowState(flow: ObjectRow, stored: FlowState | undefined): FlowState {
  const value = String(flow.fl_value ?? '');
  if (stored && stateAgrees(flow, stored, value)) return stored;
  return stateMappedTo(flow, value) ?? UNKNOWN_FLOW_STATE;
}

/**
 * The state after the value becomes `value` (SETFLOW value=): the current state when it maps to exactly that
 * value, else the state that does, else the current one when it maps to nothing, else UNAVAILABLE.
 * An exact mapping wins over a state that merely does not object, so a day/night flow whose
 * UNAVAILABLE maps to nothing still turns INUSE when set to INUSE's value.
 */
export function stateForValue(flow: ObjectRow, current: FlowState, value: string): FlowState {
  if (value !== '' && valueForState(flow, current) === value) return current;
  return stateMappedTo(flow, value) ?? (valueForState(flow, current) === '' ? current : UNKNOWN_FLOW_STATE);
}

/**
 * The hint a flow's state is kept under (st_extension): `<fl_number>-<TENANTCODE>`, the name phones
 * subscribe to as for extensions (`100-ACME`); a flow without a number has no hint, so `FLOW-<fl_id>`
 * (never a number: numbers are digits, * # +).
 */
export function flowHintName(flow: ObjectRow, tenantCode: string): string {
  const number = String(flow.fl_number ?? '');
  return number === '' ? `FLOW-${String(flow.fl_id)}` : `${number}-${tenantCode}`;
}
