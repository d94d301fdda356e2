// A call whose media is on rtpengine comes back to the built-in relay, for what only the relay can do: a phone's
// attended transfer pairs two calls' parties on it (replaces-transfer.ts), ATXTRANSFER consults on it, and a blind
// transfer to a destination that needs the PBX's media (blind-transfer.ts) plays, records or rings there. A relay
// session is opened, each party that moves is re-INVITEd with the relay's port in the description it already has
// (RFC 3264 §8: a new offer, its version one up), and once one took it the session becomes the call's
// (RtpengineSession.moveTo: the call's code keeps its session object, which stands for the relay's from then on);
// once every party asked took it, rtpengine forgets the call. While the re-INVITEs run, the relay already sends to
// each party where it wants its RTP, and rtpengine still forwards what a party sends it, so nobody hears a gap.
import type { RelaySessionControl, RelaySideControl, RtpengineSession, SessionDescription } from '../../media/index.ts';
import type { Logger } from '../../shared/index.ts';
import type { Dialog, SipStack } from '../../sip/index.ts';
import { requestInDialog } from './dialog-request.ts';
import { builtInRelayOf, isOffloaded } from './media-offload.ts';
import { mediaAddress, readSdp } from './media-plan.ts';

export interface MediaReturnDeps {
  readonly stack: SipStack;
  readonly logger: Logger;
}

interface PartyLeg {
  readonly dialog: Dialog | undefined;
  readonly signallingAddress: string;
}

/** The part of a Call this file reads and moves. */
export interface ReturningCall {
  readonly relay: RelaySessionControl;
  readonly over: boolean;
  readonly caller: { readonly leg: PartyLeg };
  readonly answeredLeg: PartyLeg | undefined;
  readonly media: {
    relayOffer(side: 'a' | 'b', port: number): string | undefined;
    movedToRelay(side: 'a' | 'b', offer: string): void;
  };
}

const BOTH = ['a', 'b'] as const;

/** Offloaded calls whose parties are being re-INVITEd: a second move of the same call meanwhile is refused. */
const MOVING = new WeakSet<RtpengineSession>();

/**
 * Moves the call's media to the built-in relay. `sides` are the parties re-INVITEd: both (the attended transfers), or
 * the caller alone when the callee is about to be released (a blind transfer). True when every party asked now
 * sends to the relay (or the call was not offloaded); false when the call could not move or a party refused the new
 * offer. When nobody took it the call stays wholly on rtpengine, as before; a refusing party next to one that moved
 * goes on through rtpengine, which keeps the call until it ends, and the party that moved talks through the relay.
 */
export async function returnToRelay(deps: MediaReturnDeps, call: ReturningCall, sides: ReadonlyArray<'a' | 'b'> = BOTH): Promise<boolean> {
  const session = call.relay;
  if (!isOffloaded(session)) return true;
  const legs = { a: call.caller.leg, b: call.answeredLeg };
  if (call.over || MOVING.has(session) || sides.some((side) => legs[side]?.dialog === undefined)) return false;
  MOVING.add(session);
  try {
    return await move(deps, call, session, legs, sides);
  } finally {
    MOVING.delete(session);
  }
}

async function move(deps: MediaReturnDeps, call: ReturningCall, session: RtpengineSession, legs: Record<'a' | 'b', PartyLeg | undefined>, sides: ReadonlyArray<'a' | 'b'>): Promise<boolean> {
  const relay = builtInRelayOf(session);
  const opened = await relay?.openSession();
  if (opened === undefined || !opened.ok) {
    deps.logger.warn({ error: opened?.error }, 'call: no relay session to take an offloaded call back');
    return false;
  }
  const moved = opened.value;
  // The call may have ended, or moved by another path, while the relay bound its ports.
  if (call.over || !isOffloaded(session)) {
    moved.close();
    return !call.over;
  }
  const offers = sides.map((side) => call.media.relayOffer(side, moved.side(side).localPort));
  if (offers.some((offer) => offer === undefined)) {
    moved.close();
    return false;
  }
  // The relay sends where each party wants its RTP now, and takes what it sends from there or its signalling address
  // (both sides: a party that stays on rtpengine for a moment, a blind transfer's callee, still hears the one that moved).
  for (const side of BOTH) pointSide(moved.side(side), session, side, legs[side]?.signallingAddress);
  const answers = await Promise.all(sides.map((side, index) => reinvite(deps, legs[side]?.dialog, offers[index] ?? '')));
  // Nobody took the offer: the call goes on wholly on rtpengine, as it was (its RTP timeout still rtpengine's counters).
  if (answers.every((answer) => answer === undefined) || session.closed) {
    moved.close();
    deps.logger.info({ rtpengineCall: session.id }, 'call: media stays on rtpengine (the re-INVITE was refused)');
    return false;
  }
  session.moveTo(moved);
  sides.forEach((side, index) => {
    const answer = answers[index];
    if (answer === undefined) return;
    call.media.movedToRelay(side, offers[index] ?? '');
    // The party's answer says where it wants its RTP now (RFC 3264 §8.3.1 lets it change), and whether it holds.
    const address = answer.description === undefined ? undefined : mediaAddress(answer.description);
    if (address !== undefined) {
      moved.side(side).setRemote(address.address, address.port);
      moved.hold(side, address.direction !== 'sendrecv');
    }
  });
  const all = answers.every((answer) => answer !== undefined);
  // Every party asked sends to the relay: rtpengine has nothing left to forward (a blind transfer's callee, not asked,
  // is released next). Else it keeps the call for the one that did not move.
  if (all) session.release();
  deps.logger.info({ rtpengineCall: session.id, sides, moved: answers.map((a) => a !== undefined) }, all ? 'call: media moved from rtpengine to the relay' : 'call: a party kept its media on rtpengine');
  return all && !call.over;
}

function pointSide(side: RelaySideControl, session: RtpengineSession, name: 'a' | 'b', signallingAddress: string | undefined): void {
  const endpoint = session.partyEndpoint(name);
  side.setRemote(endpoint?.address ?? '', endpoint?.port ?? 0, signallingAddress);
}

/**
 * Sends `offer` in a re-INVITE on `dialog` and ACKs a 2xx (§13.2.2.4): undefined when the party refused it (or never
 * answered), else its answer's description (undefined when it sent none we can read: it took the offer all the same).
 */
async function reinvite(deps: MediaReturnDeps, dialog: Dialog | undefined, offer: string): Promise<{ readonly description: SessionDescription | undefined } | undefined> {
  if (dialog === undefined) return undefined;
  const request = dialog.createRequest('INVITE', { body: offer, contentType: 'application/sdp' });
  const response = await requestInDialog(deps, dialog, request, 'the re-INVITE moving a party to the relay');
  if (response === undefined) return undefined;
  if (response.status >= 300) {
    deps.logger.info({ status: response.status }, 'call: a party refused the re-INVITE moving it to the relay');
    return undefined;
  }
  const answer = readSdp(response.body);
  return { description: answer.ok ? answer.value : undefined };
}
