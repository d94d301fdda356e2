// openapi.php resources kept by a service rather than the object catalogue (tenants, users, settings,
// phonebooks, phonebook entries): the write-body schemas built from the service's own field rules,
// the row shapes, and the verbs of §5.1 mapped onto an Entity's list/get/create/update/delete.
import { z } from 'zod';
import type { Caller, Services } from '../../services/index.ts';
import { parseFields } from '../../services/index.ts';
import { PbxError } from '../../shared/index.ts';
import type { JsonAnswer } from './object-handlers.ts';

export interface EntityCall {
  readonly services: Services;
  readonly caller: Caller;
  readonly query: URLSearchParams;
  /** The caller's tenant id; null = the admin key without tenant, which reads every tenant. */
  readonly scope: number | null;
}

/** How a write body is read: the service's fields, MiRTA's aliases (§3.4), and non-column fields. */
export interface WriteSpec {
  /** The object's name in messages (`tenant`). */
  readonly what: string;
  /** Column -> the service's own zod rule for it (TENANT_FIELDS, ...). */
  readonly columns: Readonly<Record<string, z.ZodType>>;
  readonly aliases: Readonly<Record<string, string>>;
  /** Columns a create needs, under any of their names. */
  readonly required: readonly string[];
  /** Fields that are not columns (`tenant_ids`, `values`), with their rule. */
  readonly extra?: Readonly<Record<string, z.ZodType>>;
  /** Columns that may not be written after creation (documented as create-only). */
  readonly createOnly?: readonly string[];
}

export interface Entity {
  readonly title: string;
  readonly perTenant: boolean;
  readonly write: { readonly create: WriteSpec; readonly update: WriteSpec };
  /** Response schemas for the document: a list item, a single object, and a create answer when it differs. */
  readonly shown: { readonly item: z.ZodType; readonly get: z.ZodType; readonly created?: z.ZodType };
  list(call: EntityCall): Promise<unknown[]>;
  get(call: EntityCall, id: number): Promise<unknown>;
  create(call: EntityCall, tenantId: number | null, body: Record<string, unknown>): Promise<unknown>;
  update(call: EntityCall, tenantId: number | null, id: number, body: Record<string, unknown>): Promise<unknown>;
  delete(call: EntityCall, tenantId: number | null, id: number): Promise<void>;
}

const namesOf = (spec: WriteSpec, column: string): string[] => [column, ...Object.entries(spec.aliases).filter(([, c]) => c === column).map(([a]) => a)];

const built = new WeakMap<WriteSpec, z.ZodType>();

/** The JSON body schema of a write: every column under each of its names, and the extra fields. */
export function writeBodySchema(spec: WriteSpec): z.ZodType {
  const cached = built.get(spec);
  if (cached) return cached;
  const shape: Record<string, z.ZodType> = {};
  for (const [column, rule] of Object.entries(spec.columns)) {
    for (const name of namesOf(spec, column)) {
      const note = `${name === column ? column : `alias of ${column}`}${rule.description ? `: ${rule.description}` : ''}`;
      shape[name] = rule.optional().describe(spec.createOnly?.includes(column) ? `${note}; set on create only` : note);
    }
  }
  for (const [name, rule] of Object.entries(spec.extra ?? {})) shape[name] = rule.optional();
  const body = z.strictObject(shape);
  // "required" is "one of these names": the same allOf/anyOf the catalogue objects document.
  const schema = spec.required.length === 0 ? body : body.meta({ allOf: spec.required.map((c) => ({ anyOf: namesOf(spec, c).map((n) => ({ required: [n] })) })) });
  built.set(spec, schema);
  return schema;
}

/**
 * A write body as the service's columns plus the extra fields. The body schema judges it (it is made
 * of the service's own rules), and the service judges the columns again when it stores them.
 */
