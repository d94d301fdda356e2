// The CDR of a feature-code call (*78, *28<flow>...): the PBX answered it itself, so there is no Call and no
// dialled leg, but the phone did place a call and billing and history should show it, as Asterisk's do. One
// attempt landed on the PBX's own playback of the confirmation tone (`PLAYBACK:<code>`, lastapp `Playback`).
import type { FeatureCodeSummary } from '../apps/feature-codes/index.ts';
import type { CallAttempt, CallRecord } from '../cdr/index.ts';
import type { CallEnds } from './call-setup-types.ts';
import type { CallIds } from './call-ids.ts';

export function featureCodeRecord(ids: CallIds, ends: Omit<CallEnds, 'destination' | 'direction'>, dialled: string, summary: FeatureCodeSummary): CallRecord {
  const linkedId = ids.uniqueId(summary.startedAt);
  const leg = {
    uniqueId: linkedId,
    dstChannel: '',
    destination: dialled,
    landed: { kind: 'PLAYBACK', label: dialled },
    peerAccount: '',
    app: 'Playback',
    startedAt: summary.startedAt,
    endedAt: summary.endedAt,
  } as const;
  // Refused (no codec, no port) or left before the answer: the phone never talked to anything.
  const attempt: CallAttempt = summary.answeredAt === undefined ? { ...leg, disposition: 'FAILED' } : { ...leg, disposition: 'ANSWERED', answeredAt: summary.answeredAt };
  return {
    tenantId: ends.tenantId,
    tenantCode: ends.tenantCode,
    linkedId,
    direction: 'LOCAL',
    originateId: '',
    sipCallId: ends.sipCallId,
    caller: ends.caller,
    dialled,
    startedAt: summary.startedAt,
    endedAt: summary.endedAt,
    attempts: [attempt],
  };
}
