// What a caller hears when no callee answered, and how the call is reported (CDR disposition).

export type Disposition = 'ANSWERED' | 'NO ANSWER' | 'BUSY' | 'FAILED' | 'CONGESTION';

/**
 * The status for the caller after every fork failed. RFC 3261 §16.7 step 6 (a forking proxy's choice) as a model:
 * a busy fork wins (486: the callee is there but busy); otherwise the last real failure, where a timeout reads as
 * 480 (nobody answered) rather than 408, which a phone would show as a network problem.
 */
export function failureStatus(busy: boolean, last: { status: number; reason: string } | undefined): { status: number; reason: string } {
  if (busy) return { status: 486, reason: 'Busy Here' };
  if (last === undefined || last.status === 408) return { status: 480, reason: 'Temporarily Unavailable' };
  // 6xx are global: passed on as they are. A 3xx would need redirect handling we do not do; it reads as 480.
  if (last.status >= 300 && last.status < 400) return { status: 480, reason: 'Temporarily Unavailable' };
  return last;
}
