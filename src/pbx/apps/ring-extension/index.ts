// Ringing an extension (EXT-<id>, RINGMUSICONHOLD-<id>) with its forwarding slots and follow-me numbers. Other modules import from here only.
export { RingExtension, type RingExtensionDeps } from './ring-extension.ts';
export { StoreFollowMeDirectory, confirmationOf, followMeSettings, followMeTargets, type FollowMeDeps, type FollowMeDirectory, type FollowMeMethod, type FollowMeSettings } from './follow-me.ts';
export { forwardedParties, type ForwardedParties, type MemberForwardingDeps } from './member-forwarding.ts';
export { followMeCallerId, presentFollowMe, type FollowMeCallerId, type FollowMePresentation } from './follow-me-caller-id.ts';
