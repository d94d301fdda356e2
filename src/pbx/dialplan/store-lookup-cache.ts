// A short-lived memory of store reads on the call path (CALLGRID_LOOKUP_CACHE_SECONDS): a call setup reads the same
// extension rows and tenant settings several times, and a busy node places calls to the same extensions many times a
// second, while those rows change rarely. Entries hold the read's promise, so reads that overlap share one query.
import type { Clock } from '../../shared/index.ts';

export class StoreLookupCache<V> {
  private readonly entries = new Map<string, { readonly until: number; readonly value: Promise<V> }>();

  /** `ttlMs` 0 (or less) reads through every time: nothing is kept. */
  constructor(
    private readonly clock: Clock,
    readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  /** The value kept under `key` if younger than the TTL, else `load()`'s, kept from now. */
  read(key: string, load: (readAt: number) => Promise<V>): Promise<V> {
    if (!this.enabled) return load(this.clock.now().getTime());
    const now = this.clock.now().getTime();
    const hit = this.entries.get(key);
    if (hit !== undefined && hit.until > now) return hit.value;
    const value = load(now);
    this.keep(key, value, now);
    // A failed read is not kept: the next call reads again rather than failing for the whole TTL.
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }

  /** Keeps a value read at `readAt` (another key's read that answers this key too); it expires with that read. */
  keep(key: string, value: Promise<V>, readAt: number): void {
    if (!this.enabled) return;
    this.entries.delete(key);
    // Bounded: the oldest entry (Map keeps insertion order) makes room; expired ones go as they are met again.
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { until: readAt + this.ttlMs, value });
  }

  /** Drops the entries whose key starts with `prefix` (all of them without one): a change made on this node. */
  forget(prefix?: string): void {
    if (prefix === undefined) {
      this.entries.clear();
      return;
    }
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
