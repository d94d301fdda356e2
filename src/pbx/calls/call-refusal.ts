// What a caller gets when its destination list ends with nobody: the CDR disposition of the status, and, for a
// caller the PBX already answered (a 486 cannot follow a 200), a busy or congestion tone before the BYE.
import type { Clock } from '../../shared/index.ts';
import type { CallAttempt, CallRecord, CallRefusal, FailedDisposition } from '../cdr/index.ts';
import type { Disposition } from './call-outcome.ts';
import type { PbxMedia } from './runner/pbx-media.ts';
import type { RingOutcome } from './runner/step.ts';

/** How long an answered caller hears the tone before the BYE: long enough to be heard as "busy", short enough to free the line. */
export const REFUSAL_TONE_MS = 4000;

/** The CDR disposition of an attempt that rang and ended as `ring` says (none: the attempt never rang anybody). */
export function dispositionOf(ring: RingOutcome | undefined): Disposition {
  if (ring === undefined) return 'FAILED';
  if (ring.kind === 'busy') return 'BUSY';
  if (ring.kind === 'noanswer' || ring.kind === 'caller-gone') return 'NO ANSWER';
  if (ring.kind === 'answered') return 'ANSWERED';
  if (ring.kind === 'failed' && (ring.status === 480 || ring.status === 408)) return 'NO ANSWER';
  return 'FAILED';
}

/**
 * The disposition of the status a caller is refused with; the last ringing decides for other statuses. A 480 is NO
 * ANSWER only when the attempt rang: an extension with no phone registered never rang, which Asterisk's Dial calls
 * CHANUNAVAIL and its CDR FAILED.
 */
export function dispositionOfStatus(status: number, lastRing: RingOutcome | undefined): Disposition {
  if (status === 486 || status === 600) return 'BUSY';
  if (status === 480 || status === 408 || status === 487) return lastRing === undefined ? 'FAILED' : 'NO ANSWER';
  if (status === 503) return 'CONGESTION';
  return dispositionOf(lastRing);
}

/**
 * How the CDR row of a call refused before any leg was placed reads (cdr/call-record.ts CallRefusal): the
 * disposition of its status as if nothing rang, and the Asterisk application a dialplan answers that way with.
 */
export function refusalOf(status: number): CallRefusal {
  const disposition = dispositionOfStatus(status, undefined) as FailedDisposition;
  const app = disposition === 'BUSY' ? 'Busy' : disposition === 'CONGESTION' ? 'Congestion' : 'Hangup';
  return { disposition, app, sipStatus: status };
}

/** Busy (for a busy refusal) or congestion, looped for REFUSAL_TONE_MS, then stopped. */
export async function playRefusalTone(media: PbxMedia, disposition: Disposition, clock: Clock): Promise<void> {
  const tone = disposition === 'BUSY' ? 'busy' : 'congestion';
  await Promise.race([media.play([{ kind: 'tone', tone }], { loop: true }), new Promise((resolve) => clock.setTimer(REFUSAL_TONE_MS, () => resolve(undefined)))]);
  media.stop();
}

/**
 * The attempts of a call as its CDR shows them: the last unanswered one keeps the SIP answer the caller was refused
 * with; a call refused before any step placed it anywhere (no route, a permission) is the one placed-nowhere row.
 */
export function refusedRecord(all: readonly CallAttempt[], refusedWith: number | undefined, stepAttempted: boolean): Pick<CallRecord, 'attempts' | 'refusal'> {
  const attempts = [...all];
  const last = attempts.at(-1);
  if (last === undefined || last.disposition === 'ANSWERED' || refusedWith === undefined) return { attempts };
  if (!stepAttempted && attempts.length === 1) return { attempts: [], refusal: refusalOf(refusedWith) };
  attempts[attempts.length - 1] = { ...last, sipStatus: refusedWith };
  return { attempts };
}
