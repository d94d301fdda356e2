// A phone's own attended transfer: REFER (RFC 3515) whose Refer-To carries Replaces (RFC 3891). The phone talks with
// A in one call and with C in another, both through us, and asks us to put A in its place in its dialog with C.
// A and C already send their RTP to our relay ports, so the relay pairs their two sides; each is then told whom it
// talks to now (connected-line.ts), the only request either gets. A call whose media is on rtpengine, which cannot
// pair two calls, first comes back to the relay (media-return.ts: a re-INVITE to each of its parties).
import { relaySideOf } from '../../media/index.ts';
import type { Logger } from '../../shared/index.ts';
import { dialogKey, type Dialog, type ServerTransaction, type SipStack } from '../../sip/index.ts';
import { tellEachOther, type IdentitySettings } from './connected-line.ts';
import type { DialogEntry, DialogTable } from './dialog-entry.ts';
import { isOffloaded } from './media-offload.ts';
import { returnToRelay } from './media-return.ts';
import { parseReplaces, type ReplacesTarget } from './replaces-header.ts';

export interface ReplacesDeps {
  readonly stack: SipStack;
  readonly logger: Logger;
  /** The B2BUA's dialogs: searched for the one Replaces names, and updated when the phone leaves both calls. */
  readonly dialogs: Pick<DialogTable, 'get' | 'set'>;
  /** Which identity headers each extension's phone reads; none = P-Asserted-Identity. */
  readonly identities?: IdentitySettings | undefined;
  /** Sends the REFER's implicit subscription a NOTIFY with a sipfrag status line (RFC 3515 §2.4.5). */
  notify(dialog: Dialog, status: string, state: string): void;
}

type PartyEntry = DialogEntry & { readonly side: 'a' | 'b' };

const DONE = 'terminated;reason=noresource';

/** Answers the REFER (400 for a Replaces it cannot read, else 202) and reports the outcome by NOTIFY. */
export function transferWithReplaces(deps: ReplacesDeps, transaction: ServerTransaction, referring: DialogEntry, replaces: string): void {
  const parsed = parseReplaces(replaces);
  if (!parsed.ok) return void deps.stack.respond(transaction, 400, parsed.error);
  const dialog = referring.leg.dialog;
  if (!isParty(referring) || dialog === undefined) return void deps.stack.respond(transaction, 403, 'Not A Party Of This Call');
  deps.stack.respond(transaction, 202, 'Accepted');
  deps.notify(dialog, '100 Trying', 'active;expires=60');
  const replaced = findReplaced(deps.dialogs, referring, parsed.value);
  if ('status' in replaced) {
    deps.logger.info({ linkedId: referring.call.callerChannel.linkedId, why: replaced.why }, 'call: attended transfer refused');
    return deps.notify(dialog, replaced.status, DONE);
  }
  if (!referring.call.joinable || !replaced.call.joinable) return deps.notify(dialog, '491 Request Pending', DONE);
  if (!isOffloaded(referring.call.relay) && !isOffloaded(replaced.call.relay)) return complete(deps, dialog, referring, replaced);
  // Joining is pairing two relay sides, which rtpengine has not: both calls' media come back to the relay first. A
  // party that refuses to move fails the transfer (488) and the phone keeps both calls, each with its audio.
  void Promise.all([returnToRelay(deps, referring.call), returnToRelay(deps, replaced.call)]).then(
    ([p, q]) => {
      if (!p || !q) {
        deps.logger.info({ linkedId: referring.call.callerChannel.linkedId }, 'call: attended transfer refused: media could not leave rtpengine');
        return deps.notify(dialog, '488 Not Acceptable Here', DONE);
      }
      // The re-INVITEs took a moment: a party may have hung up, or the calls changed, meanwhile.
      if (referring.call.over || replaced.call.over) return deps.notify(dialog, '487 Request Terminated', DONE);
      if (!referring.call.joinable || !replaced.call.joinable) return deps.notify(dialog, '491 Request Pending', DONE);
      complete(deps, dialog, referring, replaced);
    },
    (error: unknown) => {
      deps.logger.warn({ err: error }, 'call: attended transfer failed while media left rtpengine');
      deps.notify(dialog, '500 Server Internal Error', DONE);
    },
  );
}

