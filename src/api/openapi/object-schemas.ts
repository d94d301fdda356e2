// The zod schemas of one catalogue object, built from its ColumnSpecs: the write body (create/update)
// and the rows openapi.php answers. The OpenAPI document and the tests use these; the service validates.
import { z } from 'zod';
import { visibleColumns, type ColumnSpec, type ObjectSchema } from '../../domain/index.ts';
import type { Resource } from './resource-table.ts';

// These mirror what services/objects/object-payload.ts accepts, as documentation: the service stays the
// judge, and a test sends every documented example to both and expects the same verdict.
const FLAG_WORDS = ['on', 'off', 'yes', 'no', '1', '0', 'true', 'false', ''];
const INT_TEXT = /^\s*-?\d+\s*$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?$/;
const DECIMAL = /^(-?\d{1,15}(\.\d{1,6})?)?$/;
const INT_MAX = 2_147_483_647;

/** JSON Schema has no case-insensitive flag: `on` becomes `[oO][nN]`. */
const anyCase = (words: readonly string[]) =>
  new RegExp(`^(${words.map((w) => [...w].map((ch) => (/[a-z]/.test(ch) ? `[${ch}${ch.toUpperCase()}]` : ch)).join('')).join('|')})$`);

/** One line a reader needs: kind, limits, whether required, write-only or read-only. */
export function describeColumn(spec: ColumnSpec): string {
  const parts: string[] = [spec.kind === 'text' && spec.values ? `one of ${spec.values.join(', ')}` : spec.kind];
  if ((spec.kind === 'text' || spec.kind === 'decimal') && !spec.values) parts.push(`at most ${spec.max} characters`);
  if (spec.pattern) parts.push(spec.pattern.describe);
  if (spec.refersTo) parts.push(`id of a ${spec.refersTo}`);
  if (spec.required) parts.push('required on create');
  if (spec.fallback !== undefined) parts.push(`default ${JSON.stringify(spec.fallback)}`);
  if (spec.writeOnly) parts.push('write-only: never shown');
  if (spec.readOnly) parts.push('set by the PBX');
  return parts.join('; ');
}

// Many columns share a spec (`col.text(255)`); zod schemas are costly to build, so one per distinct spec.
const values = new Map<string, z.ZodType>();

function valueSchema(spec: ColumnSpec): z.ZodType {
  const signature = JSON.stringify([spec.kind, spec.max, spec.values, spec.pattern?.regex.source, Boolean(spec.refersTo)]);
  let schema = values.get(signature);
  if (!schema) {
    schema = buildValueSchema(spec);
    values.set(signature, schema);
  }
  return schema;
}

function buildValueSchema(spec: ColumnSpec): z.ZodType {
  switch (spec.kind) {
    case 'int': {
      const number = z.number().int().min(spec.refersTo ? 1 : -INT_MAX).max(INT_MAX);
      return z.union([number, z.string().regex(INT_TEXT), z.literal(''), z.null()]);
    }
    case 'flag':
    case 'yesno':
      return z.union([z.string().regex(anyCase(FLAG_WORDS)), z.boolean(), z.literal(0), z.literal(1)]);
    case 'datetime':
      return z.union([z.string().regex(DATETIME), z.literal(''), z.null()]);
    case 'decimal':
      return z.union([z.string().regex(DECIMAL), z.number(), z.null()]);
    case 'text': {
      if (spec.values) return z.enum(spec.values as [string, ...string[]]);
      let text = z.string().max(spec.max);
      if (spec.pattern) text = text.regex(new RegExp(`^$|${spec.pattern.regex.source}`));
      // PHP clients send numbers for numeric-looking text; the service keeps their decimal text.
      return z.union([text, z.number(), z.null()]);
    }
  }
}

/** Aliases by the column they stand for, so a field's description can name its other spellings. */
function aliasesOf(schema: ObjectSchema): Map<string, string[]> {
  const byColumn = new Map<string, string[]>();
  for (const [alias, column] of Object.entries(schema.aliases ?? {})) byColumn.set(column, [...(byColumn.get(column) ?? []), alias]);
  return byColumn;
}

export type WriteMode = 'create' | 'update';

/**
 * The JSON body of POST (create) or PATCH (update): every writable column and alias, nothing else.
 * A required column may be sent under any of its names, so "required" is "one of these names".
 */
