// The node's applications by destination tag (spec §3.3): what each step of a call's list runs. A tag missing here
// is not built yet: the runner says so (a 501 naming it) and goes on to the next target.
import type { Applications, CarrierDirectory, ChannelRegistry, SlotDirectory } from './calls/index.ts';
import type { CallDirectory } from './calls/call-ports.ts';
import type { CustomDestination, ForwardingDirectory, OutboundDirectory } from './dialplan/index.ts';
import { CustomDestinationStep, DialNumber, DialOut } from './apps/dial-out/index.ts';
import { FeatureCodeStep, looksLikeFeatureCode, matchFeatureCode, type FeatureActions, type FeatureCodeDirectory } from './apps/feature-codes/index.ts';
import { ConditionStep, type ConditionDirectory, type ExtensionStateSource } from './apps/condition/index.ts';
import { HuntList, type HuntlistDirectory } from './apps/huntlist/index.ts';
import { Ivr, type IvrDirectory } from './apps/ivr/index.ts';
import { Playback, type MediaFileDirectory } from './apps/playback/index.ts';
import { RingExtension } from './apps/ring-extension/index.ts';
import type { Clock, Logger } from '../shared/index.ts';

/** Feature codes' state changes (DND, flows) and the tenant's code table. */
export interface FeatureCodePorts {
  readonly actions: FeatureActions;
  readonly directory: FeatureCodeDirectory;
}

export interface ApplicationPorts {
  readonly directory: CallDirectory;
  readonly routing: OutboundDirectory & ForwardingDirectory & SlotDirectory & { customs(tenantId: number, ids: readonly number[]): Promise<CustomDestination[]> };
  readonly carriers: CarrierDirectory;
  readonly channels: ChannelRegistry;
  readonly featureCodes?: FeatureCodePorts;
  /** Tenants' media files (PLAYBACK, IVR prompts); none = neither is built on this node. */
  readonly mediaFiles?: MediaFileDirectory;
  /** Tenants' voice menus. */
  readonly ivrs?: IvrDirectory;
  /** Tenants' ring groups. */
  readonly huntlists?: HuntlistDirectory;
  /** Tenants' conditions (time of day, caller, flows, variables). */
  readonly conditions?: ConditionDirectory;
  /** Extensions' live states, for EXTENSIONSTATUS conditions. */
  readonly extensionStates?: ExtensionStateSource;
  readonly clock: Clock;
  readonly logger: Logger;
}

export function nodeApplications(ports: ApplicationPorts, counters: { providerLimit: number }): Applications {
  const dialOut = new DialOut({ routing: ports.routing, carriers: ports.carriers, channels: ports.channels, counters });
  return {
    EXT: new RingExtension({ directory: ports.directory, forwarding: ports.routing }),
    OUT: new DialNumber(dialOut),
    CUSTOM: new CustomDestinationStep(ports.routing, dialOut),
    ...(ports.conditions === undefined
      ? {}
      : { CONDITION: new ConditionStep({ conditions: ports.conditions, slots: ports.routing, clock: ports.clock, logger: ports.logger, ...(ports.extensionStates === undefined ? {} : { extensionStates: ports.extensionStates }) }) }),
    ...(ports.huntlists === undefined
      ? {}
      : { HUNTLIST: new HuntList({ lists: ports.huntlists, slots: ports.routing, directory: ports.directory, customs: ports.routing, channels: ports.channels, dialOut, clock: ports.clock }) }),
    ...(ports.featureCodes === undefined ? {} : { FEATURECODE: new FeatureCodeStep({ ...ports.featureCodes, logger: ports.logger }) }),
    ...(ports.mediaFiles === undefined ? {} : { PLAYBACK: new Playback({ media: ports.mediaFiles, logger: ports.logger }) }),
    ...(ports.mediaFiles === undefined || ports.ivrs === undefined
      ? {}
      : { IVR: new Ivr({ ivrs: ports.ivrs, slots: ports.routing, media: ports.mediaFiles, extensions: ports.directory, logger: ports.logger }) }),
  };
}

/** Whether a dialled number is one of the tenant's feature codes (call setup checks it before the dialplan). */
export function featureCodeCheck(ports: FeatureCodePorts): { isFeatureCode(tenantId: number, dialled: string): Promise<boolean> } {
  return {
    isFeatureCode: async (tenantId, dialled) => looksLikeFeatureCode(dialled) && matchFeatureCode(dialled, await ports.directory.featureCodes(tenantId)) !== undefined,
  };
}
