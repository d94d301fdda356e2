// The small steps of a destination list that route, rename or switch without ringing anybody (spec §3.3): SPECIAL,
// FLOW, random destinations (CUSTOM of type RANDOMDESTINATION), PHONEBOOK / EXACTPHONEBOOK, CLIDNAMEBYPHONEBOOK,
// CALLERIDMOD and the DID unconditional forward (its switches and SETUNCONDITIONALDID); their ports and the
// store-backed set main.ts plugs in.
import type { Application, Applications, SlotDirectory } from './calls/index.ts';
import type { CustomDestination } from './dialplan/index.ts';
import { CallerIdMod, ClidNameByPhonebook, StoreCallerIdRuleDirectory, type CallerIdRuleDirectory } from './apps/caller-id/index.ts';
import { DidForward, SetUnconditionalDid, StoreDidForwardDirectory, type DidForwardDirectory } from './apps/did-forward/index.ts';
import { FlowStep, StoreFlowDirectory, type FlowDirectory } from './apps/flow/index.ts';
import { PhonebookRoute, StorePhonebookDirectory, type PhonebookDirectory } from './apps/phonebook-route/index.ts';
import { RandomDestination } from './apps/random-destination/index.ts';
import { Special } from './apps/special/index.ts';
import type { Clock, Logger } from '../shared/index.ts';
import type { Store } from '../store/index.ts';

/** What those steps read and write of a tenant. */
export interface RoutingStepPorts {
  readonly flows: FlowDirectory;
  readonly phonebooks: PhonebookDirectory;
  readonly dids: DidForwardDirectory;
  /** The tenants' caller-id modification rules (calleridmodification objects) CALLERIDMOD applies. */
  readonly callerIdRules: CallerIdRuleDirectory;
}

export function storeRoutingStepPorts(store: Store): RoutingStepPorts {
  return {
    flows: new StoreFlowDirectory(store),
    phonebooks: new StorePhonebookDirectory(store),
    dids: new StoreDidForwardDirectory(store),
    callerIdRules: new StoreCallerIdRuleDirectory(store),
  };
}

export interface RoutingStepDeps {
  readonly routing: SlotDirectory & { customs(tenantId: number, ids: readonly number[]): Promise<CustomDestination[]> };
  readonly routingSteps?: RoutingStepPorts;
  readonly clock: Clock;
  readonly logger: Logger;
}

/**
 * The steps by tag. SPECIAL and CUSTOM need only the routing ports every node has; CUSTOM here is the random
 * destination step in front of `customStep`, which keeps every other custom type (EXTERNALNUMBER...).
 */
export function routingStepApplications(deps: RoutingStepDeps, customStep: Application): Applications {
  const { logger } = deps;
  const steps = deps.routingSteps;
  return {
    SPECIAL: new Special({ clock: deps.clock, logger }),
    CUSTOM: new RandomDestination({ customs: deps.routing, slots: deps.routing, otherTypes: customStep, logger }),
    ...(steps === undefined
      ? {}
      : {
          FLOW: new FlowStep({ flows: steps.flows, slots: deps.routing, logger }),
          PHONEBOOK: new PhonebookRoute({ phonebooks: steps.phonebooks, logger }, 'pattern'),
          EXACTPHONEBOOK: new PhonebookRoute({ phonebooks: steps.phonebooks, logger }, 'exact'),
          CLIDNAMEBYPHONEBOOK: new ClidNameByPhonebook({ phonebooks: steps.phonebooks, logger }),
          ENABLEUNCONDITIONALDID: new DidForward({ dids: steps.dids, logger }, 'enable'),
          DISABLEUNCONDITIONALDID: new DidForward({ dids: steps.dids, logger }, 'disable'),
          TOGGLEUNCONDITIONALDID: new DidForward({ dids: steps.dids, logger }, 'toggle'),
          SETUNCONDITIONALDID: new SetUnconditionalDid({ dids: steps.dids, logger }),
          CALLERIDMOD: new CallerIdMod({ rules: steps.callerIdRules, logger }),
        }),
  };
}
