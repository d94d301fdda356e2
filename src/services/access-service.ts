// Who may do what: a presented key and an optional tenant code become a Caller,
// or a `bad_key` refusal (the API turns that into MiRTA's "Too bad..." text).
import { isTenantDisabled, type Principal, type Tenant } from '../domain/index.ts';
import { PbxError } from '../shared/index.ts';
import type { BadKeyThrottle } from './bad-key-throttle.ts';
import type { KeyService } from './key-service.ts';
import type { TenantService } from './tenant-service.ts';

export interface Caller {
  readonly principal: Principal;
  /** The tenant the request acts on, when one was named (or implied by a tenant key). */
  readonly tenant: Tenant | undefined;
  /** `tenant=%` (or another `%` pattern): several tenants, admin key only; INFO cdrs/simplecdrs use it. */
  readonly tenantPattern?: string;
}

export interface CallerRequest {
  readonly key: string | undefined;
  readonly tenantCode: string | undefined;
  readonly address: string;
  readonly useCache: boolean;
}

export class AccessService {
  constructor(
    private readonly keys: KeyService,
    private readonly tenants: TenantService,
    private readonly throttle: BadKeyThrottle,
  ) {}

  /** Refuses a banned address: the HTTP edge asks first, before it reads the rest of a request. */
  checkAddress(address: string): void {
    this.throttle.check(address);
  }

  /**
   * Judges a key alone, before the rest of a request (its body) is read: an unknown key is refused,
   * and counted against the address, as resolve() would. A known key still goes through resolve().
   */
  async screenKey(key: string, address: string, useCache: boolean): Promise<void> {
    this.throttle.check(address);
    if (!(await this.keys.resolve(key, useCache))) throw this.refuse({ key, tenantCode: undefined, address, useCache }, 'Unknown API key');
  }

  async resolve(request: CallerRequest): Promise<Caller> {
    this.throttle.check(request.address);
    if (!request.key) throw new PbxError('bad_key', 'No API key given');
    const principal = await this.keys.resolve(request.key, request.useCache);
    if (!principal) throw this.refuse(request, 'Unknown API key');

    const code = request.tenantCode?.trim();
    // Tenant codes are letters and digits, so a `%` can only be MiRTA's SQL wildcard (spec §1.2).
    if (code?.includes('%')) {
      if (principal.kind !== 'admin') throw new PbxError('admin_required', `tenant=${code} (several tenants) needs the admin API key`);
      return { principal, tenant: undefined, tenantPattern: code };
    }
    const tenant = code ? await this.tenants.findByCode(code, request.useCache) : undefined;
    if (code && !tenant) throw this.refuse(request, `Unknown tenant ${code}`);

    if (principal.kind === 'tenant') {
      // MiRTA: a tenant key must always name its tenant, and only its own.
      if (!tenant) throw this.refuse(request, 'A tenant key needs the tenant parameter');
      if (tenant.te_id !== principal.tenantId) throw this.refuse(request, `The key does not belong to tenant ${tenant.te_code}`);
      if (isTenantDisabled(tenant)) throw this.refuse(request, `Tenant ${tenant.te_code} is disabled`);
    }
    return { principal, tenant };
  }

  /** A failed credential check other than a key (CHECKAUTH) counts against the address too. */
  recordFailure(address: string): void {
    this.throttle.recordFailure(address);
  }

  /** Counts the failure against the address; the API shows every refusal as MiRTA's bad-key text. */
  private refuse(request: CallerRequest, why: string): PbxError {
    this.throttle.recordFailure(request.address);
    return new PbxError('bad_key', why);
  }
}
