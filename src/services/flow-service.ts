// Flows' hint states (spec §2.6 FLOWS, §2.24 SETFLOW, §2.12 INFO flow): reading each flow's state and
// setting a flow's state and/or value, which are coupled through its fl_value_for_<state> columns.
import { effectiveFlowState, flowHintName, isFlowState, stateAgrees, stateForValue, valueForState, type FlowState, type ObjectRow } from '../domain/index.ts';
import { PbxError, formatDateTime, type Clock } from '../shared/index.ts';
import type { HintState, Store } from '../store/index.ts';
import type { ObjectService } from './objects/index.ts';

/** A flow row with its hint: the state it shows, and when and by whom that state was stored (null/'' if never). */
export interface FlowWithState {
  readonly flow: ObjectRow;
  readonly hint: string;
  readonly state: FlowState;
  readonly timestamp: string | null;
  readonly peername: string;
}

export interface FlowChange {
  /** INUSE, NOT_INUSE, UNAVAILABLE or RINGING, any case. */
  readonly state?: string;
  readonly value?: string;
}

/**
 * Told when SETFLOW stores a numbered flow's state: the presence DeviceStateTracker fits (its flowChanged takes
 * any device state, and FlowState is one), so BLF subscribers of the flow's number see the new lamp.
 */
export interface FlowStateListener {
  flowChanged(tenantId: number, number: string, hint: string, state: FlowState): void;
}

// fl_value's column size (domain/objects/flow.ts); checked here so the message names `value`, not the column.
const MAX_VALUE = 255;

export class FlowService {
  private listener: FlowStateListener | undefined;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly objects: ObjectService,
  ) {}

  /** The node's presence tracker once SIP runs; undefined when it stops. */
  attach(listener: FlowStateListener | undefined): void {
    this.listener = listener;
  }

  /** Every flow of the tenant by id, with its state. */
  async list(tenantId: number): Promise<FlowWithState[]> {
    const code = await this.tenantCode(tenantId);
    const stored = new Map((await this.store.states.list(tenantId)).map((s) => [s.st_extension, s]));
    return (await this.objects.list('flow', tenantId)).map((flow) => this.withState(flow, code, stored.get(flowHintName(flow, code))));
  }

  /** One flow (by fl_id) with its state; another tenant's flow is not found. */
  async get(tenantId: number, flowId: number): Promise<FlowWithState> {
    const flow = await this.objects.get('flow', tenantId, flowId);
    const code = await this.tenantCode(tenantId);
    const hint = flowHintName(flow, code);
    return this.withState(flow, code, await this.store.states.get(tenantId, hint));
  }

  /**
   * SETFLOW: a state sets fl_value to the value it maps to (when it maps to one); a value sets the state
   * that maps to it (see stateForValue); both are stored as given when they agree and refused when not.
   * Two writes (the flow, then the state): a reader between them sees the stored state checked against
   * the new value (effectiveFlowState), never a lamp that contradicts fl_value.
   */
  async set(tenantId: number, number: string, change: FlowChange): Promise<{ state: FlowState; value: string }> {
    const state = change.state === undefined ? undefined : parseState(change.state);
    if (state === undefined && change.value === undefined) throw new PbxError('missing_parameter', 'No state or value specified: give state=INUSE|NOT_INUSE|UNAVAILABLE|RINGING and/or value');
    if (change.value !== undefined && change.value.length > MAX_VALUE) throw new PbxError('invalid_parameter', `Invalid value for flow ${number}: at most ${MAX_VALUE} characters`);
    const current = await this.byNumber(tenantId, number);
    const flow = current.flow;
    let next: { state: FlowState; value: string };
    if (state !== undefined && change.value !== undefined) {
      if (!stateAgrees(flow, state, change.value)) {
        throw new PbxError('invalid_parameter', `Invalid value '${change.value}' with state ${state} for flow ${number}: that state sets the value '${valueForState(flow, state)}'`);
      }
      next = { state, value: change.value };
    } else if (state !== undefined) {
      next = { state, value: valueForState(flow, state) || String(flow.fl_value ?? '') };
    } else {
      const value = change.value ?? '';
      next = { state: stateForValue(flow, current.state, value), value };
    }
    if (next.value !== String(flow.fl_value ?? '')) await this.objects.update('flow', tenantId, Number(flow.fl_id), { fl_value: next.value });
    // A flow is no SIP peer, so st_peername stays empty.
    await this.store.states.set(tenantId, { st_extension: current.hint, st_state: next.state, st_timestamp: formatDateTime(this.clock.now()), st_peername: '' });
    this.notify(tenantId, flow, current.hint, next.state);
    return next;
  }

  /**
   * Subscribe by number, so a flow without one has no subscribers to tell. The tracker drops a state it already
   * shows. The state is stored by now: a listener that throws must not turn a done SETFLOW into an error.
   */
  private notify(tenantId: number, flow: ObjectRow, hint: string, state: FlowState): void {
    const number = String(flow.fl_number ?? '');
    if (number === '' || this.listener === undefined) return;
    try {
      this.listener.flowChanged(tenantId, number, hint, state);
    } catch {
      // The lamp stays stale until the next change or re-SUBSCRIBE; the stored state is right.
    }
  }

  private async byNumber(tenantId: number, number: string): Promise<FlowWithState> {
    const flows = await this.objects.list('flow', tenantId, { fl_number: number });
    const [flow] = flows;
    if (!flow) throw new PbxError('not_found', `Flow ${number} not found`);
    // Flows sharing a number would share one hint; which one's value to couple is ambiguous, so refuse.
    if (flows.length > 1) {
      throw new PbxError('conflict', `Flow number ${number} is used by ${flows.length} flows (ids ${flows.map((f) => String(f.fl_id)).join(', ')}); give each its own number`);
    }
    const code = await this.tenantCode(tenantId);
    const hint = flowHintName(flow, code);
    return this.withState(flow, code, await this.store.states.get(tenantId, hint));
  }

  private withState(flow: ObjectRow, code: string, stored: HintState | undefined): FlowWithState {
    const storedState = stored && isFlowState(stored.st_state) ? stored.st_state : undefined;
    return {
      flow,
      hint: flowHintName(flow, code),
      state: effectiveFlowState(flow, storedState),
      timestamp: stored?.st_timestamp ?? null,
      peername: stored?.st_peername ?? '',
    };
  }

  private async tenantCode(tenantId: number): Promise<string> {
    const tenant = await this.store.tenants.get(tenantId);
    if (!tenant) throw new PbxError('not_found', `Tenant ${tenantId} not found`);
    return tenant.te_code;
  }
}

function parseState(text: string): FlowState {
  const state = text.trim().toUpperCase();
  if (!isFlowState(state)) throw new PbxError('invalid_parameter', `Invalid state '${text}': expected INUSE, NOT_INUSE, UNAVAILABLE or RINGING`);
  return state;
}