/** Joins the two far parties, reports success to the phone and ends the dialog Replaces named. */
function complete(deps: ReplacesDeps, dialog: Dialog, referring: PartyEntry, replaced: PartyEntry): void {
  join(deps, referring, replaced);
  deps.notify(dialog, '200 OK', DONE);
  // RFC 3891 §3: whoever accepts the Replaces ends the replaced dialog with BYE. We took C's place in it, so the
  // BYE is ours; the phone ends the REFER's own dialog itself after the NOTIFY (and gets BYE there when A and C end).
  replaced.leg.bye();
}

/**
 * The party dialog Replaces names (RFC 3891 §3: Call-ID and both tags match), or the sipfrag status saying why not:
 * "If no match is found, the UAS rejects the INVITE and returns a 481 Call/Transaction Does Not Exist response."
 */
function findReplaced(dialogs: Pick<DialogTable, 'get'>, referring: PartyEntry, target: ReplacesTarget): PartyEntry | { status: string; why: string } {
  const missing = '481 Call/Transaction Does Not Exist';
  // §3: the to-tag is compared with the recipient's local tag, the from-tag with its remote tag; we are the recipient
  // of the phone's dialog. Some phones swap the two; both tags must match either way, so nothing else can match.
  const found = dialogs.get(dialogKey(target.callId, target.toTag, target.fromTag)) ?? dialogs.get(dialogKey(target.callId, target.fromTag, target.toTag));
  if (found === undefined || !isParty(found)) return { status: missing, why: 'no such dialog' };
  // Another tenant's dialog reads as not found: a transfer never joins parties across tenants.
  if (found.call.record.tenantId !== referring.call.record.tenantId) return { status: missing, why: 'dialog of another tenant' };
  // Only the phone's own dialogs: the one named must be held by the same account as the one the REFER came on.
  if (found.call.channelOf(found.side)?.account !== referring.call.channelOf(referring.side)?.account) return { status: missing, why: 'dialog of another phone' };
  if (found.call === referring.call) return { status: missing, why: 'Replaces names the REFER\'s own call' };
  // §3: "If the Replaces header field matches a confirmed dialog, it checks for the presence of the "early-only"
  // flag ... If present, the UAS MUST NOT replace the dialog" and answers 486. Every dialog we route is confirmed.
  if (target.earlyOnly) return { status: '486 Busy Here', why: 'early-only names a confirmed dialog' };
  return found;
}

/** Pairs the two remaining parties on the relay, and the phone's two dialogs stop speaking for either call. */
function join(deps: ReplacesDeps, referring: PartyEntry, replaced: PartyEntry): void {
  const p = referring.call;
  const q = replaced.call;
  const pStays = other(referring.side);
  const qStays = other(replaced.side);
  const transferee = p.channelOf(pStays);
  const target = q.channelOf(qStays);
  if (transferee === undefined || target === undefined) return;
  // A call whose media came back from rtpengine keeps its session object; the relay pairs its own sides behind it.
  relaySideOf(p.media.sideOf(pStays)).bridgeTo(relaySideOf(q.media.sideOf(qStays)));
  // The two parties negotiated in different calls: a dynamic format may carry a different number on each side
  // (telephone-event 101 here, 96 there), so each side's leg gets the other's events under its own number.
  const [eventsP, eventsQ] = [p.media.eventPayloadType(pStays), q.media.eventPayloadType(qStays)];
  if (eventsP !== undefined && eventsQ !== undefined && eventsP !== eventsQ) {
    p.media.sideOf(pStays).mapPayloadTypes({ [eventsQ]: eventsP });
    q.media.sideOf(qStays).mapPayloadTypes({ [eventsP]: eventsQ });
  }
  // The transferee's call records the joined talk (as ATXTRANSFER does); the target's call ends its record here.
  p.joinedByTransfer(referring.side, { partner: q, channel: target, record: { destination: target.extension || target.callerIdNum, peerAccount: target.account } });
  q.joinedByTransfer(replaced.side, { partner: p, channel: transferee });
  for (const entry of [referring, replaced]) {
    const dialog = entry.leg.dialog;
    if (dialog !== undefined) deps.dialogs.set(dialog.id, { call: entry.call, side: 'released', leg: entry.leg });
  }
  deps.logger.info({ linkedId: p.callerChannel.linkedId, transferee: transferee.name, target: target.name }, 'call: attended transfer by the phone, parties joined');
  // A's screen showed the phone, C's the phone too: each now shows the other.
  tellEachOther(deps, { call: p, side: pStays }, { call: q, side: qStays });
}

function isParty(entry: DialogEntry): entry is PartyEntry {
  return entry.side === 'a' || entry.side === 'b';
}

const other = (side: 'a' | 'b'): 'a' | 'b' => (side === 'a' ? 'b' : 'a');
