// Building blocks for the allow-listed write payloads of MANAGEDB objects, and
// the translation of validation failures into one clear line naming the field.
import { z } from 'zod';
import { PbxError } from '../shared/index.ts';

/** A whole number, also accepted as a numeric string (PHP clients send "800"). */
export const wholeNumber = (min = 0) =>
  z.union([z.number(), z.string().trim().regex(/^-?\d+$/, 'expected a whole number').transform(Number)]).pipe(z.number().int('expected a whole number').min(min, `expected ${min} or more`).max(2_147_483_647, 'too large'));

/** An optional reference to another object's id: empty string or null clears it. */
export const optionalId = () => z.union([z.literal('').transform(() => null), z.null(), wholeNumber(1)]);

export const text = (max: number) => z.string().max(max, `at most ${max} characters`);

/** MiRTA's on/off flags: stored as 'on' or ''. */
export const flag = () =>
  z
    .union([z.boolean(), z.enum(['on', 'off', 'yes', 'no', '', '1', '0'])])
    .transform((value) => (value === true || value === 'on' || value === 'yes' || value === '1' ? 'on' : ''));

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
  if (issue.code === 'invalid_type' && issue.input === undefined) {
    throw new PbxError('missing_parameter', `Missing required field '${field}' for ${what}`);
  }
  const message = issue.code === 'invalid_type' || issue.code === 'invalid_union' ? describeExpected(issue) : issue.message;
  throw new PbxError('invalid_parameter', `Invalid ${field} for ${what}: ${message}`);
}

function describeExpected(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_union') {
    const inner = issue.errors.flat().find((i) => i.code !== 'invalid_type');
    return inner?.message ?? 'wrong type';
  }
  return issue.code === 'invalid_type' ? `expected ${issue.expected}` : issue.message;
}
