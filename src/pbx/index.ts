// Live telephony on top of sip + media + store. For now: the call registry.
export { ChannelRegistry, type LiveChannel } from './calls/channel-registry.ts';
