// What the applications (src/pbx/apps/) use of the call engine: the step vocabulary, the PBX's media on a call,
// and the ways to describe parties to ring. The B2BUA itself is wired by pbx-node.ts.
export type { Application, Applications, AttemptLabel, CallHandle, NextReason, RingOutcome, RingRequest, RingTarget, SlotRef, StepOutcome, Target } from './runner/step.ts';
export type { PbxMedia, PlaybackEnd, PlayItem } from './runner/pbx-media.ts';
export { collectKeys, keypadColumns, type KeypadColumnRules, type KeypadColumns, type KeypadOptions } from './runner/keypad-entry.ts';
export { DestinationRunner, MAX_STEPS, type RunEnd, type RunnerCounters, type RunnerDeps, type SlotDirectory } from './runner/destination-runner.ts';
export { contactTargets } from './fork.ts';
export { carrierFull, carrierRingTarget } from './carrier-target.ts';
export type { CarrierDirectory } from './carrier-directory.ts';
export { ChannelRegistry, type LiveChannel } from './channel-registry.ts';
export { callerNameAddr, callerUser } from './caller-identity.ts';
export { MusicOnHold, type MohChoice, type MohClass, type MohDirectory } from './music-on-hold.ts';
export { MediaOffload, OffloadingRelay, mediaOffloadOf, isOffloaded } from './media-offload.ts';
export type { OffloadPorts, OffloadQuestion } from './offload-decision.ts';
