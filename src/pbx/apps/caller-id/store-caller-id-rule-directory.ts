// The tenant's caller-id modification rules (cm_calleridmods, domain/objects/callerid-modification.ts) in the
// store, as the CALLERIDMOD step reads them. Tenant-scoped: another tenant's rule id reads as absent.
import type { ObjectRow } from '../../../domain/index.ts';
import type { Store } from '../../../store/index.ts';
import type { CallerIdRuleDirectory } from './caller-id-mod.ts';
import type { CallerIdRule } from './caller-id-rule.ts';

const text = (row: ObjectRow, column: string): string => String(row[column] ?? '');

export function callerIdRuleOf(row: ObjectRow): CallerIdRule {
  const strip = Number(row.cm_strip ?? 0);
  return {
    id: Number(row.cm_id),
    match: text(row, 'cm_match'),
    strip: Number.isInteger(strip) ? strip : 0,
    prefix: text(row, 'cm_prefix'),
    number: text(row, 'cm_number'),
    name: text(row, 'cm_calleridname'),
    namePrefix: text(row, 'cm_nameprefix'),
  };
}

export class StoreCallerIdRuleDirectory implements CallerIdRuleDirectory {
  constructor(private readonly store: Store) {}

  async rule(tenantId: number, ruleId: number): Promise<CallerIdRule | undefined> {
    const row = await this.store.objects('calleridmodification').get(tenantId, ruleId);
    return row === undefined ? undefined : callerIdRuleOf(row);
  }
}
