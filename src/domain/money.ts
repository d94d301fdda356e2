// Balance amounts are kept as integer ten-thousandths, so sums are exact on
// SQLite and PostgreSQL alike and per-second telephony rates keep their precision.
import { PbxError } from '../shared/index.ts';

const SCALE = 10_000;
const AMOUNT = /^([+-]?)(\d{1,12})(?:\.(\d{1,4}))?$/;

export function parseAmount(parameter: string, text: string): number {
  const match = AMOUNT.exec(text.trim());
  if (!match) {
    throw new PbxError('invalid_parameter', `Invalid ${parameter} '${text}': expected a number with at most 4 decimals, e.g. 10.50 or -2`);
  }
  const [, sign, whole, fraction = ''] = match as unknown as [string, string, string, string?];
  const units = Number(whole) * SCALE + Number(fraction.padEnd(4, '0'));
  // Past 2^53 a double no longer holds every ten-thousandth exactly.
  if (!Number.isSafeInteger(units)) throw new PbxError('invalid_parameter', `Invalid ${parameter} '${text}': too large`);
  return sign === '-' ? -units : units;
}

/** `1234500` -> `123.45`; at least two decimals, up to four when they matter. */
export function formatAmount(units: number): string {
  const sign = units < 0 ? '-' : '';
  const abs = Math.abs(units);
  const whole = Math.floor(abs / SCALE);
  const fraction = String(abs % SCALE).padStart(4, '0').replace(/0{1,2}$/, '').padEnd(2, '0');
  return `${sign}${whole}.${fraction.length > 2 ? fraction.replace(/0+$/, '').padEnd(2, '0') : fraction}`;
}
