// The Asterisk device state of an extension's hint (`100-ACME`, spec §2.4 BLFS st_state) from its registration and
// its live channels, and the RFC 4235 dialogs a BLF subscriber is shown for those channels. Pure rules.
import type { ChannelDirection, ChannelState } from '../calls/channel-registry.ts';

/** Asterisk's device states as MiRTA's st_state and BLFS show them (ast_devstate2str). */
export type DeviceState = 'UNAVAILABLE' | 'NOT_INUSE' | 'INUSE' | 'RINGING' | 'RINGINUSE' | 'BUSY' | 'ONHOLD';

/** What a channel contributes to its extension's state. */
export interface ChannelFacts {
  readonly direction: ChannelDirection;
  readonly state: ChannelState;
}

export interface DeviceFacts {
  /** A live binding that answers qualify (an unreachable one counts as none, as INFO extensions does). */
  readonly registered: boolean;
  /** The extension's live channels (legs whose `extension` is this number). */
  readonly channels: readonly ChannelFacts[];
}

/**
 * Asterisk's rules for a PJSIP endpoint's device state:
 * - an OUT leg (the PBX calling this phone) not yet answered rings it: RINGING;
 * - an answered leg, or an IN leg (the phone is dialling out, not yet answered) is INUSE, as Asterisk shows a
 *   phone that has gone off-hook to dial;
 * - ringing while in use is RINGINUSE (Asterisk's aggregate of RINGING and INUSE: call waiting);
 * - no channel: NOT_INUSE when registered, else UNAVAILABLE. Channels win over registration: a phone whose
 *   binding lapsed mid-call is still talking.
 *
 * DND (ex_dnd) is deliberately not a state here: MiRTA's hints are Asterisk's PJSIP device states, which ignore
 * DND, and nothing tells the PBX when ex_dnd changes (DND, MANAGEDB and feature codes write the column), so a
 * BUSY lamp for DND would go stale. A DND phone shows NOT_INUSE; calls to it get 486 from the dialplan.
 */
export function deviceState(facts: DeviceFacts): DeviceState {
  let ringing = false;
  let inUse = false;
  for (const channel of facts.channels) {
    if (rings(channel)) ringing = true;
    else inUse = true;
  }
  return stateOfCounts({ registered: facts.registered, ringing, inUse });
}

/** A channel rings its phone: the PBX's OUT leg to it, not yet answered. Any other channel keeps the phone in use. */
export function rings(channel: ChannelFacts): boolean {
  return channel.state !== 'Up' && channel.direction !== 'IN';
}

/** The same rules over what the channels add up to: whether any rings and whether any is in use. */
export function stateOfCounts(facts: { readonly registered: boolean; readonly ringing: boolean; readonly inUse: boolean }): DeviceState {
  const { ringing, inUse } = facts;
  if (ringing && inUse) return 'RINGINUSE';
  if (ringing) return 'RINGING';
  if (inUse) return 'INUSE';
  return facts.registered ? 'NOT_INUSE' : 'UNAVAILABLE';
}

/** RFC 4235 §4.1.1 direction: the phone placed the call (our IN leg) or receives it (our OUT leg). */
export type DialogDirection = 'initiator' | 'recipient';
/** RFC 4235 §3.7.1 states we use: `early` until answered, `confirmed` once answered, `terminated` once gone. */
export type DialogPhase = 'early' | 'confirmed' | 'terminated';

export interface DialogView {
  /** Unique per dialog for the life of the subscription: the channel's uniqueid. */
  readonly id: string;
  readonly callId: string;
  readonly direction: DialogDirection;
  readonly phase: DialogPhase;
  /** The number at the other end ('' when unknown). */
  readonly remote: string;
  readonly remoteName: string;
}

/** The channel facts a dialog view is made of. */
export interface DialogChannel extends ChannelFacts {
  readonly uniqueId: string;
  readonly sipCallId: string;
  readonly connectedNum: string;
  readonly connectedName: string;
}

export function dialogOf(channel: DialogChannel): DialogView {
  return {
    id: channel.uniqueId,
    callId: channel.sipCallId,
    direction: channel.direction === 'IN' ? 'initiator' : 'recipient',
    phase: channel.state === 'Up' ? 'confirmed' : 'early',
    remote: channel.connectedNum,
    remoteName: channel.connectedName,
  };
}

/** RFC 3863 basic status and a human note for a device state (Event: presence). */
export function presenceOf(state: DeviceState): { readonly basic: 'open' | 'closed'; readonly note: string; readonly onThePhone: boolean } {
  switch (state) {
    case 'UNAVAILABLE':
      return { basic: 'closed', note: 'Unavailable', onThePhone: false };
    case 'NOT_INUSE':
      return { basic: 'open', note: 'Ready', onThePhone: false };
    case 'RINGING':
      return { basic: 'open', note: 'Ringing', onThePhone: false };
    case 'BUSY':
      return { basic: 'open', note: 'Busy', onThePhone: false };
    case 'ONHOLD':
      return { basic: 'open', note: 'On hold', onThePhone: true };
    case 'INUSE':
    case 'RINGINUSE':
      return { basic: 'open', note: 'On the phone', onThePhone: true };
  }
}