export function writeSchema(resource: Resource, schema: ObjectSchema, mode: WriteMode): z.ZodType {
  return memo(`${mode}:${schema.table}`, resource, () => buildWriteSchema(resource, schema, mode));
}

// Resources and schemas are constants: each object's zod schemas are built once per resource.
const built = new WeakMap<Resource, Map<string, z.ZodType>>();

function memo(key: string, resource: Resource, build: () => z.ZodType): z.ZodType {
  let byKey = built.get(resource);
  if (!byKey) {
    byKey = new Map();
    built.set(resource, byKey);
  }
  let schema = byKey.get(key);
  if (!schema) {
    schema = build();
    byKey.set(key, schema);
  }
  return schema;
}

function buildWriteSchema(resource: Resource, schema: ObjectSchema, mode: WriteMode): z.ZodType {
  const shape: Record<string, z.ZodType> = {};
  const required: string[][] = [];
  const aliases = aliasesOf(schema);
  const fixed = [schema.idColumn, ...(schema.tenantColumn ? [schema.tenantColumn] : [])];
  for (const column of fixed) {
    shape[column] = z.union([z.number().int(), z.string()]).optional().describe('may be repeated, never changed');
  }
  for (const [column, spec] of Object.entries(schema.columns)) {
    if (spec.readOnly) continue;
    const names = [column, ...(aliases.get(column) ?? [])];
    for (const name of names) {
      const others = names.filter((n) => n !== name);
      const base = valueSchema(spec);
      const value = resource.listValued?.includes(name) ? z.union([base, z.array(z.union([z.string(), z.number().int()]))]) : base;
      const note = `${describeColumn(spec)}${others.length ? `; also written as ${others.join(', ')}` : ''}`;
      shape[name] = value.optional().describe(name === column ? note : `alias of ${column}: ${note}`);
    }
    if (mode === 'create' && spec.required) required.push(names);
  }
  const body = z.strictObject(shape);
  if (required.length === 0) return body;
  const present = (input: Record<string, unknown>, names: string[]) => names.some((n) => input[n] !== undefined && input[n] !== '' && input[n] !== null);
  return body
    .refine((input) => required.every((names) => present(input, names)), { message: `missing a required field: ${required.map((n) => n.join(' or ')).join(', ')}` })
    .meta({ allOf: required.map((names) => ({ anyOf: names.map((name) => ({ required: [name] })) })) });
}

const cell = z.union([z.string(), z.null()]);

/** A raw row as openapi.php shows it: every visible column as a string or null, plus `id` and `name` (§5.5). */
export function rowSchema(schema: ObjectSchema) {
  const shape: Record<string, z.ZodType> = Object.fromEntries(visibleColumns(schema).map((column) => [column, cell]));
  return z.strictObject({ ...shape, id: z.number().int().describe(`copy of ${schema.idColumn}`), name: cell.describe('the label of the row') });
}

/** `GET /<objects>` items: the raw row, or the few fields the resource lists (`/extensions`). */
export function listItemSchema(resource: Resource, schema: ObjectSchema): z.ZodType {
  return memo(`list:${schema.table}`, resource, () => buildListItemSchema(resource, schema));
}

function buildListItemSchema(resource: Resource, schema: ObjectSchema): z.ZodType {
  if (!resource.listFields) return rowSchema(schema);
  const shape = Object.fromEntries(Object.keys(resource.listFields).map((field) => [field, cell]));
  return z.strictObject({ id: z.number().int(), ...shape });
}

/** `GET /<objects>/{id}`: the row plus `object`, `related` and the resource's extra fields (§5.5). */
export function getSchema(resource: Resource, schema: ObjectSchema): z.ZodType {
  return memo(`get:${schema.table}`, resource, () => buildGetSchema(resource, schema));
}

function buildGetSchema(resource: Resource, schema: ObjectSchema): z.ZodType {
  const extra: Record<string, z.ZodType> = Object.fromEntries(Object.keys(resource.getFields ?? {}).map((field) => [field, cell]));
  if (resource.getShowsTenant) Object.assign(extra, { tenant_code: cell, tenant_name: cell });
  return rowSchema(schema).extend({
    ...extra,
    object: z.literal(resource.object),
    related: z.union([z.array(z.never()).length(0), z.record(z.string(), z.unknown())]).describe('related collections; [] when none'),
  });
}

export const deletedSchema = z.strictObject({ deleted: z.literal(true), id: z.number().int() });

export const errorSchema = z.strictObject({ error: z.strictObject({ code: z.string(), message: z.string() }) });
