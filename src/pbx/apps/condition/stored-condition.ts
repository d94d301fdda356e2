// A condition as the evaluation reads it (spec §3.4.11): its co_type, co_timezone, co_param1..22 and its extended
// infos (ce_conditionextendedinfos, ce_param1..4 per row), all as trimmed text, so evaluators never see null or numbers.
import type { ObjectRow } from '../../../domain/index.ts';

export interface StoredCondition {
  readonly id: number;
  /** co_type, upper-cased (WEEKTIME, CALLERID...). */
  readonly type: string;
  /** co_timezone; '' = the tenant's te_timezone. */
  readonly timeZone: string;
  /** co_param1..co_param22: params[0] is co_param1; '' when empty. */
  readonly params: readonly string[];
  /** The extended infos in ce_id order (the order they were written), each [ce_param1..ce_param4]. */
  readonly infos: ReadonlyArray<readonly string[]>;
}

const PARAMS = 22;
const INFO_PARAMS = 4;

const text = (value: unknown): string => (value === null || value === undefined ? '' : String(value).trim());

export function storedCondition(row: ObjectRow, infoRows: readonly ObjectRow[]): StoredCondition {
  return {
    id: Number(row.co_id),
    type: text(row.co_type).toUpperCase(),
    timeZone: text(row.co_timezone),
    params: Array.from({ length: PARAMS }, (_, i) => text(row[`co_param${i + 1}`])),
    infos: infoRows.map((info) => Array.from({ length: INFO_PARAMS }, (_, i) => text(info[`ce_param${i + 1}`]))),
  };
}

/** co_param<n> (1-based, as the column is named). */
export function param(condition: StoredCondition, n: number): string {
  return condition.params[n - 1] ?? '';
}

/** ce_param<n> of one extended info row (1-based). */
export function infoParam(info: readonly string[], n: number): string {
  return info[n - 1] ?? '';
}
