// The flows the FLOW step reads (fl_flows), from the store, tenant-scoped: another tenant's flow id reads as none.
import type { Store } from '../../../store/index.ts';
import type { FlowDirectory } from './flow-step.ts';

export class StoreFlowDirectory implements FlowDirectory {
  constructor(private readonly store: Store) {}

  async flow(tenantId: number, flowId: number): Promise<{ id: number; name: string } | undefined> {
    const row = await this.store.objects('flow').get(tenantId, flowId);
    return row === undefined ? undefined : { id: Number(row.fl_id), name: String(row.fl_name ?? '') };
  }
}
