// Numbers and routing objects (DIDs, providers, routing profiles and routes, conditions, destinations,
// custom destinations, hunt lists, IVRs, caller-ID blacklist), by MANAGEDB name.
import { callerIdBlacklistSchema } from './callerid-blacklist.ts';
import { callerIdModificationSchema } from './callerid-modification.ts';
import { conditionExtendedInfoSchema, conditionSchema } from './condition.ts';
import { customTypeSchema } from './custom-type.ts';
import { customSchema } from './custom.ts';
import { destinationSchema } from './destination.ts';
import { didSchema } from './did.ts';
import { huntlistSchema } from './huntlist.ts';
import { ivrSchema } from './ivr.ts';
import type { ObjectSchema } from './object-schema.ts';
import { providerSchema } from './provider.ts';
import { routeSchema } from './route.ts';
import { routingProfileSchema } from './routing-profile.ts';

export const ROUTING_OBJECTS: Readonly<Record<string, ObjectSchema>> = {
  did: didSchema,
  provider: providerSchema,
  routingprofile: routingProfileSchema,
  route: routeSchema,
  condition: conditionSchema,
  // Not a MANAGEDB object: the rows of MANAGEDB condition getextendedinfos/replaceextendedinfos.
  conditionextendedinfo: conditionExtendedInfoSchema,
  calleridblacklist: callerIdBlacklistSchema,
  // Callgrid's table (MiRTA's is unpublished); created by migration 0012 on databases made before it.
  calleridmodification: callerIdModificationSchema,
  customtype: customTypeSchema,
  custom: customSchema,
  huntlist: huntlistSchema,
  ivr: ivrSchema,
  destination: destinationSchema,
};

// The routing vocabulary the services use (exported through domain/objects/index.ts).
export { MAX_SLOT_TARGETS, parseTarget, slotOwner, slotTypesOf, targetObject, targetText, type DestinationTarget, type ParsedTarget } from './destination.ts';
export { BUILT_IN_CUSTOM_TYPES, URL_CUSTOM_TYPE } from './custom-type.ts';
export { MAX_EXTENDED_INFOS } from './condition.ts';
export { MAX_CALLER_ID_STRIP } from './callerid-modification.ts';
