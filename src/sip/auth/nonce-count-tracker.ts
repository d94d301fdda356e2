// Replay protection by nonce-count (RFC 2617 §3.2.2 "nc", RFC 7616 §3.4): the highest nc seen per nonce, in a
// bounded map whose entries leave when their nonce expires.

export type NonceCountCheck = 'ok' | 'replayed' | 'forgotten';

interface Entry {
  nc: number;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

export class NonceCountTracker {
  private readonly last = new Map<string, Entry>();
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
    this.last.set(nonce, { nc, issuedAt, expiresAt });
    if (this.last.size > this.capacity) this.shrink(now);
    return 'ok';
  }

  get size(): number {
    return this.last.size;
  }

  /** Map order is first-use order, close to issue order: expired entries gather at the front. */
  private dropExpiredFront(now: number): void {
    for (const [nonce, entry] of this.last) {
      if (entry.expiresAt > now) return;
      this.last.delete(nonce);
    }
  }

  private shrink(now: number): void {
    for (const [nonce, entry] of this.last) if (entry.expiresAt <= now) this.last.delete(nonce);
    // Evict the oldest down to 90% so a full map is not rescanned on every new nonce.
    const target = Math.floor(this.capacity * 0.9);
    for (const [nonce, entry] of this.last) {
      if (this.last.size <= target) break;
      this.last.delete(nonce);
      this.evictedUpTo = Math.max(this.evictedUpTo, entry.issuedAt);
    }
  }
}
