// What presence needs from the rest of the PBX, as ports main.ts fills: the extensions (the B2BUA's CallDirectory
// fits), and optionally the numbered flows (spec §2.6), whose states live in the service layer.
import type { CallDirectory } from '../calls/call-ports.ts';

/** Extensions by number or id, tenant codes, and the live contacts of an extension. */
export type PresenceDirectory = Pick<CallDirectory, 'findExtension' | 'extensionById' | 'tenantCode' | 'contacts'>;

/** A numbered flow's lamp: the Asterisk state SETFLOW stored (INUSE, NOT_INUSE, UNAVAILABLE, RINGING). */
export interface FlowStateSource {
  /** The tenant's flow with this number, or undefined when there is none. */
  flowState(tenantId: number, number: string): Promise<{ readonly state: string; readonly since: Date | undefined } | undefined>;
}
