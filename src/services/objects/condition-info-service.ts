// A condition's extended infos (spec §3.4.11, table ce_conditionextendedinfos): its schedule or value
// list, one row per entry ({"param1":"1","param2":"8:00","param3":"13:00"} = Monday 8:00-13:00).
import { MAX_EXTENDED_INFOS, schemaOf, type ObjectRow } from '../../domain/index.ts';
import { PbxError, isPbxError } from '../../shared/index.ts';
import type { Store } from '../../store/index.ts';
import { parsePayload } from './object-payload.ts';
import { orderedEntries } from './ordered-entries.ts';

export class ConditionInfoService {
  constructor(private readonly store: Store) {}

  async list(tenantId: number, conditionId: number): Promise<ObjectRow[]> {
    await this.condition(tenantId, conditionId);
    return this.store.objects('conditionextendedinfo').list(tenantId, { ce_co_id: conditionId });
  }

  /** Replaces every extended info of a condition, validated like any object write; answers the new rows. */
  async replace(tenantId: number, conditionId: number, input: unknown): Promise<ObjectRow[]> {
    await this.condition(tenantId, conditionId);
    const schema = schemaOf('conditionextendedinfo');
    const rows = orderedEntries(input, 'extended infos', MAX_EXTENDED_INFOS).map((entry, index) => {
      try {
        return { ...parsePayload(schema, entry, 'create', { ce_co_id: conditionId, ce_te_id: tenantId }), ce_co_id: conditionId };
      } catch (error) {
        // Name the entry, so a long schedule's bad line is found.
        throw isPbxError(error) ? new PbxError(error.code, `${error.message} (entry ${index + 1})`) : error;
      }
    });
    await this.store.objects('conditionextendedinfo').replaceWhere(tenantId, { ce_co_id: conditionId }, rows);
    return this.list(tenantId, conditionId);
  }

  private async condition(tenantId: number, conditionId: number): Promise<void> {
    if (!(await this.store.objects('condition').get(tenantId, conditionId))) throw new PbxError('not_found', `Condition ${conditionId} not found`);
  }
}
