// The node's applications by destination tag (spec §3.3): what each step of a call's list runs. A tag missing here
// is not built yet: the runner says so (a 501 naming it) and goes on to the next target.
import type { Applications, CarrierDirectory, ChannelRegistry, MohDirectory, SlotDirectory } from './calls/index.ts';
import type { CallDirectory } from './calls/call-ports.ts';
import type { CustomDestination, ForwardingDirectory, OutboundDirectory } from './dialplan/index.ts';
import { CustomDestinationStep, DialNumber, DialOut } from './apps/dial-out/index.ts';
import { FeatureCodeStep, looksLikeFeatureCode, matchFeatureCode, type FeatureActions, type FeatureCodeDirectory } from './apps/feature-codes/index.ts';
import { ConditionStep, type ConditionDirectory, type ConditionStepDeps, type ExtensionStateSource } from './apps/condition/index.ts';
import { callerNumberSpellings } from './apps/phonebook-route/index.ts';
import { HuntList, type HuntlistDirectory } from './apps/huntlist/index.ts';
import { Ivr, type IvrDirectory, type IvrLog } from './apps/ivr/index.ts';
import { Disa, type DisaDirectory } from './apps/disa/index.ts';
import type { NumberDirectory } from './dialplan/index.ts';
import { MusicOnHoldStep } from './apps/music-on-hold/index.ts';
import { Playback, type MediaFileDirectory } from './apps/playback/index.ts';
import { RingExtension, type FollowMeDirectory } from './apps/ring-extension/index.ts';
import { routingStepApplications, type RoutingStepPorts } from './routing-step-applications.ts';
import { SmsStep } from './apps/sms/index.ts';
import type { ExtensionMessenger } from './messaging/index.ts';
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
  /** Extensions' follow-me numbers (ex_fmfm*); none = follow-me is not rung on this node. */
  readonly followMe?: FollowMeDirectory;
  /** How long a party asked to confirm (hu_requestconfirm, ex_fmfmconfirm) has to press its key; default 15 s. */
  readonly confirmSeconds?: number;
  /** Tenants' conditions (time of day, caller, flows, variables). */
  readonly conditions?: ConditionDirectory;
  /** Extensions' live states, for EXTENSIONSTATUS conditions. */
  readonly extensionStates?: ExtensionStateSource;
  /** Where IVR choices are written (INFO ivrlogs). */
  readonly ivrLog?: IvrLog;
  /** Tenants' DISAs; with `numbers`, DISA steps run. */
  readonly disas?: DisaDirectory;
  /** Numbered objects and short numbers: numbers dialled in an IVR (iv_allowdisa) or a DISA go through the dialplan. */
  readonly numbers?: Omit<NumberDirectory, 'findExtension'>;
  /** System prompts (media/prompts SystemPrompts) for the steps that speak (DISA). */
  readonly prompts?: { path(name: string): string | undefined };
  /** Tenants' music-on-hold classes (MUSICONHOLD-<id> chooses one for a call). */
  readonly moh?: MohDirectory;
  /** Flows, phonebooks and DIDs for FLOW, PHONEBOOK, EXACTPHONEBOOK, CLIDNAMEBYPHONEBOOK and the DID forward switches. */
  readonly routingSteps?: RoutingStepPorts;
  /** The node's SIP messaging (texts to extensions); none = the SMS step is not built on this node. */
  readonly messenger?: ExtensionMessenger;
  readonly clock: Clock;
  readonly logger: Logger;
}

