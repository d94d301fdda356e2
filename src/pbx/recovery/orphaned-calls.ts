// On start, a node ends the calls it lost when it was killed (SIGKILL, power loss): for each of its rows in the
// live-call journal it writes the CDR rows, ended at the last heartbeat (so no call is billed longer than it lasted)
// and marked `[node-restart]`, sends BYE in each dialog it kept (so phones and carriers stop at once instead of
// waiting for an RTP timeout), CANCEL for each INVITE still ringing a callee, then deletes the row. Runs before the
// node takes calls; its calls are long gone.
//
// The caller of a call still ringing gets nothing: its INVITE's server transaction died with the process, so no
// final answer can match it through the transaction layer, and a BYE is not allowed outside a confirmed dialog
// (§15). Its phone or carrier ends the attempt at its own timer (Timer C at a proxy, the phone's ring limit); the
// CDR is written all the same. A stateless final answer (a 503 built from the saved INVITE, §8.2.7) would need a
// stateless send in the SIP stack, which it does not offer.
import { Headers, type Endpoint, type SipRequest } from '../../sip/index.ts';
import type { Logger, Result } from '../../shared/index.ts';
import type { LiveCallRepository, LiveCallRow } from '../../store/index.ts';
import type { CallRecord } from '../cdr/index.ts';
import { endLostSubscription, isSubscriptionRow } from './lost-subscriptions.ts';
import { parseInvites, parseLegs, parseSnapshot, restoredDialog, type LiveCallSnapshot, type SavedInvite, type SavedLeg } from './live-call-snapshot.ts';

/** The SIP stack as recovery uses it: one request out, its answer not awaited. */
export interface ByeSender {
  sendRequest(request: SipRequest, destination: Endpoint, flowId?: string): Result<{ readonly final: Promise<unknown> }, string>;
}

export interface OrphanedCallPorts {
  readonly journal: Pick<LiveCallRepository, 'ofNode' | 'remove'>;
  /** The node's CDR writer: never rejects (it logs and counts what it could not store). */
  readonly cdrs: { write(record: CallRecord): Promise<void> };
  readonly sip: ByeSender;
  readonly logger: Logger;
}

export interface RecoveryReport {
  /** Calls ended (their CDR rows written). */
  readonly calls: number;
  /** BYEs handed to the SIP stack. */
  readonly byes: number;
  /** CANCELs handed to the SIP stack (callees still ringing). */
  readonly cancels: number;
  /** Subscriptions ended with a NOTIFY terminated;reason=deactivated (lost-subscriptions.ts). */
  readonly subscriptions: number;
  /** Rows that could not be read (logged and deleted). */
  readonly unreadable: number;
}

/**
 * The CSeq step of a recovery BYE over the last number saved. Requests sent after the last journal write (a
 * re-INVITE for hold, a NOTIFY of a transfer) may have used the next numbers; §12.2.2 has the peer reject only a
 * LOWER number (500), so a gap is safe where reusing a number is not.
 */
export const RECOVERY_CSEQ_GAP = 100;

/** Why the BYE: Q.850 41 (temporary failure), as the node failed; the text names the reason. */
const REASON = 'Q.850;cause=41;text="node-restart"';

export async function recoverOrphanedCalls(ports: OrphanedCallPorts, nodeName: string): Promise<RecoveryReport> {
  const rows = await ports.journal.ofNode(nodeName);
  let calls = 0;
  let byes = 0;
  let cancels = 0;
  let subscriptions = 0;
  let unreadable = 0;
  for (const row of rows) {
    if (isSubscriptionRow(row)) {
      if (endLostSubscription(ports.sip, ports.logger, row)) subscriptions++;
      await removeRow(ports, row);
      continue;
    }
    let snapshot: LiveCallSnapshot;
    let legs: SavedLeg[];
    let invites: SavedInvite[];
    try {
      snapshot = parseSnapshot(row.lc_cdr);
      legs = parseLegs(row.lc_legs);
      invites = parseInvites(row.lc_legs);
    } catch (error) {
      unreadable++;
      ports.logger.error({ err: error, linkedId: row.lc_linkedid }, 'recovery: a live-call row could not be read; its call has no CDR');
      await removeRow(ports, row);
      continue;
    }
    // The CDR first: it is the bill; a BYE that goes nowhere costs nothing.
    await ports.cdrs.write(endedAtHeartbeat(snapshot, row.lc_heartbeat));
    calls++;
    for (const leg of legs) if (sendBye(ports, leg, row.lc_linkedid)) byes++;
    for (const invite of invites) if (sendCancel(ports, invite, row.lc_linkedid)) cancels++;
    await removeRow(ports, row);
  }
  if (rows.length > 0) ports.logger.warn({ calls, byes, cancels, subscriptions, unreadable, node: nodeName }, 'recovery: ended the calls and subscriptions the node lost when it stopped');
  return { calls, byes, cancels, subscriptions, unreadable };
}

