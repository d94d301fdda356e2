// A caller id number column (ex_cidnum, the trunk overrides, pr_callerid): what a carrier is shown in From and
// P-Asserted-Identity. Digits with an optional leading `+`, so a tenant cannot write URI or header syntax into
// what goes to the carrier (`999@attacker>;tag=forged` once did); the SIP side escapes it as well.
import type { ObjectRow } from '../../domain/index.ts';
import { PbxError } from '../../shared/index.ts';

const CALLER_ID_NUMBER = /^\+?[0-9]{1,32}$/;

/** Throws invalid_parameter naming the column when a set caller id number is not `+` and digits. */
export function checkCallerIdNumbers(row: ObjectRow, columns: readonly string[], what: string): void {
  for (const column of columns) {
    const value = row[column];
    if (value === undefined || value === null || value === '') continue;
    if (!CALLER_ID_NUMBER.test(String(value))) {
      throw new PbxError('invalid_parameter', `Invalid ${column} for ${what}: a caller id number is digits with an optional leading + (at most 32)`);
    }
  }
}
