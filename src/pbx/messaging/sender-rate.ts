// A token bucket per sending extension: a burst of messages, then a steady rate. The map is bounded: when it is
// full the least recently used senders are forgotten (they start again with a full bucket, which costs nothing).
import type { Clock } from '../../shared/index.ts';

interface Bucket {
  tokens: number;
  at: number;
}

export class SenderRate {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly clock: Clock, private readonly burst: number, private readonly perSecond: number, private readonly maxSenders = 10_000) {}

  /** Takes one token for the sender; false when its bucket is empty. */
  take(tenantId: number, extensionId: number): boolean {
    const key = `${tenantId}/${extensionId}`;
    const now = this.clock.now().getTime();
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    // Re-inserted so Map order is least recently used first.
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    if (this.buckets.size > this.maxSenders) {
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Seconds until the sender has a token again (for Retry-After). */
  retryAfter(): number {
    return Math.max(1, Math.ceil(1 / this.perSecond));
  }
}
