// Reading a bench's knobs from the environment: each read once at start and checked, with an error naming the
// variable, so a typo stops the run before any server starts instead of skewing its figures.

/** A positive number; `fallback` when the variable is unset. */
export function positiveNumber(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
}

/** Comma-separated positive numbers, ascending: the steps of a ramp. */
export function positiveNumbers(name: string, fallback: string): number[] {
  const values = (process.env[name] ?? fallback).split(',').map(Number);
  if (values.some((value) => !Number.isFinite(value) || value <= 0)) throw new Error(`${name} must be a comma-separated list of positive numbers`);
  return values.sort((a, b) => a - b);
}

/** Comma-separated names out of `allowed`, case-folded, e.g. the servers or parts to run. */
export function namesOf<T extends string>(name: string, fallback: string, allowed: readonly T[]): Set<T> {
  const set = new Set((process.env[name] ?? fallback).split(',').map((item) => item.trim().toLowerCase()).filter(Boolean));
  for (const item of set) if (!(allowed as readonly string[]).includes(item)) throw new Error(`${name}: unknown ${item}; expected ${allowed.join(', ')}`);
  return set as Set<T>;
}

/** Space-separated words, e.g. extra node flags for Callgrid (`--cpu-prof --cpu-prof-dir=/tmp/prof`). */
export function words(name: string): string[] {
  return (process.env[name] ?? '').split(/\s+/).filter(Boolean);
}

/** `CALLGRID_X=1,CALLGRID_Y=2`: extra settings for the Callgrid under test; only CALLGRID_* names, so nothing else leaks in. */
export function callgridSettings(name: string): Record<string, string> {
  return Object.fromEntries(
    (process.env[name] ?? '')
      .split(',')
      .map((pair) => pair.trim())
      .filter(Boolean)
      .map((pair) => {
        const at = pair.indexOf('=');
        if (at <= 0 || !pair.startsWith('CALLGRID_')) throw new Error(`${name}: expected CALLGRID_NAME=value, got ${pair}`);
        return [pair.slice(0, at), pair.slice(at + 1)];
      }),
  );
}
