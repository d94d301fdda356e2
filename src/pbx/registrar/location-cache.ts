// The registrar's location table in memory over rg_registrations (RFC 3261 §10.3 location service): reads of an
// extension's bindings are answered from memory, and writes change memory at once and reach the store behind, in
// batches, within `flushMs`. One cache per registrations repository, so every StoreBindingStore of a process sees
// the same bindings, flushed or not.
import type { Logger } from '../../shared/index.ts';
import type { RegistrationRepository, RegistrationRow } from '../../store/index.ts';
import type { Binding, Reachability } from './ports.ts';
import { copyBinding, toBinding, toRow } from './registration-row.ts';

export interface LocationCacheOptions {
  /**
   * The longest a write waits in memory before it is written to the store (the durability bound: a crash loses at
   * most this much; a graceful stop flushes everything). Default 100 ms.
   */
  readonly flushMs?: number;
  /** Queued writes that start a flush at once, whatever flushMs says. Default 2,000. */
  readonly maxBatch?: number;
  /**
   * How long an extension's bindings read from the store are trusted before being read again: the longest another
   * node of a cluster (or a cascade delete in the database) goes unseen here. Default 10 s.
   */
  readonly ttlMs?: number;
  readonly logger?: Logger;
}

/** A queued write, by binding key; the latest wins. `replace`: a delete then a put (keeps no old rg_registered). */
type Write =
  | { readonly kind: 'put' | 'replace'; readonly row: RegistrationRow }
  | { readonly kind: 'delete'; readonly tenantId: number; readonly extensionId: number; readonly contactUri: string }
  | { readonly kind: 'reach'; readonly tenantId: number; readonly extensionId: number; readonly contactUri: string; readonly reachability: Reachability };

interface Account {
  readonly bindings: Map<string, Binding>;
  readonly validUntil: number;
}

const accountKey = (tenantId: number, extensionId: number): string => `${tenantId}\0${extensionId}`;

const caches = new WeakMap<RegistrationRepository, LocationCache>();

export class LocationCache {
  private readonly accounts = new Map<string, Account>();
  /** Queued writes by account, then by contact URI (the latest wins); `inflight`: the batch being written. */
  private pending = new Map<string, Map<string, Write>>();
  private pendingCount = 0;
  private inflight: Map<string, Map<string, Write>> | undefined;
  private writing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Loads in flight per account, and accounts written while one was: such a load is returned but not kept. */
  private readonly loading = new Map<string, number>();
  private readonly dirtied = new Set<string>();
  private readonly flushMs: number;
  private readonly maxBatch: number;
  private readonly ttlMs: number;
  private logger: Logger | undefined;

  /** The cache of `rows`, made on first use with these options (a later caller's options only add a logger). */
  static for(rows: RegistrationRepository, options: LocationCacheOptions = {}): LocationCache {
    let cache = caches.get(rows);
    if (cache === undefined) {
      cache = new LocationCache(rows, options);
      caches.set(rows, cache);
    }
    cache.logger ??= options.logger;
    return cache;
  }

  private constructor(private readonly rows: RegistrationRepository, options: LocationCacheOptions) {
    this.flushMs = options.flushMs ?? 100;
    this.maxBatch = options.maxBatch ?? 2000;
    this.ttlMs = options.ttlMs ?? 10_000;
    this.logger = options.logger;
  }

  async listForAccount(tenantId: number, extensionId: number): Promise<Binding[]> {
    const key = accountKey(tenantId, extensionId);
    const held = this.valid(key);
    if (held !== undefined) return [...held.bindings.values()].map((b) => copyBinding(b));
    this.loading.set(key, (this.loading.get(key) ?? 0) + 1);
    try {
      // The store may not have this process's latest writes yet: those queued or being written are laid over what
      // it answers, both as they were before the read and as they are after it (a write is idempotent), so a read
      // never waits for a flush.
      const queued = [this.inflight?.get(key), this.pending.get(key)];
      const validUntil = performance.now() + this.ttlMs;
      const bindings = new Map((await this.rows.listForAccount(tenantId, extensionId)).map((row) => [row.rg_contact_uri, toBinding(row)]));
      for (const writes of [...queued, this.inflight?.get(key), this.pending.get(key)]) if (writes !== undefined) overlay(bindings, writes);
      if (!this.dirtied.has(key)) this.accounts.set(key, { bindings: new Map([...bindings].map(([uri, b]) => [uri, copyBinding(b)])), validUntil });
      return [...bindings.values()];
    } finally {
      const left = (this.loading.get(key) ?? 1) - 1;
      if (left > 0) this.loading.set(key, left);
      else {
        this.loading.delete(key);
        this.dirtied.delete(key);
      }
    }
  }

