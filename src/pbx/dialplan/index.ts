// The dialplan module: what a dialled number reaches inside a tenant.
export { resolveDialled, type DialTarget } from './resolve-dialled.ts';
export { targetsForNumber, type NumberDirectory, type NumberTarget } from './number-targets.ts';
export type { DialplanDirectory, ExtensionTarget } from './ports.ts';
export {
  routeOutbound,
  routeOutboundCall,
  rewriteNumber,
  ruleMatches,
  weightedOrder,
  callerMayDial,
  classifyNumber,
  parseCallPermission,
  permissionAllows,
  DEFAULT_NUMBERING_PLAN,
  type CallPermission,
  type NumberClass,
  type NumberingPlan,
  type RouteRule,
  type RoutingProvider,
  type CallerRouting,
  type OutboundAttempt,
  type OutboundDecision,
  type OutboundOptions,
  type OutboundDirectory,
  type RefusalReason,
} from './outbound-routes.ts';
export { routeInbound, pickDid, numberVariants, callerVariants, type DidEntry, type DidPick, type InboundCall, type InboundDecision, type InboundDirectory, type InboundRefusal } from './inbound-did.ts';
export {
  describeTarget,
  describeTargets,
  forwardFor,
  forwardingDecision,
  forwardingFlags,
  SITUATION_SLOT,
  SITUATION_FLAG,
  type RoutedDestination,
  type CustomDestination,
  type ExtensionSituation,
  type ExtensionForwarding,
  type ForwardingDirectory,
  type SlotDecision,
} from './extension-slots.ts';
export { providerTarget, parseHost, parseTransport, registersTo, type SipTrunkTarget, type TrunkTransport, type ProviderTargetResult } from './provider-target.ts';
export { StoreRoutingDirectory, type StoreRoutingOptions } from './store-routing-directory.ts';
export { StoreExtensionRows, CALL_PATH_EXTENSION_COLUMNS, requireColumns } from './store-extension-rows.ts';
export { StoreLookupCache } from './store-lookup-cache.ts';
