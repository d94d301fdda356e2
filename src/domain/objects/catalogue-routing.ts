// Numbers and routing objects (DIDs, providers, routing profiles and routes, conditions, destinations,
// custom destinations, hunt lists, IVRs, caller-ID blacklist), by MANAGEDB name.
import type { ObjectSchema } from './object-schema.ts';

export const ROUTING_OBJECTS: Readonly<Record<string, ObjectSchema>> = {};