/**
 * The record of a lost call, ended at the heartbeat: never before the call (or its last attempt, or its answer)
 * started, so a call set up after the last heartbeat lasts 0 s rather than a negative time. Attempts already over
 * keep their own end. Every row is marked `[node-restart]` (cdr-rows.ts).
 */
export function endedAtHeartbeat(snapshot: LiveCallSnapshot, heartbeatMs: number): CallRecord {
  const { record, openAttempt } = snapshot;
  const notBefore = (...times: Date[]) => new Date(Math.max(heartbeatMs, ...times.map((t) => t.getTime())));
  const lastIndex = record.attempts.length - 1;
  const attempts = record.attempts.map((attempt, index) => {
    if (!openAttempt || index !== lastIndex) return attempt;
    const answer = attempt.disposition === 'ANSWERED' ? [attempt.answeredAt] : [];
    return { ...attempt, endedAt: notBefore(attempt.startedAt, ...answer) };
  });
  const endedAt = notBefore(record.startedAt, ...attempts.map((a) => a.endedAt));
  return { ...record, attempts, endedAt, endedBy: 'node-restart' };
}

/** A BYE built from the saved dialog state (§12.2.1.1): its Call-ID and tags, a higher CSeq, its route set, to its target. */
function sendBye(ports: OrphanedCallPorts, leg: SavedLeg, linkedId: string): boolean {
  try {
    const dialog = restoredDialog(leg, RECOVERY_CSEQ_GAP);
    const bye = dialog.createRequest('BYE', { headers: [['Reason', REASON]] });
    const sent = ports.sip.sendRequest(bye, leg.peer);
    if (!sent.ok) {
      ports.logger.warn({ linkedId, callId: leg.callId, error: sent.error }, 'recovery: BYE not sent');
      return false;
    }
    // The answer does not matter: a 481 means the peer already gave up, a timeout that it is gone.
    void sent.value.final.catch(() => undefined);
    return true;
  } catch (error) {
    ports.logger.warn({ err: error, linkedId, callId: leg.callId }, 'recovery: BYE could not be built');
    return false;
  }
}

/**
 * A CANCEL rebuilt from the saved INVITE (§9.1): the same Request-URI, Call-ID, From, To and CSeq number, the single
 * top Via with the INVITE's branch (so the callee's server transaction matches it, §9.2), its Route set, to where
 * the INVITE went. The callee answers 200 and stops ringing; its 487 to the INVITE finds no transaction here and
 * is dropped, so the callee retransmits it until its Timer H (32 s) ends the transaction, unACKed but harmless.
 */
function sendCancel(ports: OrphanedCallPorts, invite: SavedInvite, linkedId: string): boolean {
  const headers = new Headers();
  headers.append('Via', invite.via);
  for (const route of invite.routes) headers.append('Route', route);
  headers.append('Max-Forwards', '70');
  headers.append('From', invite.from);
  headers.append('To', invite.to);
  headers.append('Call-ID', invite.callId);
  headers.append('CSeq', `${invite.cseq} CANCEL`);
  headers.append('Reason', REASON);
  const cancel: SipRequest = { type: 'request', method: 'CANCEL', uri: invite.uri, version: 'SIP/2.0', headers, body: Buffer.alloc(0) };
  const sent = ports.sip.sendRequest(cancel, invite.peer);
  if (!sent.ok) {
    ports.logger.warn({ linkedId, callId: invite.callId, error: sent.error }, 'recovery: CANCEL not sent');
    return false;
  }
  void sent.value.final.catch(() => undefined);
  return true;
}

async function removeRow(ports: OrphanedCallPorts, row: LiveCallRow): Promise<void> {
  try {
    await ports.journal.remove(row.lc_linkedid);
  } catch (error) {
    // Left in place it is ended again at the next start: a second CDR is the lesser harm than a lost one.
    ports.logger.error({ err: error, linkedId: row.lc_linkedid }, 'recovery: a live-call row could not be deleted');
  }
}
