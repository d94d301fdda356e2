// The text forms the time conditions store (spec §3.4.11 extended infos: {"param1":"1","param2":"8:00","param3":"13:00"}):
// weekday lists, times of day, dates and days of the month, parsed into numbers or a reason they cannot be read.
import { err, ok, type Result } from '../../../shared/index.ts';
import { daysInMonth, RECURRING_YEAR, wallSeconds } from './local-time.ts';

const DAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const DAY = 86_400;

/** One day: 0-7 (0 and 7 Sunday, 1 Monday: cron and ISO agree on 1-6), or an English name of 3 letters or more. */
function weekday(token: string): number | undefined {
  if (/^[0-7]$/.test(token)) return Number(token) % 7;
  const lower = token.toLowerCase();
  if (lower.length < 3) return undefined;
  const index = DAY_NAMES.findIndex((name) => name.startsWith(lower));
  return index < 0 ? undefined : index;
}

/** `1`, `mon`, `mon-fri`, `1,3,5`, `fri-mon` (wraps through the weekend), `*` (every day). 0 = Sunday. */
export function parseWeekdays(text: string): Result<ReadonlySet<number>> {
  const spec = text.trim();
  if (spec === '') return err('no weekday given');
  if (spec === '*') return ok(new Set([0, 1, 2, 3, 4, 5, 6]));
  const days = new Set<number>();
  for (const token of spec.split(',').map((t) => t.trim())) {
    const [first, last, extra] = token.split('-').map((t) => t.trim());
    const from = weekday(first ?? '');
    const to = last === undefined ? from : weekday(last);
    if (from === undefined || to === undefined || extra !== undefined) return err(`'${token}' is not a weekday (0-7, mon..sun, or a range such as mon-fri)`);
    // Digits count up as written (0-7 and 1-7 are the whole week); otherwise a range wraps (fri-mon, 5-1).
    const span = /^\d$/.test(first ?? '') && /^\d$/.test(last ?? '') && Number(last) >= Number(first) ? Number(last) - Number(first) : (to - from + 7) % 7;
    for (let step = 0; step <= span; step++) days.add((from + step) % 7);
  }
  return ok(days);
}

/** H:MM or HH:MM (seconds, as a TIME column shows them, are read and ignored); minutes since midnight, 0..1440. */
export function parseTimeOfDay(text: string): Result<number> {
  const match = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text.trim());
  const hours = Number(match?.[1]);
  const minutes = Number(match?.[2]);
  const valid = match !== null && minutes < 60 && Number(match[3] ?? 0) < 60 && (hours < 24 || (hours === 24 && minutes === 0));
  return valid ? ok(hours * 60 + minutes) : err(`'${text}' is not a time of day (H:MM, 0:00 to 24:00)`);
}

/** A daily range in seconds of the day: from <= t < to; when to <= from it crosses midnight (22:00-6:00). */
export interface TimeRange {
  readonly from: number;
  readonly to: number;
}

/**
 * `from`-`to` as written: the end is where the range stops (9:00-17:00 holds up to 16:59:59), so shifts written
 * 8:00-13:00 and 13:00-17:00 do not overlap. 24:00, and 23:59 (what a picker without 24:00 offers), end the day.
 */
export function parseTimeRange(fromText: string, toText: string): Result<TimeRange> {
  const from = parseTimeOfDay(fromText);
  if (!from.ok) return from;
  const to = parseTimeOfDay(toText);
  if (!to.ok) return to;
  if (from.value === 24 * 60) return err('a range cannot start at 24:00');
  const end = to.value === 23 * 60 + 59 ? 24 * 60 : to.value;
  if (end === from.value) return err(`the range ${fromText}-${toText} is empty`);
  // An end of 24:00 is 86400 s: above every second of the day, so the range needs no midnight crossing.
  return ok({ from: from.value * 60, to: end * 60 });
}

/** Whether a second of the day is inside the range, read as one day's range (the midnight crossing wraps). */
export function inDailyRange(range: TimeRange, secondOfDay: number): boolean {
  return range.from < range.to ? secondOfDay >= range.from && secondOfDay < range.to : secondOfDay >= range.from || secondOfDay < range.to;
}

