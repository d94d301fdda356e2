// List, get, create, update and delete of one catalogue object through ObjectService (spec §5.1, §5.5):
// the HTTP shapes only; validation, tenant scoping and references are the service's.
import type { ObjectRow, ObjectSchema, Tenant } from '../../domain/index.ts';
import type { Caller, Services } from '../../services/index.ts';
import { PbxError } from '../../shared/index.ts';
import type { Resource } from './resource-table.ts';
import { listItem, singleItem } from './row-shapes.ts';

export interface ObjectCall {
  readonly services: Services;
  readonly caller: Caller;
  readonly resource: Resource;
  readonly schema: ObjectSchema;
  readonly query: URLSearchParams;
}

export interface JsonAnswer {
  readonly status: number;
  readonly json: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** The tenant a request acts on: the key's, or the one the admin named; null = the admin's all-tenant view. */
const scopeOf = (call: ObjectCall): number | null => call.caller.tenant?.te_id ?? null;

// Query parameters that steer the request itself, never a column filter.
const RESERVED = new Set(['key', 'tenant', 'global', 'limit', 'offset', 'cache', 'spec', 'object', 'action', 'id']);

/** `?column=value` (or `?alias=value`) filters a list on visible columns; secrets cannot be probed. */
function filtersOf(call: ObjectCall): Record<string, string | number | null> {
  const where: Record<string, string | number | null> = {};
  for (const [name, value] of call.query) {
    if (RESERVED.has(name)) continue;
    // Own names only: `constructor` or `toString` must not find what every object inherits.
    const { columns, aliases = {} } = call.schema;
    const column = Object.hasOwn(columns, name) ? name : Object.hasOwn(aliases, name) ? aliases[name] : undefined;
    const spec = column !== undefined && Object.hasOwn(columns, column) ? columns[column] : undefined;
    if (column === undefined || !spec || spec.writeOnly) continue;
    if (spec.kind === 'int' && !/^-?\d+$/.test(value)) throw new PbxError('invalid_parameter', `Invalid filter ${name}=${value}: expected a whole number`);
    where[column] = spec.kind === 'int' ? Number(value) : value;
  }
  return where;
}

function pageOf(query: URLSearchParams): { limit?: number; offset?: number } {
  const read = (name: string, max: number): number | undefined => {
    const value = query.get(name);
    if (value === null) return undefined;
    if (!/^\d{1,9}$/.test(value) || Number(value) > max) throw new PbxError('invalid_parameter', `Invalid ${name} '${value}': expected a whole number from 0 to ${max}`);
    return Number(value);
  };
  const limit = read('limit', 100_000);
  const offset = read('offset', 1_000_000_000);
  return { ...(limit === undefined ? {} : { limit }), ...(offset === undefined ? {} : { offset }) };
}

export async function listObjects(call: ObjectCall): Promise<JsonAnswer> {
  const { services, resource, schema } = call;
  const where = filtersOf(call);
  const page = pageOf(call.query);
  const rows = await services.objects.list(schema.name, scopeOf(call), where, page);
  // §5.5 lists are bare arrays; with a page, the full count travels in a header so the shape stays MiRTA's.
  const headers: Record<string, string> = {};
  if (page.limit !== undefined || page.offset !== undefined) headers['X-Total-Count'] = String(await services.objects.count(schema.name, scopeOf(call), where));
  return { status: 200, json: rows.map((row) => listItem(resource, schema, row)), headers };
}

export async function getObject(call: ObjectCall, id: number): Promise<JsonAnswer> {
  return single(call, 200, await call.services.objects.get(call.schema.name, scopeOf(call), id));
}

/** `GET /extensions/number/{n}`: the extension with that number in the caller's tenant. */
export async function getByLabel(call: ObjectCall, label: string): Promise<JsonAnswer> {
  const [row] = await call.services.objects.list(call.schema.name, scopeOf(call), { [call.schema.labelColumn]: label }, { limit: 2 });
  if (!row) throw new PbxError('not_found', `${call.schema.title} ${label} not found`);
  return single(call, 200, row);
}

export async function createObject(call: ObjectCall, body: Record<string, unknown>): Promise<JsonAnswer> {
  return single(call, 201, await call.services.objects.create(call.schema.name, scopeOf(call), body));
}

export async function updateObject(call: ObjectCall, id: number, body: Record<string, unknown>): Promise<JsonAnswer> {
  return single(call, 200, await call.services.objects.update(call.schema.name, scopeOf(call), id, body));
}

export async function deleteObject(call: ObjectCall, id: number): Promise<JsonAnswer> {
  await call.services.objects.delete(call.schema.name, scopeOf(call), id);
  return { status: 200, json: { deleted: true, id } };
}

async function single(call: ObjectCall, status: number, row: ObjectRow): Promise<JsonAnswer> {
  return { status, json: singleItem(call.resource, call.schema, row, await ownerOf(call, row)) };
}

/** The row's tenant, for objects whose GET names it: the caller's, or looked up for the admin. */
async function ownerOf(call: ObjectCall, row: ObjectRow): Promise<Tenant | undefined> {
  if (!call.resource.getShowsTenant || !call.schema.tenantColumn) return undefined;
  const owner = Number(row[call.schema.tenantColumn]);
  if (call.caller.tenant?.te_id === owner) return call.caller.tenant;
  return call.services.tenants.get(owner);
}

/**
 * MiRTA's OpenAPI takes comma-list columns as arrays (`"callgroups":[1]`, §5.4); the service stores
 * the comma text. Only the fields the resource names are joined; any other array is the service's to refuse.
 */
export function joinListFields(resource: Resource, body: Record<string, unknown>): Record<string, unknown> {
  const out = { ...body };
  for (const field of resource.listValued ?? []) {
    const value = out[field];
    if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) out[field] = value.join(',');
  }
  return out;
}
