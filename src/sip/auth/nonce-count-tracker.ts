// Replay protection by nonce-count (RFC 2617 §3.2.2 "nc", RFC 7616 §3.4): the highest nc seen per nonce, in a
// bounded map whose entries leave when their nonce expires.

export type NonceCountCheck = 'ok' | 'replayed' | 'forgotten';

interface Entry {
  readonly nonce: string;
  nc: number;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

/** Consumed slots at the front of the queue that make it worth copying the rest down. */
const COMPACT_AFTER = 1024;

export class NonceCountTracker {
  private readonly last = new Map<string, Entry>();
  /**
   * The entries in first-use order (close to issue order: expired ones gather at the front), with `head` the first
   * slot still in use. Expiry and eviction walk this array rather than the Map: a Map keeps the slots of deleted
   * entries until it is rehashed, so iterating it from the front after many deletions skipped over all of them on
   * every check, which under a registration load was the costliest part of digest verification.
   */
  private order: Entry[] = [];
  private head = 0;
  /** Nonces issued at or before this time may have been evicted while still live: they are no longer trusted. */
  private evictedUpTo = Number.NEGATIVE_INFINITY;

  constructor(private readonly capacity: number) {}

  /** Records `nc` for `nonce` if it is higher than any seen before; a client counts its requests per nonce upward. */
  check(nonce: string, nc: number, issuedAt: number, expiresAt: number, now: number): NonceCountCheck {
    this.dropExpiredFront(now);
    const entry = this.last.get(nonce);
    if (entry) {
      // RFC 2617 §3.2.2: "if the same nc-value is seen twice, then the request is a replay" (a lower one is older still).
      if (nc <= entry.nc) return 'replayed';
      entry.nc = nc;
      return 'ok';
    }
    // An unknown nonce that is not newer than one we had to evict may have been used already: we cannot tell.
    if (issuedAt <= this.evictedUpTo) return 'forgotten';
    const added: Entry = { nonce, nc, issuedAt, expiresAt };
    this.last.set(nonce, added);
    this.order.push(added);
    if (this.last.size > this.capacity) this.shrink(now);
    return 'ok';
  }

  get size(): number {
    return this.last.size;
  }

  /** Drops expired entries from the front of the first-use order, up to the first live one. */
  private dropExpiredFront(now: number): void {
    while (this.head < this.order.length) {
      const entry = this.order[this.head] as Entry;
      if (this.last.get(entry.nonce) === entry) {
        if (entry.expiresAt > now) break;
        this.last.delete(entry.nonce);
      }
      this.head++;
    }
    this.compact();
  }

  private shrink(now: number): void {
    for (let i = this.head; i < this.order.length; i++) {
      const entry = this.order[i] as Entry;
      if (entry.expiresAt <= now && this.last.get(entry.nonce) === entry) this.last.delete(entry.nonce);
    }
    // Evict the oldest down to 90% so a full map is not rescanned on every new nonce.
    const target = Math.floor(this.capacity * 0.9);
    while (this.last.size > target && this.head < this.order.length) {
      const entry = this.order[this.head++] as Entry;
      if (this.last.get(entry.nonce) !== entry) continue;
      this.last.delete(entry.nonce);
      this.evictedUpTo = Math.max(this.evictedUpTo, entry.issuedAt);
    }
    // Entries deleted above anywhere but the front are skipped once they reach it.
    this.compact();
  }

  /**
   * Copies the slots still in use down once enough at the front are consumed (amortised O(1) per entry), and drops
   * the dead ones behind a long-lived front entry once they outnumber the map twice over, so the array stays bounded.
   */
  private compact(): void {
    if (this.order.length - this.head > 2 * Math.max(this.capacity, COMPACT_AFTER)) {
      this.order = this.order.slice(this.head).filter((entry) => this.last.get(entry.nonce) === entry);
      this.head = 0;
    } else if (this.head >= COMPACT_AFTER && this.head * 2 >= this.order.length) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
  }
}
