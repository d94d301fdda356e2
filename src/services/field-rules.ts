// Building blocks for the allow-listed write payloads of MANAGEDB objects, and
// the translation of validation failures into one clear line naming the field.
import { z } from 'zod';
import { PbxError } from '../shared/index.ts';

/** A whole number, also accepted as a numeric string (PHP clients send "800"). */
export const wholeNumber = (min = 0) =>
  z.unknown().transform((value, ctx) => {
    const number = typeof value === 'number' ? value : typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(number)) ctx.addIssue({ code: 'custom', message: 'expected a whole number' });
    else if (number < min) ctx.addIssue({ code: 'custom', message: `expected ${min} or more` });
    else if (number > 2_147_483_647) ctx.addIssue({ code: 'custom', message: 'too large' });
    else return number;
    return z.NEVER;
  }).describe(`a whole number from ${min} (also as digits text)`);

/** An optional reference to another object's id: empty string or null clears it. */
export const optionalId = () => z.union([z.literal('').transform(() => null), z.null()]).or(wholeNumber(1));

/** A whole number or nothing (empty string or null). */
export const optionalNumber = () => z.union([z.literal('').transform(() => null), z.null()]).or(wholeNumber());

// NUL is refused everywhere: PostgreSQL text cannot store it and no PBX field needs it.
export const text = (max: number) =>
  z
    .string({ error: 'expected text' })
    .max(max, `at most ${max} characters`)
    .refine((value) => !value.includes('\u0000'), 'must not contain NUL characters');

const FLAG_ON = new Set([true, 'on', 'yes', '1', 'true']);
const FLAG_OFF = new Set([false, 'off', 'no', '0', 'false', '']);

/** MiRTA's on/off flags: stored as 'on' or ''. */
export const flag = () =>
  z.unknown().transform((value, ctx) => {
    const key = typeof value === 'string' ? value.toLowerCase() : value;
    if (FLAG_ON.has(key as never)) return 'on';
    if (FLAG_OFF.has(key as never)) return '';
    ctx.addIssue({ code: 'custom', message: "expected 'on' or '' (also yes/no, 1/0, true/false)" });
    return z.NEVER;
  }).describe("'on' or '' (also yes/no, 1/0, true/false)");

/** Parse a payload against a strict schema; the first problem becomes a PbxError naming its field. */
export function parseFields<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new PbxError('invalid_parameter', `Invalid jsondata for ${what}: expected a JSON object of field names to values`);
  }
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue) throw new PbxError('invalid_parameter', `Invalid jsondata for ${what}`);
  if (issue.code === 'unrecognized_keys') {
    throw new PbxError('invalid_parameter', `Unknown field '${issue.keys[0] ?? ''}' for ${what}`);
  }
  const field = issue.path.join('.');
  const top = issue.path[0];
  if (typeof top === 'string' && !Object.hasOwn(input, top)) {
    throw new PbxError('missing_parameter', `Missing required field '${field}' for ${what}`);
  }
  const message = issue.code === 'invalid_type' || issue.code === 'invalid_union' ? describeExpected(issue) : issue.message;
  throw new PbxError('invalid_parameter', `Invalid ${field} for ${what}: ${message}`);
}

function describeExpected(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_union') {
    // The most specific branch is the one that got past the type check (e.g. 'expected a whole number').
    const inner = issue.errors.flat().find((i) => i.code === 'custom') ?? issue.errors.flat().find((i) => i.code !== 'invalid_type' && i.code !== 'invalid_value');
    return inner?.message ?? 'wrong type';
  }
  return issue.code === 'invalid_type' ? `expected ${issue.expected}` : issue.message;
}
