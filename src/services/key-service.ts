// API keys: creation (shown once), rotation, listing, and resolving a presented
// key to its holder. Keys are looked up by SHA-256, never stored in clear.
import type { ApiKeyRecord, KeyScope, Principal } from '../domain/index.ts';
import { PbxError, digestsEqual, formatDateTime, newApiKey, sha256Hex, type Clock } from '../shared/index.ts';
import type { Store } from '../store/index.ts';
import { TtlCache } from './ttl-cache.ts';

export interface IssuedKey {
  readonly id: number;
  readonly scope: KeyScope;
  readonly tenantId: number | null;
  /** The key itself: returned once, at creation; only its hash is kept. */
  readonly key: string;
}

export type KeyListing = Omit<ApiKeyRecord, 'ak_hash'>;

export class KeyService {
  // Presented-key hash -> holder, for a few seconds: every API request resolves
  // its key, and the hot read path should not pay a query for it. Writes made
  // through this service clear it; `cache=no` bypasses it.
  private readonly cache: TtlCache<Principal | undefined>;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    cacheMs: number,
  ) {
    this.cache = new TtlCache(clock, cacheMs);
  }

  resolve(presented: string, useCache = true): Promise<Principal | undefined> {
    const hash = sha256Hex(presented);
    return this.cache.get(
      hash,
      async () => {
        const record = await this.store.apiKeys.findByHash(hash);
        // The index lookup already matched; the constant-time comparison guards
        // against an engine that compares case- or collation-insensitively.
        return record && digestsEqual(record.ak_hash, hash) ? toPrincipal(record) : undefined;
      },
      useCache,
    );
  }

  async create(scope: KeyScope, tenantId: number | null): Promise<IssuedKey> {
    if ((scope === 'admin') !== (tenantId === null)) {
      throw new PbxError('invalid_parameter', scope === 'admin' ? 'An admin key belongs to no tenant' : `A ${scope} key needs a tenant`);
    }
    const key = newApiKey();
    const record = await this.store.apiKeys.add({ tenantId, scope, hash: sha256Hex(key), hint: key.slice(-4), createdAt: formatDateTime(this.clock.now()) });
    this.cache.clear();
    return { id: record.ak_id, scope, tenantId, key };
  }

  /** Revokes every key of the scope and issues one new key. */
  async rotate(scope: KeyScope, tenantId: number | null): Promise<IssuedKey & { revoked: number }> {
    // The new key exists before the old ones go: a failure never leaves the scope without a key.
    const issued = await this.create(scope, tenantId);
    const revoked = await this.store.apiKeys.revokeScope(tenantId, scope, issued.id);
    this.cache.clear();
    return { ...issued, revoked };
  }

  async list(tenantId?: number | null): Promise<KeyListing[]> {
    const records = await this.store.apiKeys.list(tenantId);
    return records.map(({ ak_hash: _hash, ...listing }) => listing);
  }

  async hasAdminKey(): Promise<boolean> {
    return (await this.store.apiKeys.list(null)).some((k) => k.ak_scope === 'admin');
  }

  forget(): void {
    this.cache.clear();
  }
}

function toPrincipal(record: ApiKeyRecord): Principal {
  if (record.ak_scope === 'admin' || record.ak_te_id === null) return { kind: 'admin' };
  return { kind: 'tenant', tenantId: record.ak_te_id, readOnly: record.ak_scope === 'readonly' };
}
