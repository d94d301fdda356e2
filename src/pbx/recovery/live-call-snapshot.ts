// What the live-call journal keeps of a call in progress, as the JSON text of its lc_livecalls row: the CDR record
// as it would read if the call ended at the last write, and each confirmed dialog's state (RFC 3261 §12) so a
// restarted node, which lost every transaction and dialog object, can still send an in-dialog BYE.
import type { Dialog, Endpoint, TransportProtocol } from '../../sip/index.ts';
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

export function legsText(legs: readonly SavedLeg[]): string {
  return JSON.stringify(legs);
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
  if (text === '') return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('lc_legs is not JSON');
  }
  if (!Array.isArray(value)) throw new Error('lc_legs is not a list');
  return value.filter((leg): leg is SavedLeg => {
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
