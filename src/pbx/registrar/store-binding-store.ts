// The BindingStore on the Store's rg_registrations table: bindings survive a restart and, on PostgreSQL,
// are seen by every node sharing the database. Reads of one extension's bindings and all writes go through the
// process's LocationCache (memory first, the store written behind within its flush bound).
import type { RegistrationRepository } from '../../store/index.ts';
import { LocationCache, type LocationCacheOptions } from './location-cache.ts';
import type { Binding, BindingStore, Reachability } from './ports.ts';

/**
 * A put changes the location table in memory and resolves at once; the store gets it within the cache's flushMs
 * (100 ms by default), grouped with the other writes of that time in one transaction, since a commit costs far
 * more than the upsert in it. Every instance over the same repository shares one cache, so the API's view
 * (list: the store, after the queued writes) and the registrar's agree. flush() writes the queue out (a graceful
 * stop calls it before closing the store).
 */
export class StoreBindingStore implements BindingStore {
  private readonly cache: LocationCache;

  constructor(rows: RegistrationRepository, options: LocationCacheOptions = {}) {
    this.cache = LocationCache.for(rows, options);
  }

  list(tenantId?: number): Promise<Binding[]> {
    return this.cache.list(tenantId);
  }

  listForAccount(tenantId: number, extensionId: number): Promise<Binding[]> {
    return this.cache.listForAccount(tenantId, extensionId);
  }

  async put(binding: Binding): Promise<void> {
    this.cache.put(binding);
  }

  remove(tenantId: number, extensionId: number, contactUri: string): Promise<Binding | undefined> {
    return this.cache.remove(tenantId, extensionId, contactUri);
  }

  removeAll(tenantId: number, extensionId: number): Promise<Binding[]> {
    return this.cache.removeAll(tenantId, extensionId);
  }

  removeExpired(now: Date): Promise<Binding[]> {
    return this.cache.removeExpired(now);
  }

  setReachability(tenantId: number, extensionId: number, contactUri: string, reachability: Reachability): Promise<Binding | undefined> {
    return this.cache.setReachability(tenantId, extensionId, contactUri, reachability);
  }

  /** Resolves once every write made so far is in the store. */
  flush(): Promise<void> {
    return this.cache.flush();
  }
}

