// A call placed by the API (MiRTA DIAL, click-to-call): ring the source first, then connect it to the
// destination. The B2BUA implements CallOriginator; the call service turns DIAL's parameters into a request.

export interface OriginateRequest {
  readonly tenantId: number;
  /** The extension rung first (its registered contacts). */
  readonly source: string;
  /** The number connected once the source answers; the tenant's dialplan resolves it. */
  readonly destination: string;
  /** Caller id shown on the source phone while it rings (default: the destination). */
  readonly sourceCallerId?: string;
  /** Caller id presented to the destination (default: the source extension). */
  readonly destinationCallerId?: string;
  /** The number shown on the source phone with sourceCallerId (DIAL sourceclid `name <number>`); default: the destination. */
  readonly sourceCallerNumber?: string;
  /** The name presented to the destination (DIAL destclid `name <number>`); default: destinationCallerId. */
  readonly destinationCallerName?: string;
  /** How long the source may ring, in ms. */
  readonly dialTimeoutMs: number;
  /** Longest call once connected, in ms; undefined = no limit. */
  readonly maxDurationMs?: number;
  /** Ask the source phone to answer by itself (Call-Info answer-after=0, Alert-Info auto answer). */
  readonly autoAnswer: boolean;
  /**
   * DIAL nofollow=yes: extensions rung by the call do not ring their follow-me numbers. Undefined: the variable
   * SETNOFOLLOWEXTENSION=yes (which the call service sets for nofollow) says the same.
   */
  readonly noFollow?: boolean;
  /** Dialplan variables (DIAL var=), kept with the call. */
  readonly variables: Readonly<Record<string, string>>;
  /** The id DIAL answers; written to the CDR column originateid. */
  readonly originateId: string;
}

export type OriginateOutcome = { readonly ok: true } | { readonly ok: false; readonly error: string };

export interface CallOriginator {
  /** Starts the call and resolves once the source is being rung (or at once with why it cannot be). */
  originate(request: OriginateRequest): Promise<OriginateOutcome>;
}
