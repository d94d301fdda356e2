// The date window of a listing (INFO cdrs, simplecdrs, sms, ivrlogs, recordings; INFO tenant's balance): `start` and
// `end` as dates or date-times (UTC; a date-only end covers its day), checked the one way MiRTA clients know the texts of.
import { PbxError, formatDateTime, parseDateBound, type Clock } from '../shared/index.ts';

/** Bounds as `YYYY-MM-DD HH:MM:SS`; a missing one leaves that side open. */
export interface DateWindow {
  readonly from?: string;
  readonly to?: string;
}

/**
 * `start`/`end` as given (trimmed; blank = not given). Neither given: today (UTC), or no bound at all with
 * `whenNone: 'open'` (calls named by id are found on any day).
 */
export function parseDateWindow(text: { readonly start?: string | undefined; readonly end?: string | undefined }, clock: Clock, whenNone: 'today' | 'open' = 'today'): DateWindow {
  const start = text.start?.trim() || undefined;
  const end = text.end?.trim() || undefined;
  if (start === undefined && end === undefined) {
    if (whenNone === 'open') return {};
    const today = formatDateTime(clock.now()).slice(0, 10);
    return { from: `${today} 00:00:00`, to: `${today} 23:59:59` };
  }
  return dateBounds(start, end);
}

/** `start` and `end` parsed as they are (undefined = open); an end before the start is refused. */
export function dateBounds(start: string | undefined, end: string | undefined): DateWindow {
  const from = start === undefined ? undefined : parseDateBound('start', start, 'start');
  const to = end === undefined ? undefined : parseDateBound('end', end, 'end');
  if (from !== undefined && to !== undefined && to < from) throw new PbxError('invalid_parameter', `Invalid end '${end}': it is before start '${start}'`);
  return { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) };
}
