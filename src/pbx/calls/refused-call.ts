// The CDR of a call refused before it became a Call (call-setup.ts, call-start.ts): an unknown number, a DID without
// a destination, a blacklisted caller, a limit. The README promises one CDR row per call attempt, and an Asterisk
// channel refused by its dialplan leaves one too; authentication and SDP failures stay without one (no tenant is
// known yet, or the request never was a call).
import type { CallDirection } from '../../domain/index.ts';
import type { Clock } from '../../shared/index.ts';
import type { CallParty, CallRecord } from '../cdr/index.ts';
import type { CallIds } from './call-ids.ts';
import { refusalOf } from './call-refusal.ts';

export interface RefusedCall {
  readonly tenantId: number;
  readonly tenantCode: string;
  readonly caller: CallParty;
  /** The number as dialled (the called number of a carrier's call). */
  readonly dialled: string;
  readonly direction: CallDirection;
  readonly sipCallId: string;
  /** The SIP answer the caller gets. */
  readonly status: number;
  /** The id DIAL answered, for a click-to-call the PBX refused after the API accepted it (originator.ts); '' otherwise. */
  readonly originateId?: string;
  /** DIAL's variables, for the row's userfield (CallRecord.variables). */
  readonly variables?: Readonly<Record<string, string>>;
}

/** The record of a refused call: no attempts, one row (cdr-rows.ts), a fresh uniqueid that is also its linkedid. */
export function refusedCallRecord(ids: CallIds, clock: Clock, call: RefusedCall): CallRecord {
  const now = clock.now();
  const { status, originateId = '', ...rest } = call;
  return { ...rest, linkedId: ids.uniqueId(now), originateId, startedAt: now, endedAt: now, attempts: [], refusal: refusalOf(status) };
}
