// Slows down key guessing: an address that presents too many bad keys within a
// window is refused for a while, before its keys are even looked up.
import { PbxError, type Clock } from '../shared/index.ts';

export interface ThrottleSettings {
  readonly maxFailures: number;
  readonly windowMs: number;
  readonly banMs: number;
}

export class BadKeyThrottle {
  private readonly failures = new Map<string, number[]>();
  private readonly bannedUntil = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly settings: ThrottleSettings,
  ) {}

  /** Throws `too_many_auth_failures` while the address is banned. */
  check(address: string): void {
    const until = this.bannedUntil.get(address);
    if (until === undefined) return;
    const now = this.clock.now().getTime();
    if (until > now) {
      const seconds = Math.ceil((until - now) / 1000);
      throw new PbxError('too_many_auth_failures', `Too many failed authentications from ${address}; retry in ${seconds} s`, { retryAfterSeconds: seconds });
    }
    this.bannedUntil.delete(address);
  }

  recordFailure(address: string): void {
    const now = this.clock.now().getTime();
    const recent = (this.failures.get(address) ?? []).filter((at) => at > now - this.settings.windowMs);
    recent.push(now);
    if (recent.length >= this.settings.maxFailures) {
      this.bannedUntil.set(address, now + this.settings.banMs);
      this.failures.delete(address);
    } else {
      this.failures.set(address, recent);
    }
    // Bounded memory under a spray of addresses: forget the oldest entries.
    if (this.failures.size > 50_000) this.failures.delete(this.failures.keys().next().value as string);
    if (this.bannedUntil.size > 50_000) this.bannedUntil.delete(this.bannedUntil.keys().next().value as string);
  }
}
