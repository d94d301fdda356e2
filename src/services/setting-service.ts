// Per-tenant settings (MiRTA se_settings): internal codes such as VMAUTORECOVER, by code (SETTING)
// or as rows by id (openapi.php /settings).
import { z } from 'zod';
import { MAX_SETTING_VALUE, SETTING_CODE, normalizeSettingCode } from '../domain/index.ts';
import { PbxError } from '../shared/index.ts';
import type { SettingRow, Store } from '../store/index.ts';

/** The fields of a setting row and their rules (openapi.php documents its bodies with them). */
export const SETTING_FIELDS = {
  se_code: z.string().regex(SETTING_CODE, "letters, digits and '_', starting with a letter, at most 64; stored upper case"),
  se_value: z.string().max(MAX_SETTING_VALUE, `at most ${MAX_SETTING_VALUE} characters`),
};

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
    await this.store.settings.set(tenantId, code, checkValue(code, value));
  }

  /** The rows of one tenant, or of every tenant (null: the admin's view). */
  list(tenantId: number | null): Promise<SettingRow[]> {
    return this.store.settings.list(tenantId);
  }

  /** One row by id; another tenant's reads as not found. */
  async row(tenantId: number | null, id: number): Promise<SettingRow> {
    // A tenant holds a few dozen settings at most: reading them is cheaper than another query shape.
    const row = (await this.store.settings.list(tenantId)).find((r) => r.se_id === id);
    if (!row) throw new PbxError('not_found', `Setting ${id} not found`);
    return row;
  }

  /** A new code for the tenant; one it has already is a conflict (change it by id instead). */
  create(tenantId: number, name: string, value: string): Promise<SettingRow> {
    const code = normalizeSettingCode(name);
    return this.store.settings.insert(tenantId, code, checkValue(code, value));
  }

  async update(tenantId: number, id: number, value: string): Promise<SettingRow> {
    const row = await this.row(tenantId, id);
    await this.store.settings.set(tenantId, row.se_code, checkValue(row.se_code, value));
    return this.row(tenantId, id);
  }

  async remove(tenantId: number, id: number): Promise<void> {
    const row = await this.row(tenantId, id);
    if (!(await this.store.settings.remove(tenantId, row.se_code))) throw new PbxError('not_found', `Setting ${id} not found`);
  }
}

function checkValue(code: string, value: string): string {
  if (value.length > MAX_SETTING_VALUE) {
    throw new PbxError('invalid_parameter', `Invalid value for setting ${code}: at most ${MAX_SETTING_VALUE} characters`);
  }
  return value;
}
