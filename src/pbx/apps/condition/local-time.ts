// The wall clock of a time zone at an instant, through Intl (the runtime's IANA data; no dependency), for the time
// conditions. Wall-clock seconds make dates comparable without converting local times back to instants, which DST
// makes ambiguous (02:30 happens twice on the autumn night, never on the spring one).
import { err, ok, type Result } from '../../../shared/index.ts';

export interface LocalTime {
  readonly year: number;
  /** 1..12 */
  readonly month: number;
  /** 1..31 */
  readonly day: number;
  /** 0 = Sunday .. 6 = Saturday. */
  readonly weekday: number;
  /** Seconds since local midnight, 0..86399. */
  readonly secondOfDay: number;
  /** Wall-clock seconds since 1970-01-01 00:00 of this zone: orders local date-times. */
  readonly wall: number;
  /** The same wall clock placed in the year 2000 (a leap year): orders dates that recur every year. */
  readonly yearWall: number;
  readonly daysInMonth: number;
}

/** Seconds from 1970-01-01 00:00 to the wall-clock date (UTC arithmetic: no zone, no DST). */
export function wallSeconds(year: number, month: number, day: number, secondOfDay = 0): number {
  return Date.UTC(year, month - 1, day) / 1000 + secondOfDay;
}

/** The year every recurring date is placed in: a leap year, so 29 February has a place. */
export const RECURRING_YEAR = 2000;

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

// Building a DateTimeFormat is the costly part; tenants use a handful of zones.
const MAX_FORMATS = 64;
const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat | undefined {
  const known = formats.get(timeZone);
  if (known !== undefined) return known;
  let format: Intl.DateTimeFormat;
  try {
    // h23: midnight is 00, never the 24 some engines gave with hour12: false.
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  } catch {
    return undefined;
  }
  if (formats.size >= MAX_FORMATS) formats.clear();
  formats.set(timeZone, format);
  return format;
}

/** The wall clock of `timeZone` (IANA name, e.g. Europe/Rome) at `now`; an error names a zone Intl does not know. */
export function localTime(now: Date, timeZone: string): Result<LocalTime> {
  const format = formatFor(timeZone);
  if (format === undefined) return err(`time zone '${timeZone}' is not an IANA time zone (such as Europe/Rome)`);
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(now)) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  const year = parts.year ?? NaN;
  const month = parts.month ?? NaN;
  const day = parts.day ?? NaN;
  const secondOfDay = ((parts.hour ?? NaN) % 24) * 3600 + (parts.minute ?? NaN) * 60 + (parts.second ?? NaN);
  if (![year, month, day, secondOfDay].every(Number.isFinite)) return err(`time zone '${timeZone}' gave no readable date`);
  return ok({
    year,
    month,
    day,
    weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay(),
    secondOfDay,
    wall: wallSeconds(year, month, day, secondOfDay),
    yearWall: wallSeconds(RECURRING_YEAR, month, day, secondOfDay),
    daysInMonth: daysInMonth(year, month),
  });
}
