// Feature-code actions over the store: ex_dnd on the caller's extension row, and flow toggles with SETFLOW's
// coupling of state and value (domain/flow-state.ts), either through SETFLOW's own service or replicated here.
import { effectiveFlowState, flowHintName, isFlowState, parseTarget, valueForState, type FlowState, type ObjectRow } from '../../../domain/index.ts';
import { formatDateTime, PbxError, type Clock } from '../../../shared/index.ts';
import type { Store } from '../../../store/index.ts';
import type { StoreExtensionRows } from '../../dialplan/index.ts';
import type { FeatureActions, FeatureCodeDirectory, FlowChangeListener, FlowSwitch } from './feature-actions.ts';
import { DEFAULT_FEATURE_CODES, looksLikeFeatureCode, type FeatureCodeTable, type TenantFeatureCode } from './feature-code.ts';

export interface StoreFeatureActionsOptions {
  /** SETFLOW's service: when given, flow toggles go through it (one path, one notification). */
  readonly flows?: FlowSwitch;
  /** Without `flows`: told of each flow state written here, so BLF lamps follow. */
  readonly flowChanged?: FlowChangeListener;
  /** The defaults the tenant's codes are laid over. */
  readonly defaults?: FeatureCodeTable;
  /** The call path's kept extension rows: a DND set here reaches the next call at once. */
  readonly extensions?: Pick<StoreExtensionRows, 'forget'>;
}

/** A toggle lights a dark lamp and darkens a lit one; UNAVAILABLE and RINGING count as dark. */
export function toggledFlowState(current: FlowState): FlowState {
  return current === 'INUSE' ? 'NOT_INUSE' : 'INUSE';
}

export class StoreFeatureActions implements FeatureActions, FeatureCodeDirectory {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly options: StoreFeatureActionsOptions = {},
  ) {}

  async setDnd(tenantId: number, extensionId: number, on: boolean | 'toggle'): Promise<boolean> {
    const table = this.store.objects('extension');
    const row = await table.get(tenantId, extensionId);
    if (row === undefined) throw new PbxError('not_found', `Extension ${extensionId} not found`);
    // The dialplan reads ex_dnd === 'on' (store-call-directory.ts); flags are stored as 'on' or ''.
    const next = on === 'toggle' ? row.ex_dnd !== 'on' : on;
    const value = next ? 'on' : '';
    if (String(row.ex_dnd ?? '') !== value) {
      await table.update(tenantId, extensionId, { ex_dnd: value });
      this.options.extensions?.forget(tenantId);
    }
    return next;
  }

  async toggleFlow(tenantId: number, number: string, state?: FlowState): Promise<FlowState | undefined> {
    const flows = this.options.flows;
    if (flows !== undefined) {
      const found = (await flows.list(tenantId)).filter((f) => String(f.flow.fl_number ?? '') === number);
      const [only] = found;
      if (only === undefined || found.length > 1) return undefined;
      return (await flows.set(tenantId, number, { state: state ?? toggledFlowState(only.state) })).state;
    }
    return this.toggleInStore(tenantId, number, state);
  }

  /** The tenant's codes: each fe_features row whose FEATURE slot starts with FLOW-<id> toggles that flow. */
  async featureCodes(tenantId: number): Promise<FeatureCodeTable> {
    const defaults = this.options.defaults ?? DEFAULT_FEATURE_CODES;
    const rows = await this.store.objects('featurecode').list(tenantId);
    const tenant: TenantFeatureCode[] = [];
    for (const row of rows) {
      const code = String(row.fe_code ?? '');
      if (!looksLikeFeatureCode(code)) continue;
      tenant.push({ code, action: await this.actionOf(tenantId, row) });
    }
    return { ...defaults, tenant: [...tenant, ...defaults.tenant] };
  }

  private async actionOf(tenantId: number, row: ObjectRow): Promise<TenantFeatureCode['action']> {
    const slot = await this.store.objects('destination').list(tenantId, { de_type_src: 'FEATURE', de_type_id_src: Number(row.fe_id) });
    const first = [...slot].sort((a, b) => Number(a.de_ord ?? 0) - Number(b.de_ord ?? 0))[0];
    if (first === undefined) return undefined;
    const target = parseTarget(`${String(first.de_type_dst)}-${String(first.de_type_id_dst)}`);
    // Only a flow target is an action Callgrid runs from a phone today; any other keeps the code the tenant's.
    if (!target.ok || target.target.tag !== 'FLOW') return undefined;
    const flow = await this.store.objects('flow').get(tenantId, target.target.id);
    const number = String(flow?.fl_number ?? '');
    return number === '' ? undefined : { kind: 'flow', number, value: 'toggle' };
  }

  /** FlowService.set with a state, through the store: value coupled to the state, the state stored, then told. */
  private async toggleInStore(tenantId: number, number: string, state: FlowState | undefined): Promise<FlowState | undefined> {
    const tenant = await this.store.tenants.get(tenantId);
    if (tenant === undefined) return undefined;
    const table = this.store.objects('flow');
    const flows = await table.list(tenantId, { fl_number: number });
    const [flow] = flows;
    // Flows sharing a number share one hint, so which one to switch is ambiguous: refused, as SETFLOW does.
    if (flow === undefined || flows.length > 1) return undefined;
    const hint = flowHintName(flow, tenant.te_code);
    const stored = await this.store.states.get(tenantId, hint);
    const current = effectiveFlowState(flow, stored !== undefined && isFlowState(stored.st_state) ? stored.st_state : undefined);
    const next = state ?? toggledFlowState(current);
    const value = valueForState(flow, next) || String(flow.fl_value ?? '');
    if (value !== String(flow.fl_value ?? '')) await table.update(tenantId, Number(flow.fl_id), { fl_value: value });
    await this.store.states.set(tenantId, { st_extension: hint, st_state: next, st_timestamp: formatDateTime(this.clock.now()), st_peername: '' });
    this.options.flowChanged?.flowChanged(tenantId, number, hint, next);
    return next;
  }
}
