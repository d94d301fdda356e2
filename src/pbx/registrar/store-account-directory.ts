// SIP accounts and served domains read from the store: phones authenticate as an extension's username
// (`100-ACME`, MiRTA's convention, on the shared domain) or as its number at the tenant's own SIP domain.
import type { Tenant } from '../../domain/index.ts';
import type { Clock } from '../../shared/index.ts';
import type { SipAccountRow, Store } from '../../store/index.ts';
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
   * How long the tenants (codes, disabled flags, own domains) and the extensions' SIP credentials read from the
   * store are reused. Every REGISTER needs them; they change rarely. A change reaches the registrar within this
   * time, and at once for a phone that answers with a new password (a failed digest reads the account again,
   * register-auth.ts). Default 2 s.
   */
  readonly tenantCacheMs?: number;
}

/** Credentials rows kept at most; past it the expired ones go, or all when none has expired (a flood of names). */
const MAX_CACHED_ACCOUNTS = 200_000;

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
  /** Extension rows by tenant (own domain) or shared domain, and username: unknown names too (undefined). */
  private readonly rows = new Map<string, { readonly readAt: number; readonly row: Promise<SipAccountRow | undefined> }>();
  private reads = 0;

  constructor(private readonly store: Store, private readonly clock: Clock, private readonly options: SharedDomainOptions) {
    this.shared = new Set(options.domains.map((d) => d.toLowerCase()));
  }

  async realmFor(domain: string): Promise<string | undefined> {
    const name = domain.toLowerCase();
    if (await this.tenantByDomain(name)) return name;
    if (this.shared.size === 0 || this.shared.has(name)) return this.options.realm;
    return undefined;
  }

  async findByUsername(username: string, domain: string, fresh = false): Promise<SipAccount | undefined> {
    const own = await this.tenantByDomain(domain.toLowerCase());
    const row = await this.accountRow(own, username, fresh);
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

  /** The extension's row, read at most once per tenantCacheMs unless `fresh`; concurrent lookups share one read. */
  private accountRow(own: Tenant | undefined, username: string, fresh: boolean): Promise<SipAccountRow | undefined> {
    const key = `${own?.te_id ?? ''}\0${username}`;
    const now = this.clock.now().getTime();
    const ttl = this.options.tenantCacheMs ?? 2000;
    const cached = this.rows.get(key);
    if (!fresh && cached !== undefined && now - cached.readAt < ttl) return cached.row;
    // At a tenant's own domain the user part is the extension number (or its full username).
    const row = own ? this.store.sipAccounts.findInTenant(own.te_id, username) : this.store.sipAccounts.findByUsername(username);
    // Expired rows go every 10,000 reads, so the cache holds about what the last tenantCacheMs used.
    if (++this.reads % 10_000 === 0 || this.rows.size >= MAX_CACHED_ACCOUNTS) {
      for (const [name, entry] of this.rows) if (now - entry.readAt >= ttl) this.rows.delete(name);
      if (this.rows.size >= MAX_CACHED_ACCOUNTS) this.rows.clear();
    }
    const entry = { readAt: now, row };
    this.rows.set(key, entry);
    // A failed read is not kept: the next REGISTER tries again.
    row.catch(() => {
      if (this.rows.get(key) === entry) this.rows.delete(key);
    });
    return row;
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
