// SIP accounts and served domains read from the store: phones authenticate as an extension's username
// (`100-ACME`, MiRTA's convention, on the shared domain) or as its number at the tenant's own SIP domain.
import type { Tenant } from '../../domain/index.ts';
import type { Clock } from '../../shared/index.ts';
import type { Store } from '../../store/index.ts';
import type { SipAccount, SipAccountDirectory, SipDomainPolicy } from './ports.ts';

export interface SharedDomainOptions {
  /** The digest realm of the shared domain (tenant domains use their own name). */
  readonly realm: string;
  /**
   * The shared domain's names. Empty: every name that is not a tenant's own domain is the shared one
   * (a single-host install reached by IP address or any DNS name).
   */
  readonly domains: readonly string[];
  /**
   * How long the tenants (codes, disabled flags, own domains) read from the store are reused. Every REGISTER
   * needs them twice; tenants change rarely. A change reaches the registrar within this time. Default 2 s.
   */
  readonly tenantCacheMs?: number;
}

// Only extensions that are SIP phones register; CUSTOM and VIRTUAL ones have no device.
const REGISTERING_TECHS = new Set(['SIP', 'PJSIP']);

interface TenantSnapshot {
  readonly readAt: number;
  readonly byId: ReadonlyMap<number, Tenant>;
  readonly byDomain: ReadonlyMap<string, Tenant>;
}

export class StoreAccountDirectory implements SipAccountDirectory, SipDomainPolicy {
  private readonly shared: ReadonlySet<string>;
  private snapshot: Promise<TenantSnapshot> | undefined;

  constructor(private readonly store: Store, private readonly clock: Clock, private readonly options: SharedDomainOptions) {
    this.shared = new Set(options.domains.map((d) => d.toLowerCase()));
  }

  async realmFor(domain: string): Promise<string | undefined> {
    const name = domain.toLowerCase();
    if (await this.tenantByDomain(name)) return name;
    if (this.shared.size === 0 || this.shared.has(name)) return this.options.realm;
    return undefined;
  }

  async findByUsername(username: string, domain: string): Promise<SipAccount | undefined> {
    const own = await this.tenantByDomain(domain.toLowerCase());
    // At a tenant's own domain the user part is the extension number (or its full username).
    const row = own ? await this.store.sipAccounts.findInTenant(own.te_id, username) : await this.store.sipAccounts.findByUsername(username);
    const tenant: Tenant | undefined = own ?? (row ? (await this.tenants()).byId.get(Number(row.ex_te_id)) : undefined);
    if (!row || !tenant || tenant.te_disabled === 'on' || !REGISTERING_TECHS.has(String(row.ex_tech))) return undefined;
    // An extension without a secret (written around the service's rules, e.g. a bulk import) must not
    // register with an empty password: it has no account until it gets one.
    if (!row.ex_secret) return undefined;
    return {
      tenantId: tenant.te_id,
      extensionId: Number(row.ex_id),
      number: String(row.ex_number),
      username,
      password: row.ex_secret,
      ...(own ? { realm: domain.toLowerCase() } : { realm: this.options.realm }),
    };
  }

  private async tenantByDomain(domain: string): Promise<Tenant | undefined> {
    return domain === '' ? undefined : (await this.tenants()).byDomain.get(domain);
  }

  /** All tenants, read at most once per tenantCacheMs; concurrent REGISTERs share one read. */
  private async tenants(): Promise<TenantSnapshot> {
    const now = this.clock.now().getTime();
    const current = this.snapshot;
    if (current && now - (await current).readAt < (this.options.tenantCacheMs ?? 2000)) return current;
    if (this.snapshot !== current) return this.snapshot as Promise<TenantSnapshot>;
    const next = this.store.tenants.list().then((all): TenantSnapshot => ({
      readAt: now,
      byId: new Map(all.map((t) => [t.te_id, t])),
      byDomain: new Map(all.filter((t) => t.te_sipdomain !== '').map((t) => [t.te_sipdomain, t])),
    }));
    // A failed read is not kept: the next REGISTER tries again.
    next.catch(() => {
      if (this.snapshot === next) this.snapshot = undefined;
    });
    this.snapshot = next;
    return next;
  }
}
