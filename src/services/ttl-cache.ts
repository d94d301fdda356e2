// A small time-bounded cache for hot lookups (tenant by code) on the API path.
import type { Clock } from '../shared/index.ts';

export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expires: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  async get(key: string, load: () => Promise<V>, useCache = true): Promise<V> {
    const now = this.clock.now().getTime();
    const hit = useCache ? this.entries.get(key) : undefined;
    if (hit && hit.expires > now) return hit.value;
    const value = await load();
    if (this.ttlMs > 0) {
      if (this.entries.size >= this.maxEntries) this.entries.clear();
      this.entries.set(key, { value, expires: now + this.ttlMs });
    }
    return value;
  }

  clear(): void {
    this.entries.clear();
  }
}
