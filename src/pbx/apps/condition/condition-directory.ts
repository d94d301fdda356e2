// What the CONDITION step reads of a tenant: conditions with their extended infos, the tenant's time zone, flows'
// states, variables' values and which phonebooks it has. Read from the store per call, as menus are: a schedule edited at noon applies at noon.
import { effectiveFlowState, flowHintName, isFlowState } from '../../../domain/index.ts';
import type { Store } from '../../../store/index.ts';
import type { FlowFacts } from './condition-verdict.ts';
import { storedCondition, type StoredCondition } from './stored-condition.ts';

export interface ConditionDirectory {
  /** The tenant's condition (another tenant's reads as undefined) with its extended infos in the order written. */
  condition(tenantId: number, conditionId: number): Promise<StoredCondition | undefined>;
  /** te_timezone; '' when none is set. */
  timeZone(tenantId: number): Promise<string>;
  /** The tenant's flow with this fl_number, with its hint state; undefined when none, or several share the number. */
  flow(tenantId: number, number: string): Promise<FlowFacts | undefined>;
  /** A variable's value, '' when unset: digits are a tenant variable (tv_al_id), a name a flow's fl_variable_name. */
  variable(tenantId: number, name: string): Promise<string>;
  /** The ids of the tenant's phonebooks in id order (PHONEBOOK checks a named one is the tenant's, or searches them all). */
  phonebookIds(tenantId: number): Promise<number[]>;
}

export class StoreConditionDirectory implements ConditionDirectory {
  constructor(private readonly store: Store) {}

  async condition(tenantId: number, conditionId: number): Promise<StoredCondition | undefined> {
    const row = await this.store.objects('condition').get(tenantId, conditionId);
    if (row === undefined) return undefined;
    return storedCondition(row, await this.store.objects('conditionextendedinfo').list(tenantId, { ce_co_id: conditionId }));
  }

  async timeZone(tenantId: number): Promise<string> {
    return (await this.store.tenants.get(tenantId))?.te_timezone ?? '';
  }

  /** The state as FLOWS and SETFLOW show it (domain/flow-state.ts): the stored lamp while it agrees with fl_value. */
  async flow(tenantId: number, number: string): Promise<FlowFacts | undefined> {
    const flows = await this.store.objects('flow').list(tenantId, { fl_number: number });
    const [flow] = flows;
    // Flows sharing a number share one hint, so which lamp is meant is ambiguous (SETFLOW refuses it too).
    if (flow === undefined || flows.length > 1) return undefined;
    const tenant = await this.store.tenants.get(tenantId);
    if (tenant === undefined) return undefined;
    const stored = await this.store.states.get(tenantId, flowHintName(flow, tenant.te_code));
    const state = effectiveFlowState(flow, stored !== undefined && isFlowState(stored.st_state) ? stored.st_state : undefined);
    return { state, value: String(flow.fl_value ?? '') };
  }

  async variable(tenantId: number, name: string): Promise<string> {
    if (/^\d{1,9}$/.test(name)) {
      const [row] = await this.store.objects('tenantvariable').list(tenantId, { tv_al_id: Number(name) });
      return String(row?.tv_value ?? '');
    }
    // A flow's variable (MiRTA's "Flow & Variables"); several flows writing one variable leave its value unknown.
    const flows = await this.store.objects('flow').list(tenantId, { fl_variable_name: name });
    const [flow] = flows;
    return flow === undefined || flows.length > 1 ? '' : String(flow.fl_value ?? '');
  }

  async phonebookIds(tenantId: number): Promise<number[]> {
    return (await this.store.phonebooks.list(tenantId)).map((book) => book.pb_id).sort((a, b) => a - b);
  }
}
