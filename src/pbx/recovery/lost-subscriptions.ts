// Subscriptions (BLF dialog, presence) a killed node held: their dialogs are journaled in lc_livecalls beside the
// calls, as rows keyed `sub:<hash of the dialog id>` (presence/subscription-journal.ts writes them). On start the
// node sends each subscriber a NOTIFY with Subscription-State: terminated;reason=deactivated, which RFC 6665
// §4.1.3 says the subscriber may answer by subscribing again at once; its BLF keys then come back on this node
// (or another behind the same edge) instead of staying dark until the subscription's own refresh.
import { createHash } from 'node:crypto';
import type { Endpoint, SipRequest } from '../../sip/index.ts';
import type { Logger, Result } from '../../shared/index.ts';
import type { LiveCallRow } from '../../store/index.ts';
import { parseLegs, restoredDialog, type SavedLeg } from './live-call-snapshot.ts';

/** The SIP stack as recovery uses it (orphaned-calls.ts's ByeSender): one request out, its answer not awaited. */
interface RequestSender {
  sendRequest(request: SipRequest, destination: Endpoint, flowId?: string): Result<{ readonly final: Promise<unknown> }, string>;
}

export const SUBSCRIPTION_ROW_PREFIX = 'sub:';

/**
 * How far a recovery NOTIFY's CSeq goes past the number saved. The journal saves a subscription again once it has
 * sent SUBSCRIPTION_RESAVE_STEP NOTIFYs since the last save, so at most that many can follow the saved number;
 * §12.2.2 has the subscriber reject only a LOWER number (500), so a gap is safe where reusing a number is not.
 */
export const SUBSCRIPTION_CSEQ_GAP = 100;
export const SUBSCRIPTION_RESAVE_STEP = 50;

/** The row key of a subscription dialog: its id can outgrow lc_linkedid's 96 characters, a hash cannot. */
export function subscriptionRowId(dialogId: string): string {
  return `${SUBSCRIPTION_ROW_PREFIX}${createHash('sha1').update(dialogId).digest('hex')}`;
}

export const isSubscriptionRow = (row: Pick<LiveCallRow, 'lc_linkedid'>): boolean => row.lc_linkedid.startsWith(SUBSCRIPTION_ROW_PREFIX);

/** What lc_cdr holds for a subscription row: the package as the SUBSCRIBE's Event named it (id parameter kept). */
export function subscriptionText(eventHeader: string): string {
  return JSON.stringify({ kind: 'subscription', event: eventHeader });
}

function eventOf(text: string): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('lc_cdr is not JSON');
  }
  const event = (value as { kind?: unknown; event?: unknown } | null)?.event;
  if ((value as { kind?: unknown } | null)?.kind !== 'subscription' || typeof event !== 'string' || event === '') throw new Error('lc_cdr holds no subscription event');
  return event;
}

/** The final NOTIFY (§4.2.2) in the saved dialog; false when the row is unreadable or the stack refused it. */
export function endLostSubscription(sip: RequestSender, logger: Logger, row: LiveCallRow): boolean {
  let event: string;
  let leg: SavedLeg | undefined;
  try {
    event = eventOf(row.lc_cdr);
    [leg] = parseLegs(row.lc_legs);
  } catch (error) {
    logger.warn({ err: error, row: row.lc_linkedid }, 'recovery: a subscription row could not be read');
    return false;
  }
  if (leg === undefined) return false;
  let notify: SipRequest;
  try {
    const dialog = restoredDialog(leg, SUBSCRIPTION_CSEQ_GAP);
    // No body: a terminated subscription has no state to report, and the package's versioning restarts with it.
    notify = dialog.createRequest('NOTIFY', { headers: [['Event', event], ['Subscription-State', 'terminated;reason=deactivated']] });
  } catch (error) {
    logger.warn({ err: error, callId: leg.callId }, 'recovery: the NOTIFY of a lost subscription could not be built');
    return false;
  }
  const sent = sip.sendRequest(notify, leg.peer);
  if (!sent.ok) {
    logger.warn({ callId: leg.callId, error: sent.error }, 'recovery: NOTIFY not sent');
    return false;
  }
  // A 481 means the subscriber had given up already; a timeout, that it is gone. Neither changes anything here.
  void sent.value.final.catch(() => undefined);
  return true;
}