export function readBody(spec: WriteSpec, body: Record<string, unknown>, mode: 'create' | 'update'): { columns: Record<string, unknown>; extra: Record<string, unknown> } {
  const columns: Record<string, unknown> = {};
  const extra: Record<string, unknown> = {};
  const given: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) {
    const column = Object.hasOwn(spec.columns, name) ? name : Object.hasOwn(spec.aliases, name) ? spec.aliases[name] : undefined;
    if (column === undefined) {
      if (Object.hasOwn(spec.extra ?? {}, name)) extra[name] = value;
      continue;
    }
    const earlier = given[column];
    if (earlier !== undefined) throw new PbxError('invalid_parameter', `Fields ${earlier} and ${name} both set ${column}: send one`);
    given[column] = name;
    if (mode === 'update' && spec.createOnly?.includes(column)) throw new PbxError('invalid_parameter', `${name} cannot be changed after creation`);
    columns[column] = value;
  }
  if (mode === 'create') {
    for (const column of spec.required) {
      const value = columns[column];
      if (value === undefined || value === null || value === '') throw new PbxError('missing_parameter', `Missing required field '${namesOf(spec, column).join("' or '")}' for ${spec.what}`);
    }
  }
  // Unknown names, wrong types and values outside the rules are refused here, naming the field.
  parseFields(writeBodySchema(spec), body, spec.what);
  return { columns, extra };
}

const cell = z.union([z.string(), z.null()]);

/** A raw row as §5.5 shows it: the columns as strings or null, plus `id` and `name`. */
export function textRowSchema(columns: readonly string[], idColumn: string, labelColumn: string): z.ZodObject {
  return z.strictObject({ ...Object.fromEntries(columns.map((c) => [c, cell])), id: z.number().int().describe(`copy of ${idColumn}`), name: cell.describe(`copy of ${labelColumn}`) });
}

/** The single-object shape of §5.5: the row plus `object` and `related`. */
export const withObject = (row: z.ZodObject, object: string, related: z.ZodType = z.array(z.never()).length(0)) =>
  row.extend({ object: z.literal(object), related });

/** A stored row as MiRTA's raw rows: every value a string (null stays null), some columns hidden. */
export function textRow(row: object, columns: readonly string[], idColumn: string, labelColumn: string): Record<string, string | number | null> {
  const values = row as Record<string, unknown>;
  const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
  return { ...Object.fromEntries(columns.map((c) => [c, text(values[c])])), id: Number(values[idColumn]), name: text(values[labelColumn]) };
}

const COLLECTION = ['GET', 'POST'];
const MEMBER = ['GET', 'PATCH', 'DELETE'];

/** The verbs of an entity request; `body` reads the JSON object of a write. */
export async function entityRequest(
  entity: Entity,
  call: EntityCall,
  method: string,
  rest: readonly string[],
  body: () => Promise<Record<string, unknown>>,
): Promise<JsonAnswer> {
  const [first] = rest;
  // §5.2: writes to tenant objects name their tenant, even with the global key.
  const writeTenant = (verb: string): number | null => {
    if (!entity.perTenant) return null;
    if (call.scope === null) throw new PbxError('tenant_required', `${verb} a ${entity.title.toLowerCase()} needs tenant=<tenant code>.`);
    return call.scope;
  };
  if (first === undefined) {
    if (method === 'GET') return { status: 200, json: await entity.list(call) };
    return { status: 201, json: await entity.create(call, writeTenant('Creating'), await body()) };
  }
  const id = idOf(entity, first);
  if (method === 'GET') return { status: 200, json: await entity.get(call, id) };
  if (method === 'PATCH') return { status: 200, json: await entity.update(call, writeTenant('Changing'), id, await body()) };
  await entity.delete(call, writeTenant('Deleting'), id);
  return { status: 200, json: { deleted: true, id } };
}

export const entityVerbs = (rest: readonly string[]): readonly string[] | undefined => (rest.length === 0 ? COLLECTION : rest.length === 1 ? MEMBER : undefined);

function idOf(entity: Entity, text: string): number {
  if (!/^[1-9]\d{0,9}$/.test(text) || Number(text) > 2_147_483_647) {
    throw new PbxError('not_found', `${entity.title} ${text} not found: ids are positive whole numbers.`);
  }
  return Number(text);
}
