// Date-times as MiRTA shows and accepts them: `YYYY-MM-DD HH:MM:SS`, UTC.
import { PbxError } from './pbx-error.ts';

export function formatDateTime(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

const DATE_BOUND = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * Parse a `start`/`end` bound (`YYYY-MM-DD[ HH:MM[:SS]]`). A date-only `end`
 * covers the whole day, so it becomes 23:59:59 of that day.
 */
export function parseDateBound(parameter: string, value: string, bound: 'start' | 'end'): string {
  const match = DATE_BOUND.exec(value.trim());
  if (!match) {
    throw new PbxError('invalid_parameter', `Invalid ${parameter} '${value}': expected YYYY-MM-DD or YYYY-MM-DD HH:MM:SS`);
  }
  const [, y, mo, d, h, mi, s] = match as unknown as [string, string, string, string, string?, string?, string?];
  const wholeDay = h === undefined;
  const time = wholeDay ? (bound === 'end' ? '23:59:59' : '00:00:00') : `${h}:${mi}:${s ?? (bound === 'end' ? '59' : '00')}`;
  const text = `${y}-${mo}-${d} ${time}`;
  const check = new Date(`${y}-${mo}-${d}T${time}Z`);
  if (Number.isNaN(check.getTime()) || formatDateTime(check) !== text) {
    throw new PbxError('invalid_parameter', `Invalid ${parameter} '${value}': no such date or time`);
  }
  return text;
}
