// The OpenAPI 3.1 document of openapi.php, generated from the catalogue's schemas (object-schemas.ts)
// and the resource table, once per base path, so it always matches what is served.
import { z } from 'zod';
import { deletedSchema, errorSchema, getSchema, listItemSchema, writeSchema } from './object-schemas.ts';
import type { Action } from './report-actions.ts';
import { RESOURCES, primaryPath, schemaFor, type Resource } from './resource-table.ts';
import { writeBodySchema, type Entity } from './service-entity.ts';
import { servedBy } from './service-resources.ts';

type Json = Record<string, unknown>;

/** A zod schema as a JSON Schema (2020-12, which OpenAPI 3.1 uses) without its `$schema` line. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, target: 'draft-2020-12' }) as Json;
  return rest;
}

const ref = (name: string, kind = 'schemas') => ({ $ref: `#/components/${kind}/${name}` });
const jsonContent = (schema: Json) => ({ content: { 'application/json': { schema } } });
export const pascal = (name: string): string => name.replace(/(^|[^a-z0-9])([a-z0-9])/gi, (_m, _sep: string, ch: string) => ch.toUpperCase());

const ERRORS = {
  '400': { description: 'tenant_required, invalid_json, missing_required_field, invalid_field', ...jsonContent(ref('Error')) },
  '401': { description: 'missing_api_key, invalid_api_key', ...jsonContent(ref('Error')) },
  '403': { description: 'admin_required, read_only_api_key', ...jsonContent(ref('Error')) },
  '404': { description: 'not_found, object_not_found, tenant_not_found', ...jsonContent(ref('Error')) },
};

type Names = { item: string; get: string; create: string; update: string; created?: string };

function objectPaths(resource: Resource, tag: string, perTenant: boolean, names: Names): Json {
  const aliases = resource.paths.slice(1).map((p) => `/${p}`);
  const also = aliases.length ? ` Also served at ${aliases.join(', ')}.` : '';
  const id = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } };
  const tenant = perTenant ? [ref('Tenant', 'parameters')] : [];
  return {
    [primaryPath(resource)]: {
      ...(aliases.length ? { 'x-aliases': aliases } : {}),
      parameters: tenant,
      get: { tags: [tag], summary: `List ${resource.object} objects.${also}`, responses: { '200': { description: 'Every row in scope (no pagination unless limit/offset are given).', ...jsonContent({ type: 'array', items: ref(names.item) }) }, ...ERRORS } },
      post: {
        tags: [tag],
        summary: `Create a ${resource.object}.`,
        requestBody: { required: true, ...jsonContent(ref(names.create)) },
        responses: { '201': { description: names.created ? 'The new object, as GET /{id} shows it, with what is shown only once.' : 'The new object, as GET /{id} shows it.', ...jsonContent(ref(names.created ?? names.get)) }, '409': { description: 'conflict', ...jsonContent(ref('Error')) }, ...ERRORS },
      },
    },
    [`${primaryPath(resource)}/{id}`]: {
      parameters: [id, ...tenant],
      get: { tags: [tag], summary: `One ${resource.object}.`, responses: { '200': { description: 'The row with object and related.', ...jsonContent(ref(names.get)) }, ...ERRORS } },
      patch: {
        tags: [tag],
        summary: `Update only the fields sent.`,
        requestBody: { required: true, ...jsonContent(ref(names.update)) },
        responses: { '200': { description: 'The object after the change.', ...jsonContent(ref(names.get)) }, '409': { description: 'conflict', ...jsonContent(ref('Error')) }, ...ERRORS },
      },
      delete: { tags: [tag], summary: `Delete a ${resource.object}.`, responses: { '200': { description: 'Deleted.', ...jsonContent(ref('Deleted')) }, '409': { description: 'in use', ...jsonContent(ref('Error')) }, ...ERRORS } },
    },
  };
}

function notServedPaths(resource: Resource): Json {
  const methods = resource.kind === 'object' ? ['get', 'post'] : (resource.methods ?? ['GET']).map((m) => m.toLowerCase());
  const why = resource.missing ? ` It needs ${resource.missing}.` : '';
  const operation = { tags: ['not implemented'], summary: `${resource.object}: documented by MiRTA, not served by Callgrid yet.${why}`, responses: { '501': { description: 'not_implemented', ...jsonContent(ref('Error')) } } };
  return { [primaryPath(resource)]: Object.fromEntries(methods.map((m) => [m, operation])) };
}

/** An entity's schemas (built from its service's field rules) under components, and its paths. */
function entityPaths(resource: Resource, entity: Entity, schemas: Json, tags: Json[]): Json {
  const stem = pascal(resource.object);
  const names: Names = { item: `${stem}ListItem`, get: stem, create: `${stem}Create`, update: `${stem}Update`, ...(entity.shown.created ? { created: `${stem}Created` } : {}) };
  schemas[names.item] = jsonSchema(entity.shown.item, 'output');
  schemas[names.get] = jsonSchema(entity.shown.get, 'output');
  if (entity.shown.created && names.created) schemas[names.created] = jsonSchema(entity.shown.created, 'output');
  schemas[names.create] = jsonSchema(writeBodySchema(entity.write.create), 'input');
  schemas[names.update] = jsonSchema(writeBodySchema(entity.write.update), 'input');
  tags.push({ name: resource.object, description: entity.perTenant ? 'per tenant' : 'global: admin key only' });
  return objectPaths(resource, resource.object, entity.perTenant, names);
}

