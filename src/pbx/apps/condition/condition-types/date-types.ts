// The date types: calendar entries (CALENDAR), one date (DATE), before / from / between dates (DATELESSER, DATEGREATER,
// DATEBETWEEN). Dates compare as the wall clock of the condition's zone; a date without a year, or co_param3 on,
// recurs every year (Christmas). Pure: a condition and its wall clock in, a verdict out.
import { err, ok, type Result } from '../../../../shared/index.ts';
import { bad, timed, verdict, type ConditionVerdict, type TypeEvaluator } from '../condition-verdict.ts';
import type { LocalTime } from '../local-time.ts';
import { dateEnd, dateStart, parseDate, parseFlag, parseTimeOfDay, parseTimeRange, type DatePoint } from '../schedule-parse.ts';
import { infoParam, param, type StoredCondition } from '../stored-condition.ts';

const DAY = 86_400;

/** A stretch of wall-clock time: from <= t < to. */
interface Span {
  readonly from: number;
  readonly to: number;
}

function datedPoint(text: string): Result<DatePoint> {
  const point = parseDate(text);
  if (point.ok && point.value.year === undefined) return err(`'${text}' needs its year in a calendar`);
  return point;
}

/**
 * One calendar entry, written either as dates (ce_param1 from, ce_param2 to: `2026-12-24 09:00`, `2026-12-26`; no
 * end = the rest of the start's day) or as a day and its hours (ce_param1 `2026-12-24`, ce_param2 `9:00`, ce_param3
 * `17:00`, the weektime layout). A time of day never reads as a date, so the two cannot be confused.
 */
export function calendarSpan(info: readonly string[]): Result<Span> {
  const start = datedPoint(infoParam(info, 1));
  if (!start.ok) return start;
  if (parseTimeOfDay(infoParam(info, 2)).ok) {
    if (start.value.second !== undefined) return err(`'${infoParam(info, 1)}' takes hours after it: write the date alone`);
    const day = dateStart(start.value, false);
    if (infoParam(info, 3) === '') return err(`hours from ${infoParam(info, 2)} need an end (ce_param3)`);
    const range = parseTimeRange(infoParam(info, 2), infoParam(info, 3));
    if (!range.ok) return range;
    // An end before the start is the next morning (a night's closure).
    return ok({ from: day + range.value.from, to: day + range.value.to + (range.value.to <= range.value.from ? DAY : 0) });
  }
  const from = dateStart(start.value, false);
  if (infoParam(info, 2) === '') return ok({ from, to: dateEnd({ ...start.value, second: undefined }, false) });
  const end = datedPoint(infoParam(info, 2));
  if (!end.ok) return end;
  const to = dateEnd(end.value, false);
  return to > from ? ok({ from, to }) : err(`${infoParam(info, 1)} to ${infoParam(info, 2)} is empty`);
}

/** CALENDAR: any entry (extended infos) holds now. */
export function calendar(condition: StoredCondition, now: LocalTime): ConditionVerdict {
  if (condition.infos.length === 0) return bad('no calendar entries (extended infos from, to)');
  const spans: Span[] = [];
  for (const [index, info] of condition.infos.entries()) {
    const span = calendarSpan(info);
    if (!span.ok) return bad(`calendar entry ${index + 1}: ${span.error}`);
    spans.push(span.value);
  }
  return verdict(spans.some((span) => now.wall >= span.from && now.wall < span.to));
}

/** The dates a date type names and whether they recur (co_param3, or a date written without its year). */
function datesOf(condition: StoredCondition, texts: readonly string[]): Result<{ points: DatePoint[]; recurring: boolean }> {
  const flag = parseFlag(param(condition, 3));
  if (!flag.ok) return err(`co_param3 (recurring): ${flag.error}`);
  const points: DatePoint[] = [];
  for (const text of texts) {
    const point = parseDate(text);
    if (!point.ok) return point;
    points.push(point.value);
  }
  if (points.length === 0) return err('no date given (co_param1)');
  return ok({ points, recurring: flag.value || points.some((p) => p.year === undefined) });
}

/** DATE: today is one of the dates (co_param1 and every extended info's ce_param1); a time written with them is ignored. */
export function dateExact(condition: StoredCondition, now: LocalTime): ConditionVerdict {
  const texts = [param(condition, 1), ...condition.infos.map((info) => infoParam(info, 1))].filter((t) => t !== '');
  const dates = datesOf(condition, texts);
  if (!dates.ok) return bad(dates.error);
  return verdict(dates.value.points.some((p) => p.month === now.month && p.day === now.day && (dates.value.recurring || p.year === now.year)));
}

/** DATELESSER (`before`) / DATEGREATER (from co_param1 on): complements, so one of the two always holds. */
function threshold(before: boolean): (condition: StoredCondition, now: LocalTime) => ConditionVerdict {
  return (condition, now) => {
    const dates = datesOf(condition, [param(condition, 1)].filter((t) => t !== ''));
    if (!dates.ok) return bad(dates.error);
    const [point] = dates.value.points;
    if (point === undefined) return bad('no date given (co_param1)');
    const at = dateStart(point, dates.value.recurring);
    const current = dates.value.recurring ? now.yearWall : now.wall;
    return verdict(before ? current < at : current >= at);
  };
}

/** DATEBETWEEN: co_param1 <= now < the end of co_param2 (a date alone ends after its whole day); recurring ranges may wrap the new year. */
export function dateBetween(condition: StoredCondition, now: LocalTime): ConditionVerdict {
  if (param(condition, 1) === '' || param(condition, 2) === '') return bad('a range needs co_param1 (from) and co_param2 (to)');
  const dates = datesOf(condition, [param(condition, 1), param(condition, 2)]);
  if (!dates.ok) return bad(dates.error);
  const [start, end] = dates.value.points;
  if (start === undefined || end === undefined) return bad('a range needs co_param1 (from) and co_param2 (to)');
  const { recurring } = dates.value;
  const from = dateStart(start, recurring);
  const to = dateEnd(end, recurring);
  const current = recurring ? now.yearWall : now.wall;
  if (from < to) return verdict(current >= from && current < to);
  // 24 December to 6 January, every year: the range wraps the new year. Once only, it is empty.
  if (recurring && from > to) return verdict(current >= from || current < to);
  return bad(`${param(condition, 1)} to ${param(condition, 2)} is empty`);
}

export const DATE_TYPES: Readonly<Record<string, TypeEvaluator>> = {
  CALENDAR: timed(calendar),
  DATE: timed(dateExact),
  DATELESSER: timed(threshold(true)),
  DATEGREATER: timed(threshold(false)),
  DATEBETWEEN: timed(dateBetween),
};
