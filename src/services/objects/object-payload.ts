// Validation of a MANAGEDB/openapi write against an object's schema: aliases resolved, unknown and
// server-set fields refused by name, every value checked against its column (no mass assignment).
import type { ColumnSpec, ObjectRow, ObjectSchema } from '../../domain/index.ts';
import { PbxError } from '../../shared/index.ts';

export type WriteMode = 'create' | 'update';

const FLAG_ON = new Set(['on', 'yes', '1', 'true']);
const FLAG_OFF = new Set(['off', 'no', '0', 'false', '']);
const DATETIME = /^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?$/;
const DECIMAL = /^-?\d{1,15}(\.\d{1,6})?$/;

/**
 * The stored columns a payload writes. `fixed` holds columns the caller may repeat but not change
 * (the id on update, the tenant): a different value there is refused rather than silently ignored.
 */
export function parsePayload(schema: ObjectSchema, input: unknown, mode: WriteMode, fixed: Readonly<Record<string, number>> = {}): ObjectRow {
  const what = schema.title;
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new PbxError('invalid_parameter', `Invalid jsondata for ${what}: expected a JSON object of field names to values`);
  }
  const row: ObjectRow = {};
  const sentAs = new Map<string, string>();
  for (const [field, value] of Object.entries(input)) {
    if (Object.hasOwn(fixed, field)) {
      if (String(value) !== String(fixed[field])) throw new PbxError('invalid_parameter', `Invalid ${field} for ${what}: it cannot be changed (it is ${fixed[field]})`);
      continue;
    }
    // Own properties only: `constructor` or `toString` must read as unknown fields, not as Object.prototype's.
    const column = Object.hasOwn(schema.columns, field) ? field : schema.aliases !== undefined && Object.hasOwn(schema.aliases, field) ? schema.aliases[field] : undefined;
    const spec = column === undefined || !Object.hasOwn(schema.columns, column) ? undefined : schema.columns[column];
    if (column === undefined || spec === undefined) throw new PbxError('invalid_parameter', `Unknown field '${field}' for ${what}`);
    if (spec.readOnly) throw new PbxError('invalid_parameter', `Invalid ${field} for ${what}: it is set by the PBX and cannot be written`);
    const earlier = sentAs.get(column);
    if (earlier !== undefined) throw new PbxError('invalid_parameter', `Invalid jsondata for ${what}: '${earlier}' and '${field}' both set ${column}; send one`);
    sentAs.set(column, field);
    row[column] = checkValue(spec, value, `${field} for ${what}`);
  }
  if (mode === 'create') {
    for (const [column, spec] of Object.entries(schema.columns)) {
      if (spec.required && (row[column] === undefined || row[column] === '' || row[column] === null)) {
        throw new PbxError('missing_parameter', `Missing required field '${column}' for ${what}`);
      }
      if (row[column] === undefined && spec.fallback !== undefined) row[column] = spec.fallback;
    }
  }
  return row;
}

function checkValue(spec: ColumnSpec, value: unknown, where: string): string | number | null {
  const invalid = (why: string) => new PbxError('invalid_parameter', `Invalid ${where}: ${why}`);
  switch (spec.kind) {
    case 'int': {
      if (value === null || value === '') return null;
      const number = typeof value === 'number' ? value : typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : Number.NaN;
      if (!Number.isSafeInteger(number)) throw invalid('expected a whole number');
      if (Math.abs(number) > 2_147_483_647) throw invalid('too large');
      if (spec.refersTo && number < 1) throw invalid('expected an id (1 or more)');
      return number;
    }
    case 'flag':
    case 'yesno': {
      const key = typeof value === 'string' ? value.toLowerCase() : typeof value === 'boolean' || typeof value === 'number' ? String(value) : undefined;
      if (key !== undefined && FLAG_ON.has(key)) return spec.kind === 'flag' ? 'on' : 'yes';
      if (key !== undefined && FLAG_OFF.has(key)) return spec.kind === 'flag' ? '' : key === '' ? '' : 'no';
      throw invalid(spec.kind === 'flag' ? "expected 'on' or '' (also yes/no, 1/0, true/false)" : "expected 'yes' or 'no'");
    }
    case 'datetime': {
      if (value === null || value === '') return null;
      if (typeof value !== 'string' || !DATETIME.test(value)) throw invalid('expected YYYY-MM-DD HH:MM:SS');
      return value.length === 10 ? `${value} 00:00:00` : value.length === 16 ? `${value}:00` : value;
    }
    case 'decimal': {
      if (value === null || value === '') return '';
      const textual = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
      if (typeof textual !== 'string' || !DECIMAL.test(textual)) throw invalid('expected a decimal number such as 12.50');
      return textual;
    }
    case 'text': {
      if (value === null) return '';
      // PHP clients send numbers for numeric-looking text ("cu_param1": 3564732920): keep their decimal text.
      const textual = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
      if (typeof textual !== 'string') throw invalid('expected text');
      if (textual.length > spec.max) throw invalid(`at most ${spec.max} characters (got ${textual.length})`);
      if (textual.includes('\u0000')) throw invalid('must not contain NUL characters');
      if (spec.values && !spec.values.includes(textual)) throw invalid(`expected one of ${spec.values.join(', ')}`);
      if (spec.pattern && textual !== '' && !spec.pattern.regex.test(textual)) throw invalid(`expected ${spec.pattern.describe}`);
      return textual;
    }
  }
}
