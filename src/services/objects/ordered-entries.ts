// The list a replace-style write sends: a JSON array, or an object keyed by position ({"1":..,"2":..},
// as one MiRTA client posts destinations, spec §3.2), read in position order.
import { PbxError } from '../../shared/index.ts';

export function orderedEntries(input: unknown, what: string, max: number): unknown[] {
  let entries: unknown[];
  if (Array.isArray(input)) {
    entries = input;
  } else if (input !== null && typeof input === 'object') {
    const keyed = Object.entries(input);
    for (const [key] of keyed) {
      if (!/^\d{1,6}$/.test(key)) throw new PbxError('invalid_parameter', `Invalid jsondata for ${what}: '${key}' is not a position (expected keys 1, 2, ...)`);
    }
    entries = keyed.sort(([a], [b]) => Number(a) - Number(b)).map(([, value]) => value);
  } else {
    throw new PbxError('invalid_parameter', `Invalid jsondata for ${what}: expected a JSON array (or an object keyed by position)`);
  }
  if (entries.length > max) throw new PbxError('invalid_parameter', `Invalid jsondata for ${what}: at most ${max} entries (got ${entries.length})`);
  return entries;
}
