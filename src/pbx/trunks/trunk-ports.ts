// Outbound trunk registration (RFC 3261 §10.2, Callgrid as the UAC registering to a carrier): the port it reads
// providers through, and the status per provider that an API lists.
import type { SipTrunkTarget } from '../dialplan/index.ts';

/** The providers Callgrid registers to: enabled, with a fixed host and credentials (`registers` true). */
export interface TrunkDirectory {
  registeringTrunks(): Promise<SipTrunkTarget[]>;
}

/** Where a registration stands; `status` spells it out for people. */
export type TrunkState = 'registering' | 'registered' | 'failed' | 'unregistered';

export interface TrunkStatus {
  readonly providerId: number;
  readonly name: string;
  /** The Request-URI of our REGISTERs (the carrier's registrar). */
  readonly registrar: string;
  readonly username: string;
  readonly state: TrunkState;
  /** `Registering`, `Registered`, `Rejected: 403 Forbidden`, `Request timeout`, `Transport error`, `Unregistered`, ... */
  readonly status: string;
  /** When the carrier drops the binding unless refreshed; null when not registered. */
  readonly expiresAt: Date | null;
  /** When the next REGISTER (refresh or retry) goes out; null when none is planned. */
  readonly nextAttemptAt: Date | null;
  /** Failed attempts since the last success (drives the back-off). */
  readonly failures: number;
  readonly changedAt: Date;
}
