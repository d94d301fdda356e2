// Per-tenant settings (MiRTA se_settings): internal codes such as VMAUTORECOVER.
import { MAX_SETTING_VALUE, normalizeSettingCode } from '../domain/index.ts';
import { PbxError } from '../shared/index.ts';
import type { Store } from '../store/index.ts';

export class SettingService {
  constructor(private readonly store: Store) {}

  async get(tenantId: number, name: string): Promise<string> {
    const code = normalizeSettingCode(name);
    const value = await this.store.settings.get(tenantId, code);
    if (value === undefined) throw new PbxError('not_found', `Setting ${code} is not set for this tenant`);
    return value;
  }

  async set(tenantId: number, name: string, value: string): Promise<void> {
    const code = normalizeSettingCode(name);
    if (value.length > MAX_SETTING_VALUE) {
      throw new PbxError('invalid_parameter', `Invalid value for setting ${code}: at most ${MAX_SETTING_VALUE} characters`);
    }
    await this.store.settings.set(tenantId, code, value);
  }
}
