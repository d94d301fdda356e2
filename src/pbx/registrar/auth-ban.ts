// Password-guessing defence for SIP digest authentication (RFC 3261 §22, §26.3.2.4 denial of service): failed
// digest answers are counted per source address, and an address with too many is banned for a while.
// Only failed answers count, never challenges: a phone's first REGISTER is always challenged.
import { PbxError, type Clock } from '../../shared/index.ts';
import { parseIp, parsePrefix, prefixContains, prefixKey, type IpPrefix } from './ip-prefix.ts';

export interface AuthBanOptions {
  readonly clock: Clock;
  /** Failed answers within `windowMs` that ban an address. Default 5. */
  readonly maxFailures?: number;
  /** The counting window, from an address's first failure. Default 10 minutes. */
  readonly windowMs?: number;
  /** How long a ban lasts. Default 30 minutes. */
  readonly banMs?: number;
  /** Networks never counted nor banned (CIDR, IPv4 or IPv6, or bare addresses), e.g. the office LAN. */
  readonly trusted?: readonly string[];
  /** Bound on the failure counters kept; the least recently failing are forgotten first. Default 10,000. */
  readonly maxTracked?: number;
  /** Bound on the bans kept; the oldest go first. Default 10,000. */
  readonly maxBans?: number;
  /**
   * IPv6 sources are counted per prefix of this length. Default 64: a host usually holds a whole /64, so counting
   * single addresses would let it try 2^64 times.
   */
  readonly ipv6PrefixLength?: number;
}

export type FailureOutcome = 'trusted' | 'counted' | 'banned';

interface Counter {
  count: number;
  readonly since: number;
}

export class AuthBan {
  private readonly clock: Clock;
  private readonly maxFailures: number;
  private readonly windowMs: number;
  private readonly banMs: number;
  private readonly trusted: readonly IpPrefix[];
  private readonly maxTracked: number;
  private readonly maxBans: number;
  private readonly ipv6PrefixLength: number;
  /** Insertion order is recency: a failing address is moved to the end, the front is evicted first. */
  private readonly failures = new Map<string, Counter>();
  /** Ban end (epoch ms) by key; insertion order is ban order. */
  private readonly banned = new Map<string, number>();

  constructor(options: AuthBanOptions) {
    this.clock = options.clock;
    this.maxFailures = Math.max(1, options.maxFailures ?? 5);
    this.windowMs = options.windowMs ?? 10 * 60_000;
    this.banMs = options.banMs ?? 30 * 60_000;
    this.maxTracked = Math.max(1, options.maxTracked ?? 10_000);
    this.maxBans = Math.max(1, options.maxBans ?? 10_000);
    this.ipv6PrefixLength = options.ipv6PrefixLength ?? 64;
    this.trusted = (options.trusted ?? []).map((text) => {
      const prefix = parsePrefix(text);
      if (prefix === undefined) throw new PbxError('invalid_config', `not an IP network: '${text}'`);
      return prefix;
    });
  }

  isTrusted(address: string): boolean {
    const ip = parseIp(address);
    return ip !== undefined && this.trusted.some((prefix) => prefixContains(prefix, ip));
  }

  /** Whether requests from `address` are refused now. */
  isBanned(address: string): boolean {
    if (this.banned.size === 0) return false;
    const key = this.keyOf(address);
    const until = this.banned.get(key);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.banned.delete(key);
    return false;
  }

  /** Counts one failed digest answer from `address`; 'banned' when this one crossed the limit. */
  recordFailure(address: string): FailureOutcome {
    if (this.isTrusted(address)) return 'trusted';
    const key = this.keyOf(address);
    const now = this.now();
    const previous = this.failures.get(key);
    const counter = previous !== undefined && now - previous.since < this.windowMs ? previous : { count: 0, since: now };
    counter.count++;
    this.failures.delete(key);
    if (counter.count < this.maxFailures) {
      this.failures.set(key, counter);
      if (this.failures.size > this.maxTracked) this.evictOldest(this.failures);
      return 'counted';
    }
    this.banned.delete(key);
    this.banned.set(key, now + this.banMs);
    if (this.banned.size > this.maxBans) this.evictOldest(this.banned);
    return 'banned';
  }

  /** Lifts a ban (an operator's action); true when there was one. */
  unban(address: string): boolean {
    const key = this.keyOf(address);
    this.failures.delete(key);
    return this.banned.delete(key);
  }

  /** The bans in force: the counting key (address, or IPv6 prefix) and when each ends. */
  bans(): Array<{ readonly key: string; readonly until: Date }> {
    const now = this.now();
    return [...this.banned].filter(([, until]) => until > now).map(([key, until]) => ({ key, until: new Date(until) }));
  }

  private keyOf(address: string): string {
    const ip = parseIp(address);
    if (ip === undefined) return `?${address}`;
    return prefixKey(ip, ip.family === 4 ? 32 : this.ipv6PrefixLength);
  }

  private now(): number {
    return this.clock.now().getTime();
  }

  private evictOldest(map: Map<string, unknown>): void {
    const oldest = map.keys().next();
    if (oldest.done !== true) map.delete(oldest.value);
  }
}
