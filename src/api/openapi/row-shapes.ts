// The bodies openapi.php answers for catalogue rows (spec §5.5): raw rows as strings plus `id` and
// `name`; a single GET adds `object` and `related`; `/extensions` lists only a few fields.
import type { ObjectRow, ObjectSchema, Tenant } from '../../domain/index.ts';
import type { Resource } from './resource-table.ts';

type Cell = string | null;

const text = (value: ObjectRow[string] | undefined): Cell => (value === null || value === undefined ? null : String(value));

/** The visible columns as MiRTA shows them (every value a string or null), write-only ones left out. */
function rawRow(schema: ObjectSchema, row: ObjectRow): Record<string, Cell> {
  const out: Record<string, Cell> = {};
  for (const [column, value] of Object.entries(row)) {
    if (schema.columns[column]?.writeOnly) continue;
    out[column] = text(value);
  }
  return out;
}

const idOf = (schema: ObjectSchema, row: ObjectRow): number => Number(row[schema.idColumn]);
const nameOf = (resource: Resource, schema: ObjectSchema, row: ObjectRow): Cell => text(row[resource.nameColumn ?? schema.labelColumn]);

export function listItem(resource: Resource, schema: ObjectSchema, row: ObjectRow): Record<string, Cell | number> {
  if (resource.listFields) {
    return { id: idOf(schema, row), ...Object.fromEntries(Object.entries(resource.listFields).map(([field, column]) => [field, text(row[column])])) };
  }
  return { ...rawRow(schema, row), id: idOf(schema, row), name: nameOf(resource, schema, row) };
}

export function singleItem(resource: Resource, schema: ObjectSchema, row: ObjectRow, tenant: Tenant | undefined): Record<string, unknown> {
  const extra = Object.fromEntries(Object.entries(resource.getFields ?? {}).map(([field, column]) => [field, text(row[column])]));
  const owner = resource.getShowsTenant ? { tenant_code: tenant?.te_code ?? null, tenant_name: tenant?.te_name ?? null } : {};
  // Related collections (registrations, groups, destinations) come with their objects; MiRTA sends [] for none.
  return { ...rawRow(schema, row), id: idOf(schema, row), name: nameOf(resource, schema, row), ...extra, ...owner, object: resource.object, related: [] };
}