  /** Every binding of the store (every node's), after this process's writes reached it. */
  async list(tenantId?: number): Promise<Binding[]> {
    await this.flush();
    return (await this.rows.list(tenantId)).map(toBinding);
  }

  put(binding: Binding): void {
    const key = accountKey(binding.tenantId, binding.extensionId);
    this.touch(key);
    const held = this.accounts.get(key);
    // As the store's upsert: a replaced binding keeps its first registration time.
    const existing = held?.bindings.get(binding.contactUri);
    const stored = existing === undefined ? copyBinding(binding) : copyBinding(binding, { registeredAt: existing.registeredAt });
    held?.bindings.set(binding.contactUri, stored);
    const before = this.pending.get(key)?.get(binding.contactUri);
    const kind = before?.kind === 'delete' || before?.kind === 'replace' ? 'replace' : 'put';
    this.queue(key, binding.contactUri, { kind, row: toRow(stored) });
  }

  async remove(tenantId: number, extensionId: number, contactUri: string): Promise<Binding | undefined> {
    const key = accountKey(tenantId, extensionId);
    this.touch(key);
    const held = this.valid(key);
    if (held !== undefined) {
      const found = held.bindings.get(contactUri);
      if (found === undefined) return undefined;
      held.bindings.delete(contactUri);
      this.queue(key, contactUri, { kind: 'delete', tenantId, extensionId, contactUri });
      return copyBinding(found);
    }
    this.accounts.delete(key);
    await this.flush();
    const row = await this.rows.remove(tenantId, extensionId, contactUri);
    return row && toBinding(row);
  }

  async removeAll(tenantId: number, extensionId: number): Promise<Binding[]> {
    const key = accountKey(tenantId, extensionId);
    this.touch(key);
    this.accounts.delete(key);
    await this.flush();
    return (await this.rows.removeAll(tenantId, extensionId)).map(toBinding);
  }

  /** Removes the due bindings from the store (every node's) and from memory; forgets accounts no longer trusted. */
  async removeExpired(now: Date): Promise<Binding[]> {
    await this.flush();
    const removed = (await this.rows.removeExpired(now.toISOString())).map(toBinding);
    const at = now.getTime();
    const clock = performance.now();
    for (const [key, account] of this.accounts) {
      for (const [uri, binding] of account.bindings) if (binding.expiresAt.getTime() <= at) account.bindings.delete(uri);
      // Memory holds what was used lately, not every phone ever seen.
      if (account.validUntil <= clock || account.bindings.size === 0) this.accounts.delete(key);
    }
    return removed;
  }

  async setReachability(tenantId: number, extensionId: number, contactUri: string, reachability: Reachability): Promise<Binding | undefined> {
    const key = accountKey(tenantId, extensionId);
    this.touch(key);
    const held = this.valid(key);
    if (held === undefined) {
      this.accounts.delete(key);
      await this.flush();
      const row = await this.rows.setReachability(tenantId, extensionId, contactUri, reachability.lastRttMs, reachability.reachable);
      return row && toBinding(row);
    }
    const found = held.bindings.get(contactUri);
    if (found === undefined) return undefined;
    const updated: Binding = copyBinding(found, { lastRttMs: reachability.lastRttMs, reachable: reachability.reachable });
    held.bindings.set(contactUri, updated);
    const before = this.pending.get(key)?.get(contactUri);
    // A put still queued carries the new values; otherwise an UPDATE, which cannot bring back a deleted row.
    if (before?.kind === 'put' || before?.kind === 'replace') this.queue(key, contactUri, { kind: before.kind, row: toRow(updated) });
    else this.queue(key, contactUri, { kind: 'reach', tenantId, extensionId, contactUri, reachability });
    return copyBinding(updated);
  }

  /** Writes everything queued so far to the store; resolves once it is there (or its failure was logged). */
  async flush(): Promise<void> {
    while (this.writing !== undefined) await this.writing;
    if (this.pendingCount === 0) return;
    const writing = this.write().finally(() => {
      this.writing = undefined;
    });
    this.writing = writing;
    await writing;
  }

