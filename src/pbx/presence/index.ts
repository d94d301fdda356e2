// Presence (RFC 6665 SUBSCRIBE/NOTIFY): BLF dialog-info (RFC 4235), PIDF presence (RFC 3863) and the Asterisk
// device states of extension and flow hints (spec §2.4 BLFS). Other modules import from here only.
export { Presence, type PresenceDeps, type RegistrationEvents } from './presence.ts';
export { DeviceStateTracker, asDeviceState, type DeviceSnapshot, type DeviceStateTrackerDeps } from './device-state-tracker.ts';
export { SubscriptionManager, type SubscriptionLimits, type SubscriptionManagerDeps, type SubscriptionManagerOptions } from './subscription-manager.ts';
export { deviceState, dialogOf, presenceOf, type DeviceFacts, type DeviceState, type DialogView } from './device-state.ts';
export { dialogInfoXml, pidfXml, DIALOG_INFO_TYPE, PIDF_TYPE } from './presence-bodies.ts';
export type { FlowStateSource, PresenceDirectory } from './ports.ts';
export { SubscriptionJournal } from './subscription-journal.ts';
