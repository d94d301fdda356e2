// The limits messaging applies (sizes, storage, rates) with their defaults, and how a body's content type is
// treated: RFC 3994 is-composing indications live only while someone is online; everything else is a message.

export interface MessagingLimits {
  /**
   * Largest body accepted, in bytes; larger ones get 513 Message Too Large. RFC 3428 §5: a MESSAGE that may go
   * over UDP (phones mostly register over UDP) must stay under 1300 bytes unless the path is congestion-controlled,
   * so the default is 1300, which with our headers still fits one datagram to the phone.
   */
  readonly maxBodyBytes: number;
  /** How long a message waits for an offline phone. Default 7 days. */
  readonly expirySeconds: number;
  /** Waiting messages one tenant may hold; beyond, new ones are refused (480) rather than filling the disk. Default 1000. */
  readonly maxStoredPerTenant: number;
  /** Messages one extension may send in a burst, refilled at `ratePerSecond`. Defaults 20 and 2/s. */
  readonly burst: number;
  readonly ratePerSecond: number;
  /**
   * How long the sender waits for the phones: the sender's own transaction gives up after 32 s (Timer F), so
   * unanswered contacts count as offline after this and the message is kept. Default 5 s.
   */
  readonly answerTimeoutMs: number;
  /** Stored messages sent per delivery round when a phone registers. Default 50. */
  readonly deliverBatch: number;
  /** How often delivered and expired messages are dropped. Default 1 h. */
  readonly purgeIntervalMs: number;
}

export const DEFAULT_LIMITS: MessagingLimits = {
  maxBodyBytes: 1300,
  expirySeconds: 7 * 24 * 3600,
  maxStoredPerTenant: 1000,
  burst: 20,
  ratePerSecond: 2,
  answerTimeoutMs: 5000,
  deliverBatch: 50,
  purgeIntervalMs: 3_600_000,
};

export const IS_COMPOSING_TYPE = 'application/im-iscomposing+xml';

/** The media type of a Content-Type value, lower case, parameters dropped; undefined when malformed. */
export function mediaType(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const type = value.split(';')[0]?.trim().toLowerCase() ?? '';
  return /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(type) ? type : undefined;
}

/** RFC 3994 §3: an indication of typing, meaningless later, so passed to online phones or dropped, never kept. */
export const isComposing = (type: string): boolean => type === IS_COMPOSING_TYPE;

/** Checks configured limits: each a positive whole number (finite), naming the bad one. */
export function messagingLimits(given: Partial<MessagingLimits> = {}): MessagingLimits {
  const limits = { ...DEFAULT_LIMITS, ...given };
  for (const [name, value] of Object.entries(limits)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new Error(`messaging: ${name} must be a positive number, got ${String(value)}`);
  }
  return limits;
}