  /** Queued writes not yet in the store (for tests and gauges). */
  get queued(): number {
    return this.pendingCount;
  }

  private valid(key: string): Account | undefined {
    const held = this.accounts.get(key);
    return held !== undefined && held.validUntil > performance.now() ? held : undefined;
  }

  private touch(key: string): void {
    if (this.loading.has(key)) this.dirtied.add(key);
  }

  private queue(key: string, contactUri: string, write: Write): void {
    let writes = this.pending.get(key);
    if (writes === undefined) {
      writes = new Map();
      this.pending.set(key, writes);
    }
    if (!writes.has(contactUri)) this.pendingCount++;
    writes.set(contactUri, write);
    if (this.pendingCount >= this.maxBatch) this.flushSoon(0);
    else this.flushSoon(this.flushMs);
  }

  private flushSoon(ms: number): void {
    if (this.timer !== undefined && ms > 0) return;
    clearTimeout(this.timer);
    // Unref'd: a pending flush does not keep a process alive; a graceful stop flushes explicitly.
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush().catch((error: unknown) => this.logger?.error({ err: error }, 'registrar: writing bindings to the store failed'));
    }, ms).unref();
  }

  private async write(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = new Map();
    this.pendingCount = 0;
    this.inflight = batch;
    try {
      await this.writeBatch(batch);
    } finally {
      this.inflight = undefined;
    }
  }

  private async writeBatch(batch: ReadonlyMap<string, ReadonlyMap<string, Write>>): Promise<void> {
    const puts: RegistrationRow[] = [];
    const later: Write[] = [];
    for (const writes of batch.values()) {
      for (const write of writes.values()) {
        if (write.kind === 'put' || write.kind === 'replace') puts.push(write.row);
        if (write.kind !== 'put') later.push(write);
      }
    }
    // Deletes first (a replace's too), then the puts, then reachability updates of rows the puts did not carry.
    for (const write of later) {
      if (write.kind === 'delete' || write.kind === 'replace') {
        const [tenantId, extensionId, contactUri] = write.kind === 'delete' ? [write.tenantId, write.extensionId, write.contactUri] : [write.row.rg_te_id, write.row.rg_ex_id, write.row.rg_contact_uri];
        await this.rows.remove(tenantId, extensionId, contactUri).catch((error: unknown) => this.failed(error, tenantId, extensionId));
      }
    }
    if (puts.length > 0) {
      try {
        await this.rows.putMany(puts);
      } catch {
        // One bad row (its extension deleted meanwhile: a foreign key error) must not lose the others.
        for (const row of puts) await this.rows.put(row).catch((error: unknown) => this.failed(error, row.rg_te_id, row.rg_ex_id));
      }
    }
    for (const write of later) {
      if (write.kind !== 'reach') continue;
      const { tenantId, extensionId, contactUri, reachability } = write;
      await this.rows.setReachability(tenantId, extensionId, contactUri, reachability.lastRttMs, reachability.reachable).catch((error: unknown) => this.failed(error, tenantId, extensionId));
    }
  }

  /** A write the store refused: logged, and the account is read from the store again next time. */
  private failed(error: unknown, tenantId: number, extensionId: number): void {
    this.accounts.delete(accountKey(tenantId, extensionId));
    this.logger?.warn({ err: error, tenantId, extensionId }, 'registrar: a binding could not be written to the store');
  }
}

/** Lays queued writes of one account over its bindings as read from the store. */
function overlay(bindings: Map<string, Binding>, writes: ReadonlyMap<string, Write>): void {
  for (const [uri, write] of writes) {
    if (write.kind === 'delete') bindings.delete(uri);
    else if (write.kind === 'reach') {
      const found = bindings.get(uri);
      if (found !== undefined) bindings.set(uri, copyBinding(found, { lastRttMs: write.reachability.lastRttMs, reachable: write.reachability.reachable }));
    } else {
      const written = toBinding(write.row);
      const found = bindings.get(uri);
      // As the store's upsert: a put keeps the first registration time of the row it replaces.
      bindings.set(uri, write.kind === 'put' && found !== undefined ? copyBinding(written, { registeredAt: found.registeredAt }) : written);
    }
  }
}
