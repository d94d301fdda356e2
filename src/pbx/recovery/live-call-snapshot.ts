// What the live-call journal keeps of a call in progress, as the JSON text of its lc_livecalls row: the CDR record
// as it would read if the call ended at the last write, each confirmed dialog's state (RFC 3261 §12) so a
// restarted node, which lost every transaction and dialog object, can still send an in-dialog BYE, and each
// INVITE it sent that had no final answer yet (a callee still ringing), so it can still CANCEL it (§9.1).
import { Dialog, type Endpoint, type SipRequest, type TransportProtocol } from '../../sip/index.ts';
import type { CallRecord } from '../cdr/index.ts';

/** A dialog as saved: the §12 dialog state, with where the peer was (its flow is gone after a restart). */
export interface SavedLeg {
  readonly role: 'uac' | 'uas';
  readonly callId: string;
  readonly localTag: string;
  readonly remoteTag: string;
  readonly localUri: string;
  readonly remoteUri: string;
  readonly remoteTarget: string;
  readonly routeSet: readonly string[];
  /** Our last CSeq number in the dialog when saved. */
  readonly localSeq: number;
  readonly secure: boolean;
  readonly localContact: string;
  readonly peer: Endpoint;
}

export interface LiveCallSnapshot {
  /** The record as if the call ended when it was saved; recovery moves its end to the heartbeat. */
  readonly record: CallRecord;
  /** The last attempt was still in progress (its end moves with the record's); false = it had already ended. */
  readonly openAttempt: boolean;
}

export function savedLeg(dialog: Dialog): SavedLeg {
  return {
    role: dialog.role,
    callId: dialog.callId,
    localTag: dialog.localTag,
    remoteTag: dialog.remoteTag,
    localUri: dialog.localUri,
    remoteUri: dialog.remoteUri,
    remoteTarget: dialog.remoteTarget,
    routeSet: [...dialog.routeSet],
    localSeq: dialog.localSeq,
    secure: dialog.secure,
    localContact: dialog.localContact,
    peer: { protocol: dialog.peer.endpoint.protocol, address: dialog.peer.endpoint.address, port: dialog.peer.endpoint.port },
  };
}

export function snapshotText(snapshot: LiveCallSnapshot): string {
  return JSON.stringify(snapshot);
}

export function legsText(legs: readonly SavedLeg[], invites: readonly SavedInvite[] = []): string {
  return JSON.stringify([...legs, ...invites]);
}

const DATE_KEYS = new Set(['startedAt', 'endedAt', 'answeredAt']);

/** The snapshot of a row; a clear error naming the column when the text is not one (a row from a broken write). */
export function parseSnapshot(text: string): LiveCallSnapshot {
  let value: unknown;
  try {
    value = JSON.parse(text, (key, v: unknown) => (DATE_KEYS.has(key) && typeof v === 'string' ? new Date(v) : v));
  } catch {
    throw new Error('lc_cdr is not JSON');
  }
  const snapshot = value as Partial<LiveCallSnapshot> | null;
  const record = snapshot?.record;
  if (record === undefined || typeof record.linkedId !== 'string' || !(record.startedAt instanceof Date) || Number.isNaN(record.startedAt.getTime()) || !Array.isArray(record.attempts)) {
    throw new Error('lc_cdr holds no call record (linkedId, startedAt, attempts)');
  }
  for (const attempt of record.attempts) {
    if (!(attempt.startedAt instanceof Date) || !(attempt.endedAt instanceof Date)) throw new Error('lc_cdr has an attempt without startedAt/endedAt');
  }
  return { record, openAttempt: snapshot?.openAttempt === true };
}

const PROTOCOLS: ReadonlySet<string> = new Set<TransportProtocol>(['udp', 'tcp', 'tls', 'ws', 'wss']);

