// First start: an admin key and a demo tenant with its keys, so a new install is
// usable at once. Runs only while no admin key exists.
import type { KeyService } from './key-service.ts';
import type { TenantService } from './tenant-service.ts';

export interface FirstStartCredentials {
  readonly adminKey: string;
  readonly tenant: { readonly code: string; readonly fullKey: string; readonly readOnlyKey: string } | undefined;
}

export class BootstrapService {
  constructor(
    private readonly keys: KeyService,
    private readonly tenants: TenantService,
  ) {}

  /** Returns the new keys on the first start, undefined on every later one. */
  async firstStart(demoTenantCode: string | undefined): Promise<FirstStartCredentials | undefined> {
    if (await this.keys.hasAdminKey()) return undefined;
    const admin = await this.keys.create('admin', null);
    if (!demoTenantCode) return { adminKey: admin.key, tenant: undefined };
    const existing = await this.tenants.findByCode(demoTenantCode, false);
    const created = existing ? undefined : await this.tenants.create({ te_code: demoTenantCode, te_name: 'Demo tenant' });
    if (!created) return { adminKey: admin.key, tenant: undefined };
    return {
      adminKey: admin.key,
      tenant: { code: created.tenant.te_code, fullKey: created.fullKey.key, readOnlyKey: created.readOnlyKey.key },
    };
  }
}