/** A date as written: with or without its year (without = every year), with or without a time of day. */
export interface DatePoint {
  readonly year: number | undefined;
  readonly month: number;
  readonly day: number;
  /** Seconds since midnight; undefined when only the date was given. */
  readonly second: number | undefined;
}

/** `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS]` (or with T), `MM-DD` (every year), `MM-DD HH:MM`. */
export function parseDate(text: string): Result<DatePoint> {
  const match = /^(?:(\d{4})-)?(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(text.trim());
  if (match === null) return err(`'${text}' is not a date (YYYY-MM-DD, optionally with HH:MM[:SS], or MM-DD for every year)`);
  const year = match[1] === undefined ? undefined : Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year ?? RECURRING_YEAR, month) || year === 0) return err(`'${text}' is not a date of the calendar`);
  if (match[4] === undefined) return ok({ year, month, day, second: undefined });
  const [hours, minutes, seconds] = [Number(match[4]), Number(match[5]), Number(match[6] ?? 0)];
  if (hours > 23 || minutes > 59 || seconds > 59) return err(`'${text}' has no valid time of day`);
  return ok({ year, month, day, second: hours * 3600 + minutes * 60 + seconds });
}

/** Where a date starts, in wall seconds (its midnight when it has no time); recurring: placed in the year 2000. */
export function dateStart(point: DatePoint, recurring: boolean): number {
  return wallSeconds(recurring ? RECURRING_YEAR : (point.year ?? RECURRING_YEAR), point.month, point.day, point.second ?? 0);
}

/** Where a range ending at `point` stops: after the whole day for a date alone or 23:59(:59), else at its time. */
export function dateEnd(point: DatePoint, recurring: boolean): number {
  const endsDay = point.second === undefined || point.second >= (23 * 60 + 59) * 60;
  return endsDay ? dateStart({ ...point, second: undefined }, recurring) + DAY : dateStart(point, recurring);
}

/** `1,15`, `1-10`, `last` (the month's last day, whatever its length): the days of the month a condition holds. */
export function parseDaysOfMonth(text: string): Result<{ readonly days: ReadonlySet<number>; readonly last: boolean }> {
  const spec = text.trim();
  if (spec === '') return err('no day of the month given');
  const days = new Set<number>();
  let last = false;
  for (const token of spec.split(',').map((t) => t.trim().toLowerCase())) {
    if (token === 'last' || token === 'l') {
      last = true;
      continue;
    }
    const match = /^(\d{1,2})(?:-(\d{1,2}))?$/.exec(token);
    const from = Number(match?.[1]);
    const to = Number(match?.[2] ?? match?.[1]);
    if (match === null || from < 1 || to > 31 || from > to) return err(`'${token}' is not a day of the month (1-31, a range such as 1-10, or last)`);
    for (let day = from; day <= to; day++) days.add(day);
  }
  return ok({ days, last });
}

/** A yes/no column: on, yes, 1, true (any case) or empty/off/no/0. */
export function parseFlag(text: string): Result<boolean> {
  const value = text.trim().toLowerCase();
  if (['on', 'yes', 'y', '1', 'true'].includes(value)) return ok(true);
  if (['', 'off', 'no', 'n', '0', 'false'].includes(value)) return ok(false);
  return err(`'${text}' is not a yes/no value (on or empty)`);
}

/** A comma list of names from `allowed` (any case; `aliases` map extra names to sets of allowed ones). */
export function parseNames(text: string, allowed: readonly string[], aliases: Readonly<Record<string, readonly string[]>> = {}): Result<ReadonlySet<string>> {
  const names = new Set<string>();
  for (const token of text.split(',').map((t) => t.trim().toUpperCase())) {
    if (token === '') continue;
    const expanded = allowed.includes(token) ? [token] : Object.hasOwn(aliases, token) ? aliases[token] : undefined;
    if (expanded === undefined) return err(`'${token}' is not one of ${[...allowed, ...Object.keys(aliases)].join(', ')}`);
    for (const name of expanded) names.add(name);
  }
  return names.size === 0 ? err(`no state given (one of ${allowed.join(', ')})`) : ok(names);
}