/** The legs of a row; legs that lack what a BYE needs are dropped (nothing could be sent to them anyway). */
export function parseLegs(text: string): SavedLeg[] {
  return legsList(text).filter((leg): leg is SavedLeg => {
    const l = leg as Partial<SavedLeg> | null;
    return (
      typeof l?.callId === 'string' &&
      typeof l.localTag === 'string' &&
      typeof l.remoteTag === 'string' &&
      typeof l.remoteTarget === 'string' &&
      typeof l.localSeq === 'number' &&
      Array.isArray(l.routeSet) &&
      typeof l.peer?.address === 'string' &&
      typeof l.peer.port === 'number' &&
      PROTOCOLS.has(l.peer.protocol)
    );
  });
}

/**
 * An INVITE the node sent that had no final answer when saved: what §9.1 says a CANCEL must repeat of it (the
 * Request-URI, Call-ID, To, From with its tag, the CSeq number, the top Via with our branch, the Route set), and
 * where it went. Kept in lc_legs beside the dialogs, told apart by `kind` (older readers drop it: no localTag).
 */
export interface SavedInvite {
  readonly kind: 'invite';
  readonly uri: string;
  readonly via: string;
  readonly from: string;
  readonly to: string;
  readonly callId: string;
  readonly cseq: number;
  readonly routes: readonly string[];
  readonly peer: Endpoint;
}

/** The INVITE as the stack sent it (its Via added); undefined when it lacks what a CANCEL must repeat. */
export function savedInvite(request: SipRequest, destination: Endpoint): SavedInvite | undefined {
  const via = request.headers.getAll('via')[0];
  const from = request.headers.get('from');
  const to = request.headers.get('to');
  const callId = request.headers.get('call-id');
  const cseq = Number.parseInt(request.headers.get('cseq') ?? '', 10);
  if (request.method !== 'INVITE' || via === undefined || from === undefined || to === undefined || callId === undefined || !Number.isInteger(cseq)) return undefined;
  const routes = request.headers.entries().filter(([name]) => name === 'route').map(([, value]) => value);
  return { kind: 'invite', uri: request.uri, via, from, to, callId, cseq, routes, peer: { protocol: destination.protocol, address: destination.address, port: destination.port } };
}

/** The INVITEs of a row still waiting for an answer when it was written; malformed entries are dropped. */
export function parseInvites(text: string): SavedInvite[] {
  return legsList(text).filter((item): item is SavedInvite => {
    const i = item as Partial<SavedInvite> | null;
    return (
      i?.kind === 'invite' &&
      typeof i.uri === 'string' &&
      typeof i.via === 'string' &&
      typeof i.from === 'string' &&
      typeof i.to === 'string' &&
      typeof i.callId === 'string' &&
      typeof i.cseq === 'number' &&
      Array.isArray(i.routes) &&
      typeof i.peer?.address === 'string' &&
      typeof i.peer.port === 'number' &&
      PROTOCOLS.has(i.peer.protocol)
    );
  });
}

/** lc_legs as the list it holds (dialogs and INVITEs side by side); a clear error naming the column when it is not one. */
function legsList(text: string): unknown[] {
  if (text === '') return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('lc_legs is not JSON');
  }
  if (!Array.isArray(value)) throw new Error('lc_legs is not a list');
  return value;
}

/**
 * The saved dialog as a Dialog again, for a request a restarted node sends in it (a BYE, a final NOTIFY): its CSeq
 * `cseqGap` above the saved one, since requests sent after the last write may have used the next numbers and a peer
 * rejects only a lower one; its peer at the saved address, since the flow it used died with the process.
 */
export function restoredDialog(leg: SavedLeg, cseqGap: number): Dialog {
  return new Dialog({
    role: leg.role,
    state: 'confirmed',
    callId: leg.callId,
    localTag: leg.localTag,
    remoteTag: leg.remoteTag,
    localUri: leg.localUri,
    remoteUri: leg.remoteUri,
    remoteTarget: leg.remoteTarget,
    routeSet: leg.routeSet,
    localSeq: leg.localSeq + cseqGap - 1,
    remoteSeq: undefined,
    secure: leg.secure,
    localContact: leg.localContact,
    peer: { endpoint: leg.peer, flowId: undefined },
  });
}