export function nodeApplications(ports: ApplicationPorts, counters: { providerLimit: number }): Applications {
  const dialOut = new DialOut({ routing: ports.routing, carriers: ports.carriers, channels: ports.channels, counters });
  const numbers = numbersOf(ports);
  return {
    EXT: new RingExtension({ directory: ports.directory, forwarding: ports.routing, ...followMeOf(ports, dialOut) }),
    // Ring an extension while the caller hears its tenant's music on hold instead of ringback.
    RINGMUSICONHOLD: new RingExtension({ directory: ports.directory, forwarding: ports.routing, ...followMeOf(ports, dialOut), callerHears: 'music' }),
    OUT: new DialNumber(dialOut),
    CUSTOM: new CustomDestinationStep(ports.routing, dialOut),
    // SPECIAL, FLOW, PHONEBOOK... (routing-step-applications.ts); its CUSTOM draws for RANDOMDESTINATION customs and
    // hands every other custom type to the dial-out step, so it replaces the entry above.
    ...routingStepApplications(ports, new CustomDestinationStep(ports.routing, dialOut)),
    ...(ports.conditions === undefined
      ? {}
      : { CONDITION: new ConditionStep({ conditions: ports.conditions, slots: ports.routing, clock: ports.clock, logger: ports.logger, ...conditionLookups(ports) }) }),
    ...(ports.huntlists === undefined
      ? {}
      : {
          HUNTLIST: new HuntList({
            lists: ports.huntlists, slots: ports.routing, directory: ports.directory, customs: ports.routing, channels: ports.channels, dialOut, clock: ports.clock, logger: ports.logger,
            ...(ports.mediaFiles === undefined ? {} : { media: ports.mediaFiles }),
            ...(ports.followMe === undefined ? {} : { followMe: ports.followMe }),
            ...(ports.confirmSeconds === undefined ? {} : { confirmSeconds: ports.confirmSeconds }),
          }),
        }),
    ...(ports.featureCodes === undefined ? {} : { FEATURECODE: new FeatureCodeStep({ ...ports.featureCodes, logger: ports.logger }) }),
    ...(ports.mediaFiles === undefined ? {} : { PLAYBACK: new Playback({ media: ports.mediaFiles, logger: ports.logger }) }),
    ...(ports.moh === undefined ? {} : { MUSICONHOLD: new MusicOnHoldStep({ classes: ports.moh, logger: ports.logger }) }),
    ...(ports.mediaFiles === undefined || ports.ivrs === undefined
      ? {}
      : {
          IVR: new Ivr({
            ivrs: ports.ivrs, slots: ports.routing, media: ports.mediaFiles, extensions: ports.directory, logger: ports.logger,
            ...(ports.featureCodes === undefined ? {} : { featureCodes: featureCodeCheck(ports.featureCodes) }),
            ...(numbers === undefined ? {} : { numbers }),
            ...(ports.ivrLog === undefined ? {} : { log: ports.ivrLog }),
          }),
        }),
    ...(ports.disas === undefined || ports.mediaFiles === undefined || numbers === undefined
      ? {}
      : { DISA: new Disa({ disas: ports.disas, numbers, media: ports.mediaFiles, logger: ports.logger, ...(ports.prompts === undefined ? {} : { prompts: ports.prompts }) }) }),
    ...(ports.messenger === undefined ? {} : { SMS: new SmsStep({ extensions: ports.directory, messenger: ports.messenger, logger: ports.logger }) }),
  };
}

/** Whether a dialled number is one of the tenant's feature codes (call setup checks it before the dialplan). */
export function featureCodeCheck(ports: FeatureCodePorts): { isFeatureCode(tenantId: number, dialled: string): Promise<boolean> } {
  return {
    isFeatureCode: async (tenantId, dialled) => looksLikeFeatureCode(dialled) && matchFeatureCode(dialled, await ports.directory.featureCodes(tenantId)) !== undefined,
  };
}

/** The tenant's dialplan for numbers dialled inside a step (an IVR with iv_allowdisa, a DISA): the same lookups as call setup's. */
function numbersOf(ports: ApplicationPorts): NumberDirectory | undefined {
  const lookups = ports.numbers;
  if (lookups === undefined) return undefined;
  return {
    findExtension: (tenantId, number) => ports.directory.findExtension(tenantId, number),
    findNumbered: (tenantId, number) => lookups.findNumbered(tenantId, number),
    shortNumber: (tenantId, number) => lookups.shortNumber(tenantId, number),
  };
}

/** Follow-me for EXT steps (and RINGMUSICONHOLD): the settings, the carriers, prompts and the confirmation time. */
function followMeOf(ports: ApplicationPorts, dialOut: DialOut): { followMe?: NonNullable<ConstructorParameters<typeof RingExtension>[0]['followMe']> } {
  if (ports.followMe === undefined) return {};
  return {
    followMe: {
      settings: ports.followMe,
      dialOut,
      logger: ports.logger,
      ...(ports.mediaFiles === undefined ? {} : { media: ports.mediaFiles }),
      ...(ports.confirmSeconds === undefined ? {} : { confirmSeconds: ports.confirmSeconds }),
    },
  };
}

/** What CONDITION steps look up beyond the conditions: live extension states, and the caller in phonebooks as EXACTPHONEBOOK finds it. */
function conditionLookups(ports: ApplicationPorts): Pick<ConditionStepDeps, 'extensionStates' | 'phonebooks'> {
  const phonebooks = ports.routingSteps?.phonebooks;
  return {
    ...(ports.extensionStates === undefined ? {} : { extensionStates: ports.extensionStates }),
    ...(phonebooks === undefined
      ? {}
      : { phonebooks: { callerListed: async (tenantId: number, phonebookId: number, number: string) => (await phonebooks.byNumber(tenantId, phonebookId, callerNumberSpellings(number))).length > 0 } }),
  };
}
