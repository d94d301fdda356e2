// The recurring time types: a week's slots (WEEKTIME, MULTIWEEKTIME), daily hours (HOURS), weekdays (WEEKDAY) and
// days of the month (DAYOFMONTH). Pure: a condition and the wall clock of its zone in, a verdict out.
import type { Result } from '../../../../shared/index.ts';
import { bad, HOLDS, FAILS, MAX_BRANCHES, timed, verdict, type ConditionVerdict, type TypeEvaluator } from '../condition-verdict.ts';
import type { LocalTime } from '../local-time.ts';
import { inDailyRange, parseDaysOfMonth, parseTimeRange, parseWeekdays, type TimeRange } from '../schedule-parse.ts';
import { infoParam, param, type StoredCondition } from '../stored-condition.ts';

/** One slot of a week: days and a daily range. */
export interface WeekSlot {
  readonly days: ReadonlySet<number>;
  readonly range: TimeRange;
}

/**
 * Whether `now` is in the slot. A range that crosses midnight belongs to the day it starts on: `fri 22:00-6:00` is
 * Friday night until Saturday 06:00, as a person reads it (not Friday 00:00-06:00 as well, as Asterisk's mask would).
 */
export function inWeekSlot(slot: WeekSlot, now: LocalTime): boolean {
  const { from, to } = slot.range;
  if (from < to) return slot.days.has(now.weekday) && now.secondOfDay >= from && now.secondOfDay < to;
  return (slot.days.has(now.weekday) && now.secondOfDay >= from) || (slot.days.has((now.weekday + 6) % 7) && now.secondOfDay < to);
}

/** An extended info row as a week slot: ce_param1 weekday(s), ce_param2 from, ce_param3 to. */
export function weekSlot(info: readonly string[]): Result<WeekSlot> {
  const days = parseWeekdays(infoParam(info, 1));
  if (!days.ok) return days;
  const range = parseTimeRange(infoParam(info, 2), infoParam(info, 3));
  return range.ok ? { ok: true, value: { days: days.value, range: range.value } } : range;
}

/** WEEKTIME: any of the extended infos' slots holds now. */
export function weekTime(condition: StoredCondition, now: LocalTime): ConditionVerdict {
  if (condition.infos.length === 0) return bad('no time slots (extended infos weekday, from, to)');
  const slots: WeekSlot[] = [];
  for (const [index, info] of condition.infos.entries()) {
    const slot = weekSlot(info);
    if (!slot.ok) return bad(`time slot ${index + 1}: ${slot.error}`);
    slots.push(slot.value);
  }
  return verdict(slots.some((slot) => inWeekSlot(slot, now)));
}

/** MULTIWEEKTIME: the first slot (in the order written) that holds sends the call to CONDITION<ce_param4>. */
export function multiWeekTime(condition: StoredCondition, now: LocalTime): ConditionVerdict {
  if (condition.infos.length === 0) return bad('no time slots (extended infos weekday, from, to, branch)');
  const slots: Array<WeekSlot & { branch: number }> = [];
  for (const [index, info] of condition.infos.entries()) {
    const slot = weekSlot(info);
    const branch = Number(infoParam(info, 4));
    if (!slot.ok) return bad(`time slot ${index + 1}: ${slot.error}`);
    if (!/^\d{1,2}$/.test(infoParam(info, 4)) || branch < 1 || branch > MAX_BRANCHES) return bad(`time slot ${index + 1}: its branch '${infoParam(info, 4)}' is not 1..${MAX_BRANCHES}`);
    slots.push({ ...slot.value, branch });
  }
  const first = slots.find((slot) => inWeekSlot(slot, now));
  return first === undefined ? FAILS : { kind: 'holds', branch: first.branch };
}

/** HOURS: any daily range holds now, whatever the day: extended infos (ce_param1 from, ce_param2 to), or co_param1-2. */
export function hours(condition: StoredCondition, now: LocalTime): ConditionVerdict {
  const written = condition.infos.map((info) => [infoParam(info, 1), infoParam(info, 2)] as const);
  if (param(condition, 1) !== '' || param(condition, 2) !== '') written.push([param(condition, 1), param(condition, 2)]);
  if (written.length === 0) return bad('no hours (extended infos from, to, or co_param1 and co_param2)');
  const ranges: TimeRange[] = [];
  for (const [index, [from, to]] of written.entries()) {
    const range = parseTimeRange(from, to);
    if (!range.ok) return bad(`hours ${index + 1}: ${range.error}`);
    ranges.push(range.value);
  }
  return verdict(ranges.some((range) => inDailyRange(range, now.secondOfDay)));
}

/** WEEKDAY: co_param1 lists the days (mon-fri, 1,2,3, sat,sun). */
export function weekday(condition: StoredCondition, now: LocalTime): ConditionVerdict {
  const days = parseWeekdays(param(condition, 1));
  return days.ok ? verdict(days.value.has(now.weekday)) : bad(days.error);
}

/** DAYOFMONTH: co_param1 lists the days (1,15, 1-10, last). */
export function dayOfMonth(condition: StoredCondition, now: LocalTime): ConditionVerdict {
  const days = parseDaysOfMonth(param(condition, 1));
  if (!days.ok) return bad(days.error);
  return days.value.days.has(now.day) || (days.value.last && now.day === now.daysInMonth) ? HOLDS : FAILS;
}

export const TIME_TYPES: Readonly<Record<string, TypeEvaluator>> = {
  WEEKTIME: timed(weekTime),
  MULTIWEEKTIME: timed(multiWeekTime),
  HOURS: timed(hours),
  WEEKDAY: timed(weekday),
  DAYOFMONTH: timed(dayOfMonth),
};
