// The SipStack's own counters (what it parsed, refused, dropped and answered), kept beside the transports'.
import type { SipStackCounters } from './stack-types.ts';

export function newCounters(): SipStackCounters {
  return {
    received: 0,
    requests: 0,
    responses: 0,
    malformedDropped: 0,
    malformedAnswered: 0,
    responsesDiscarded: 0,
    answers: {},
    delegateErrors: 0,
    sendErrors: 0,
  };
}

export function countAnswer(counters: SipStackCounters, status: number): void {
  counters.answers[status] = (counters.answers[status] ?? 0) + 1;
}

/** A copy the caller may keep: later packets do not change it. */
export function copyCounters(counters: SipStackCounters): SipStackCounters {
  return { ...counters, answers: { ...counters.answers } };
}
