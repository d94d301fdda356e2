// The messaging module: SIP MESSAGE (RFC 3428) between a tenant's extensions, kept for offline phones. Other
// modules import from here only.
export { Messaging, type ExtensionMessenger, type MessagingDeps, type MessagingOptions, type PbxMessageOrder, type PbxMessageOutcome } from './messaging.ts';
export { DEFAULT_LIMITS, IS_COMPOSING_TYPE, messagingLimits, type MessagingLimits } from './message-policy.ts';
export type { MessageStore, MessagingDirectory, NewMessage, StoredMessage } from './ports.ts';
export { StoreMessageStore } from './store-message-store.ts';
export { StoreMessageCarriers, type MessageCarriers } from './inbound/message-carriers.ts';
