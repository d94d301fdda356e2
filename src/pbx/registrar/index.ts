// The registrar module (RFC 3261 §10.3): REGISTER handling, the binding store port and its in-memory
// implementation, OPTIONS qualify, and the failed-digest ban. Other modules import from here only.
export { Registrar, type RegistrarDeps, type RegistrarOptions } from './registrar.ts';
export type { AuthFailure, BindingRemovalReason, RegistrarListener } from './registrar-events.ts';
export type { ExpiryLimits } from './register-plan.ts';
export type { Binding, BindingStore, Reachability, SipAccount, SipAccountDirectory, SipDomainPolicy } from './ports.ts';
export { InMemoryBindingStore } from './in-memory-binding-store.ts';
export { AuthBan, type AuthBanOptions, type FailureOutcome } from './auth-ban.ts';
export { parseIp, parsePrefix, prefixContains, prefixKey, type IpAddress, type IpPrefix } from './ip-prefix.ts';
export { Qualifier, qualifyStatus, type QualifyDeps, type QualifyListener, type QualifyOptions, type QualifyResult } from './qualify.ts';
export { StoreBindingStore } from './store-binding-store.ts';
export type { LocationCacheOptions } from './location-cache.ts';
export { StoreAccountDirectory, type SharedDomainOptions } from './store-account-directory.ts';
export { sendCheckSync, type CheckSyncOutcome } from './check-sync.ts';
export { authenticatePhone, phoneRequestParties, type PhoneAuthDeps, type PhoneRequestParties, type SipRefusal } from './phone-auth.ts';
