// Live telephony on top of sip + media + store: the node's SIP side (registrar, qualify) and the call registry.
export { ChannelRegistry, type ChannelControl, type ChannelDirection, type ChannelState, type LiveChannel } from './calls/channel-registry.ts';
export type { CallOriginator, OriginateOutcome, OriginateRequest } from './calls/originate-request.ts';
export type { CallDirectory, ExtensionTarget } from './calls/call-ports.ts';
export { B2bua } from './calls/b2bua.ts';
export { StoreCallDirectory } from './calls/store-call-directory.ts';
export { StoreIdentitySettings } from './calls/store-identity-settings.ts';
export { StoreRecordingSettings } from './calls/store-recording-settings.ts';
// rtpengine for plain calls' media (CALLGRID_RTPENGINE_NG): the relay with the node's offload beside it.
export { MediaOffload, OffloadingRelay, mediaOffloadOf, type OffloadPorts } from './calls/index.ts';
export { StoreCarrierDirectory, type CarrierDirectory } from './calls/carrier-directory.ts';
export { StoreRoutingDirectory } from './dialplan/index.ts';
export { StoreExtensionRows } from './dialplan/index.ts';
export { pickDid, numberVariants, type DidEntry, type CustomDestination } from './dialplan/index.ts';
export {
  AuthBan,
  InMemoryBindingStore,
  Qualifier,
  Registrar,
  qualifyStatus,
  sendCheckSync,
  StoreAccountDirectory,
  StoreBindingStore,
  type CheckSyncOutcome,
  type SharedDomainOptions,
  type AuthBanOptions,
  type AuthFailure,
  type Binding,
  type BindingRemovalReason,
  type BindingStore,
  type ExpiryLimits,
  type FailureOutcome,
  type QualifyDeps,
  type QualifyListener,
  type QualifyOptions,
  type QualifyResult,
  type Reachability,
  type RegistrarDeps,
  type RegistrarListener,
  type RegistrarOptions,
  type SipAccount,
  type SipAccountDirectory,
  type SipDomainPolicy,
} from './registrar/index.ts';
export { PbxNode, type PbxNodeOptions, type PbxNodePorts } from './pbx-node.ts';
export { NodeDrainer, DRAIN_LIMIT_CAUSE, type DrainEnd, type DrainableCalls } from './drain.ts';
export { SettlingCdrSink } from './drain-cdr-sink.ts';
export { BatchingCdrSink, CdrWriter, cdrRows, type CallAttempt, type CallParty, type CallRecord, type CdrSink, type Landing, type LandingKind } from './cdr/index.ts';
export { Presence, SubscriptionJournal, DeviceStateTracker, deviceState, asDeviceState, type DeviceSnapshot, type DeviceState, type FlowStateSource, type PresenceDirectory, type RegistrationEvents } from './presence/index.ts';
export { StoreTrunkDirectory, TrunkRegistrar, type TrunkDirectory, type TrunkRegistrarDeps, type TrunkRegistrarOptions, type TrunkState, type TrunkStatus } from './trunks/index.ts';
export { StoreFeatureActions, matchFeatureCode, DEFAULT_FEATURE_CODES, type FeatureAction } from './apps/feature-codes/index.ts';
export { StoreIvrDirectory } from './apps/ivr/index.ts';
export { StoreDisaDirectory } from './apps/disa/index.ts';
export { StoreHuntlistDirectory } from './apps/huntlist/index.ts';
export { StoreFollowMeDirectory } from './apps/ring-extension/index.ts';
export { StoreConditionDirectory } from './apps/condition/index.ts';
export { StoreMohDirectory } from './apps/music-on-hold/index.ts';
export { storeRoutingStepPorts, type RoutingStepPorts } from './routing-step-applications.ts';
export { routeOutbound, type CallerRouting } from './dialplan/index.ts';
export { smsDriverFor, measureSms, type HttpSmsOptions, type OutboundSms, type SmsDriver } from './messaging/sms/index.ts';
export { parseSipSmsProvider, sipMessageProvider, type SipMessageSender, type SmsDriverOptions } from './messaging/sms/index.ts';
export { SmppSessions, isSmppRow, normalizeMessageId, receiptIdCandidates, type InboundSms, type InboundSmsHandler, type SmppReceipt } from './messaging/sms/index.ts';
export type { ExtensionMessenger, PbxMessageOrder, PbxMessageOutcome } from './messaging/index.ts';
