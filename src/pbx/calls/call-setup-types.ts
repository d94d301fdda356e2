// The shapes call setup passes around: what it depends on, its options and hooks into the B2BUA, and a call's
// two ends once known (the caller, and the destination: an extension's contacts or carriers).
import type { MediaRelayControl } from '../../media/index.ts';
import type { CallDirection } from '../../domain/index.ts';
import type { Logger } from '../../shared/index.ts';
import type { SipStack } from '../../sip/index.ts';
import type { CallParty, CallRecord } from '../cdr/index.ts';
import type { ForwardingDirectory, InboundDirectory, NumberDirectory, OutboundDirectory } from '../dialplan/index.ts';
import type { Binding, PhoneAuthDeps } from '../registrar/index.ts';
import type { Call, CallContext } from './call.ts';
import type { AdmissionPolicy } from './call-admission.ts';
import type { CallIds } from './call-ids.ts';
import type { RunEnd } from './runner/destination-runner.ts';
import type { Target } from './runner/step.ts';
import type { CallDirectory, ExtensionTarget } from './call-ports.ts';
import type { CarrierDirectory } from './carrier-directory.ts';
import type { ChannelRegistry } from './channel-registry.ts';
import type { OutboundLeg } from './outbound-leg.ts';

/** The phone's digest check (PhoneAuthDeps) and what a call needs beyond it. */
export interface SetupDeps extends PhoneAuthDeps {
  readonly stack: SipStack;
  readonly directory: CallDirectory;
  readonly routing: OutboundDirectory & InboundDirectory & ForwardingDirectory & Omit<NumberDirectory, 'findExtension'>;
  readonly carriers: CarrierDirectory;
  readonly relay: MediaRelayControl;
  /** Calls refused because a limit was reached (te_maxchannels, a provider's pr_maxoutchannels). */
  readonly counters: CallCounters;
  /** Star codes a phone dials to change its own state (DND, flows); none = dialled like any number. */
  readonly featureCodes?: { isFeatureCode(tenantId: number, dialled: string): Promise<boolean> };
  readonly channels: ChannelRegistry;
  readonly logger: Logger;
}

export interface SetupOptions {
  readonly realm: string;
  /** Limits on new calls beyond te_maxchannels: the tenant's share of the media ports, an extension's own. */
  readonly admission: AdmissionPolicy;
  readonly nodeName: string;
  readonly ids: CallIds;
  readonly context: CallContext;
}

export interface SetupHooks {
  track(call: Call): void;
  trackLeg(leg: OutboundLeg): void;
  established(call: Call): void;
  /** Blind transfer of the call's caller to a destination (API TRANSFER, a phone's REFER). */
  transfer(call: Call, destination: string): Promise<string | undefined>;
  /** A call that ended without becoming a Call (a feature code answered by the PBX): its CDR. */
  record(record: CallRecord): void;
  /** Runs a call's destination list (the B2BUA's one DestinationRunner). */
  run(call: Call, targets: readonly Target[]): Promise<RunEnd>;
}

export interface CallCounters {
  /** New calls refused with 503 because the tenant had te_maxchannels calls up. */
  tenantLimit: number;
  /** Carrier attempts skipped because the provider had pr_maxoutchannels calls up. */
  providerLimit: number;
  /** Inbound calls refused with 503 because their DID had di_maxchannels calls up. */
  didLimit: number;
  /** New calls refused because the tenant held its share of the node's media ports. */
  tenantShareLimit: number;
  /** New calls refused because the calling extension was in its limit of calls. */
  extensionLimit: number;
}
