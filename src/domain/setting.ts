// Tenant settings (MiRTA `se_settings`): internal codes such as VMAUTORECOVER.
import { PbxError } from '../shared/index.ts';

export const SETTING_CODE = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
export const MAX_SETTING_VALUE = 4096;

/** Codes are case-insensitive on the wire and stored upper case. */
export function normalizeSettingCode(code: string): string {
  if (!SETTING_CODE.test(code)) {
    throw new PbxError('invalid_parameter', `Invalid setting name '${code}': use letters, digits and '_' (at most 64)`);
  }
  return code.toUpperCase();
}
