// What the node gives each call: its clock, log and live channels, its limits, where recordings and music come from,
// and the B2BUA's hooks (legs and dialogs to route, a call finished, an attended transfer). Generic in the call it is
// handed back with, so this file need not import call.ts (call.ts names it CallContext, of Call).
import type { Clock, Logger } from '../../shared/index.ts';
import type { SipStack } from '../../sip/index.ts';
import type { CallRecord } from '../cdr/index.ts';
import type { CallIds } from './call-ids.ts';
import type { RecordingLog, RecordingPaths } from './call-recording.ts';
import type { ChannelRegistry } from './channel-registry.ts';
import type { MusicOnHold } from './music-on-hold.ts';
import type { OutboundLeg } from './outbound-leg.ts';
import type { InboundLeg } from './inbound-leg.ts';
import type { RingTarget } from './runner/step.ts';

export interface CallContextOf<TCall> {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly channels: ChannelRegistry;
  /** The address written into our SDP (the relay's public address). */
  readonly mediaAddress: string;
  /** The address written into the caller's SDP when it must follow the caller's flow (a wildcard bind); else undefined. */
  readonly callerMediaAddress?: (leg: InboundLeg | OutboundLeg) => string | undefined;
  /** The same for a party rung (its REGISTER's flow); else undefined. */
  readonly calleeMediaAddress?: (target: RingTarget) => string | undefined;
  readonly ringTimeoutMs: number;
  readonly maxDurationMs: number | undefined;
  /** Called once when the call is over and every leg is released. */
  readonly finished: (call: TCall, record: CallRecord) => void;
  /** An attended transfer made `leg` the call's callee: its dialog now speaks for side b. */
  readonly calleeReplaced?: (call: TCall, leg: OutboundLeg) => void;
  /** Starts an attended transfer by the call's called party (the B2BUA's, so it can route the target's dialog). */
  readonly attendedTransfer?: (call: TCall, destination: string) => Promise<string | undefined>;
  /** Where a call's recording goes (a file under the tenant's folder); none = calls are not recorded on this node. */
  readonly recordings?: RecordingPaths;
  /** The tenants' music for parties on hold; none = a held party hears silence. */
  readonly moh?: MusicOnHold;
  /** Told of finished recordings (the recordings list); none = files only. */
  readonly recordingLog?: RecordingLog;
  /** What ringing parties needs: the stack, names and ids, and the B2BUA's maps of legs and dialogs. */
  readonly legs: {
    readonly stack: SipStack;
    readonly ids: CallIds;
    readonly nodeName: string;
    /** A leg's INVITE transaction (the first, and a retry with credentials): its responses come to the leg. */
    trackLeg(leg: OutboundLeg): void;
    /** The caller's dialog, and the answering party's: in-dialog requests reach the call. */
    established(call: TCall): void;
  };
}