/** A report or action: its methods with their query parameters, body and answer. */
function actionPaths(resource: Resource, action: Action, schemas: Json, tags: Json[]): Json {
  const stem = pascal(resource.object);
  const perTenant = resource.scope !== 'global';
  const item: Json = {};
  for (const [method, op] of Object.entries(action.operations)) {
    const name = `${stem}${pascal(method)}`;
    schemas[`${name}Response`] = jsonSchema(op.response, 'output');
    if (op.body) schemas[`${name}Body`] = jsonSchema(op.body, 'input');
    const query = (op.parameters ?? []).map((p) => ({ name: p.name, in: 'query', required: p.required ?? false, description: p.description, schema: { type: 'string' } }));
    item[method] = {
      tags: [resource.object],
      summary: op.summary,
      parameters: [...(perTenant ? [ref('Tenant', 'parameters')] : []), ...query],
      ...(op.body ? { requestBody: { required: method !== 'delete', ...jsonContent(ref(`${name}Body`)) } } : {}),
      'x-error-codes': op.errors,
      responses: { '200': { description: 'OK', ...jsonContent(ref(`${name}Response`)) }, ...ERRORS },
    };
  }
  tags.push({ name: resource.object, description: perTenant ? 'per tenant (tenant=% with the admin key for reports)' : 'global full key only' });
  const aliases = resource.paths.slice(1).map((p) => `/${p}`);
  const paths: Json = { [primaryPath(resource)]: { ...(aliases.length ? { 'x-aliases': aliases } : {}), ...item } };
  if (action.member && item.get) paths[`${primaryPath(resource)}/{id}`] = { parameters: [{ name: 'id', in: 'path', required: true, description: 'the id filter', schema: { type: 'string' } }], get: item.get };
  return paths;
}

function buildDocument(base: string): Json {
  const paths: Json = {};
  const schemas: Json = { Error: jsonSchema(errorSchema, 'output'), Deleted: jsonSchema(deletedSchema, 'output') };
  const tags: Json[] = [];
  for (const resource of RESOURCES) {
    const served = servedBy(resource);
    if (served) {
      Object.assign(paths, served.kind === 'entity' ? entityPaths(resource, served.entity, schemas, tags) : actionPaths(resource, served.action, schemas, tags));
      continue;
    }
    const schema = schemaFor(resource);
    if (!schema) {
      Object.assign(paths, notServedPaths(resource));
      continue;
    }
    const stem = pascal(resource.object);
    const names = { item: `${stem}ListItem`, get: stem, create: `${stem}Create`, update: `${stem}Update` };
    schemas[names.item] = jsonSchema(listItemSchema(resource, schema), 'output');
    schemas[names.get] = jsonSchema(getSchema(resource, schema), 'output');
    schemas[names.create] = jsonSchema(writeSchema(resource, schema, 'create'), 'input');
    schemas[names.update] = jsonSchema(writeSchema(resource, schema, 'update'), 'input');
    tags.push({ name: resource.object, description: `table ${schema.table}, id ${schema.idColumn}, ${schema.tenantColumn ? 'per tenant' : 'global: admin key only'}` });
    Object.assign(paths, objectPaths(resource, resource.object, schema.tenantColumn !== null, names));
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Callgrid openapi.php',
      version: '1',
      description: "MiRTA PBX's OpenAPI/JSON endpoint as Callgrid serves it. Tenant keys must send tenant=<code>; the admin key may omit it to read every tenant. Errors are {\"error\":{\"code\",\"message\"}}.",
    },
    servers: [{ url: base }],
    security: [{ queryKey: [] }, { headerKey: [] }, { bearer: [] }],
    tags,
    paths,
    components: {
      schemas,
      parameters: {
        Tenant: {
          name: 'tenant',
          in: 'query',
          required: false,
          description: 'Tenant code. Required with a tenant key and for writes; the admin key may omit it on reads to see every tenant.',
          schema: { type: 'string' },
        },
      },
      securitySchemes: {
        queryKey: { type: 'apiKey', in: 'query', name: 'key' },
        headerKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        bearer: { type: 'http', scheme: 'bearer' },
      },
    },
  };
}

// The catalogue is fixed once the modules are loaded, so each base's document is built once (building
// it costs a few hundred milliseconds of zod work: never per request).
const documents = new Map<string, { readonly json: Json; readonly text: string }>();

function cached(base: string): { readonly json: Json; readonly text: string } {
  let entry = documents.get(base);
  if (entry === undefined) {
    const json = buildDocument(base);
    entry = { json, text: JSON.stringify(json) };
    documents.set(base, entry);
  }
  return entry;
}

/** The document for a base path (shared: read it, do not change it). */
export function openApiDocument(base: string): Readonly<Json> {
  return cached(base).json;
}

/** The document as JSON text. */
export function openApiDocumentText(base: string): string {
  return cached(base).text;
}
