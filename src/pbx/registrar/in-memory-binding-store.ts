// A BindingStore in process memory (RFC 3261 §10.3 location service): for a single node that does not need
// bindings to survive a restart, and for tests. Bindings are copied in and out, so callers cannot alter it.
import type { Binding, BindingStore, Reachability } from './ports.ts';
import { copyBinding } from './registration-row.ts';

const accountOf = (tenantId: number, extensionId: number): string => `${tenantId}\0${extensionId}`;

export class InMemoryBindingStore implements BindingStore {
  /** By account, then by contact URI: listForAccount, the registrar's hot path, reads one small map. */
  private readonly accounts = new Map<string, Map<string, Binding>>();

  async list(tenantId?: number): Promise<Binding[]> {
    const all: Binding[] = [];
    for (const bindings of this.accounts.values()) {
      for (const binding of bindings.values()) if (tenantId === undefined || binding.tenantId === tenantId) all.push(copy(binding));
    }
    return all;
  }

  async listForAccount(tenantId: number, extensionId: number): Promise<Binding[]> {
    return [...(this.accounts.get(accountOf(tenantId, extensionId))?.values() ?? [])].map(copy);
  }

  async put(binding: Binding): Promise<void> {
    const account = accountOf(binding.tenantId, binding.extensionId);
    let bindings = this.accounts.get(account);
    if (bindings === undefined) {
      bindings = new Map();
      this.accounts.set(account, bindings);
    }
    bindings.set(binding.contactUri, copy(binding));
  }

  async remove(tenantId: number, extensionId: number, contactUri: string): Promise<Binding | undefined> {
    const account = accountOf(tenantId, extensionId);
    const bindings = this.accounts.get(account);
    const found = bindings?.get(contactUri);
    if (bindings === undefined || found === undefined) return undefined;
    bindings.delete(contactUri);
    if (bindings.size === 0) this.accounts.delete(account);
    return found;
  }

  async removeAll(tenantId: number, extensionId: number): Promise<Binding[]> {
    const account = accountOf(tenantId, extensionId);
    const removed = [...(this.accounts.get(account)?.values() ?? [])];
    this.accounts.delete(account);
    return removed;
  }

  async removeExpired(now: Date): Promise<Binding[]> {
    const removed: Binding[] = [];
    for (const [account, bindings] of this.accounts) {
      for (const [contactUri, binding] of bindings) {
        if (binding.expiresAt.getTime() > now.getTime()) continue;
        bindings.delete(contactUri);
        removed.push(binding);
      }
      if (bindings.size === 0) this.accounts.delete(account);
    }
    return removed;
  }

  async setReachability(tenantId: number, extensionId: number, contactUri: string, reachability: Reachability): Promise<Binding | undefined> {
    const bindings = this.accounts.get(accountOf(tenantId, extensionId));
    const found = bindings?.get(contactUri);
    if (bindings === undefined || found === undefined) return undefined;
    const updated: Binding = copyBinding(found, { lastRttMs: reachability.lastRttMs, reachable: reachability.reachable });
    bindings.set(contactUri, updated);
    return copy(updated);
  }

  /** How many bindings are held (for tests and gauges). */
  get size(): number {
    let count = 0;
    for (const bindings of this.accounts.values()) count += bindings.size;
    return count;
  }
}

/** Dates are the only mutable members; the rest is readonly by type. */
function copy(binding: Binding): Binding {
  return copyBinding(binding);
}
