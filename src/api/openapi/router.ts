// openapi.php (spec §5): path info -> resource -> method -> key, tenant and access -> ObjectService.
// Framework-neutral like the proxyapi endpoint: an OpenApiRequest in, an OpenApiAnswer out.
import type { Caller, Services } from '../../services/index.ts';
import { PbxError, type Logger } from '../../shared/index.ts';
import { resolveCaller, type KeyedRequest } from './caller.ts';
import { knownError, methodNotAllowed, openApiAnswer } from '../error-answers.ts';
import { createObject, deleteObject, getByLabel, getObject, joinListFields, listObjects, updateObject, type JsonAnswer, type ObjectCall } from './object-handlers.ts';
import { queryRoute } from './query-form.ts';
import { primaryPath, resourceAt, schemaFor, type Resource } from './resource-table.ts';
import { entityRequest, type EntityCall } from './service-entity.ts';
import { servedBy, type ServedResource } from './service-resources.ts';

export interface OpenApiRequest extends KeyedRequest {
  readonly method: string;
  /** The path info after the base (`/extensions/12`), '' for the base itself. */
  readonly path: string;
  readText(): Promise<string>;
}

export interface OpenApiAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

const JSON_HEADERS = { 'Content-Type': 'application/json; charset=UTF-8', 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' };

const COLLECTION = ['GET', 'POST'];
const MEMBER = ['GET', 'PATCH', 'DELETE'];
const WRITES = new Set(['POST', 'PATCH', 'DELETE']);

/** A routed request: which resource, the rest of the path, and the method it is read as. */
interface Route {
  readonly resource: Resource;
  readonly rest: readonly string[];
  readonly method: string;
}

/** A verb `what` does not take: 405 naming the verbs it does take, in the message and the Allow header. */
export const refusedMethod = (method: string, what: string, allowed: readonly string[]): PbxError =>
  methodNotAllowed(`Method ${method} is not allowed on ${what}; use ${allowed.join(', ')}`, allowed);

export type OpenApiRouter = (request: OpenApiRequest) => Promise<OpenApiAnswer>;

export function openApiRouter(services: Services, logger: Logger): OpenApiRouter {
  return async (request) => {
    try {
      const answer = await serve(services, request);
      return { status: answer.status, headers: { ...JSON_HEADERS, ...answer.headers }, body: JSON.stringify(answer.json) };
    } catch (caught) {
      return openApiAnswer(knownError(caught, (unexpected) => logger.error({ err: unexpected, path: request.path }, 'openapi request failed')), JSON_HEADERS);
    }
  };
}

async function serve(services: Services, request: OpenApiRequest): Promise<JsonAnswer> {
  const route = routeOf(request);
  checkMethod(route);
  const caller = await resolveCaller(services, request);
  // A service-backed resource (service-resources.ts) is served by its service, never by a catalogue table.
  const served = servedBy(route.resource);
  const schema = served ? undefined : schemaFor(route.resource);
  const global = schema ? schema.tenantColumn === null : route.resource.scope === 'global';
  if (global && caller.principal.kind !== 'admin') {
    throw new PbxError('admin_required', `${primaryPath(route.resource)} needs the global (admin) API key.`);
  }
  if (WRITES.has(route.method) && caller.principal.kind === 'tenant' && caller.principal.readOnly) {
    throw new PbxError('read_only_key', `This API key is read-only: ${route.method} ${primaryPath(route.resource)} changes data.`);
  }
  if (request.query.get('global') === '1' && route.resource.scope === 'tenant+global') {
    if (caller.principal.kind !== 'admin') throw new PbxError('admin_required', 'global=1 needs the global (admin) API key.');
    throw new PbxError('not_implemented', `Not implemented: global=1 (the shared ${route.resource.object} rows).`);
  }
  if (served) return serviceRequest(services, served, route, request, caller);
  if (!schema) {
    const why = route.resource.missing ? `: it needs ${route.resource.missing}` : '';
    throw new PbxError('not_implemented', `Not implemented: ${primaryPath(route.resource)} (${route.resource.object}) is not served by Callgrid yet${why}.`);
  }
  const call: ObjectCall = { services, caller, resource: route.resource, schema, query: request.query };
  return objectRequest(call, route, request, caller);
}

/** `/<resource>[/...]`, two-segment resources (`/extensions/state`, `/auth/token`) first; unknown -> 404. */
function routeOf(request: OpenApiRequest): Route {
  const method = request.method === 'HEAD' ? 'GET' : request.method.toUpperCase();
  const segments = request.path.split('/').filter((s) => s !== '').map((s) => decodeSegment(s));
  if (segments.length === 0 && request.query.has('object')) return queryRoute(method, request.query);
  const pair = segments.length >= 2 ? resourceAt(`${segments[0]}/${segments[1]}`) : undefined;
  if (pair) return { resource: pair, rest: segments.slice(2), method };
  const single = segments[0] === undefined ? undefined : resourceAt(segments[0]);
  if (single) return { resource: single, rest: segments.slice(1), method };
  throw new PbxError('unknown_path', `Not found: no resource ${request.path || '/'}; the resources are listed in openapi.json.`);
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new PbxError('unknown_path', `Not found: the path segment ${segment} is not valid percent-encoding.`);
  }
}

/** The verbs of §5.1: checked before the key, as a wrong verb is wrong whoever sends it. */
function checkMethod(route: Route): void {
  const { resource, rest, method } = route;
  if (resource.kind !== 'object') {
    const allowed = resource.methods ?? ['GET'];
    if (!allowed.includes(method)) throw refusedMethod(method, primaryPath(resource), allowed);
    return;
  }
  const byNumber = resource.object === 'extension' && rest[0] === 'number';
  if (byNumber ? rest.length !== 2 : rest.length > 1) throw new PbxError('unknown_path', `Not found: ${primaryPath(resource)}/${rest.join('/')}.`);
  const allowed = byNumber ? ['GET'] : rest.length === 0 ? COLLECTION : MEMBER;
  // PUT would promise a full replacement; MiRTA documents PATCH, which updates only the fields sent.
  if (!allowed.includes(method)) throw refusedMethod(method, `${primaryPath(resource)}${rest.length ? '/{id}' : ''}`, allowed);
}

async function objectRequest(call: ObjectCall, route: Route, request: OpenApiRequest, caller: Caller): Promise<JsonAnswer> {
  const [first, second] = route.rest;
  if (first === 'number' && second !== undefined && call.resource.object === 'extension') return getByLabel(call, second);
  if (first === undefined) {
    if (route.method === 'GET') return listObjects(call);
    // §5.2: writes to tenant objects name their tenant, even with the global key.
    if (call.schema.tenantColumn && !caller.tenant) throw new PbxError('tenant_required', `Creating a ${call.schema.title} needs tenant=<tenant code>.`);
    return createObject(call, await jsonBody(call, request));
  }
  const id = idOf(call, first);
  if (route.method === 'GET') return getObject(call, id);
  if (call.schema.tenantColumn && !caller.tenant) throw new PbxError('tenant_required', `Changing a ${call.schema.title} needs tenant=<tenant code>.`);
  if (route.method === 'PATCH') return updateObject(call, id, await jsonBody(call, request));
  return deleteObject(call, id);
}

function idOf(call: ObjectCall, text: string): number {
  if (!/^[1-9]\d{0,9}$/.test(text) || Number(text) > 2_147_483_647) {
    throw new PbxError('not_found', `${call.schema.title} ${text} not found: ids are positive whole numbers.`);
  }
  return Number(text);
}

function serviceRequest(services: Services, served: ServedResource, route: Route, request: OpenApiRequest, caller: Caller): Promise<JsonAnswer> {
  const call: EntityCall = { services, caller, query: request.query, scope: caller.tenant?.te_id ?? null };
  if (served.kind === 'entity') return entityRequest(served.entity, call, route.method, route.rest, () => readJsonObject(request, `${served.entity.title.toLowerCase()} fields`));
  const what = `${primaryPath(route.resource)} fields`;
  return served.action.handle({ ...call, method: route.method, rest: route.rest, body: (optional = false) => readJsonObject(request, what, optional) });
}

/** The request body of a catalogue write: one JSON object, comma-list fields joined. */
async function jsonBody(call: ObjectCall, request: OpenApiRequest): Promise<Record<string, unknown>> {
  return joinListFields(call.resource, await readJsonObject(request, `${call.schema.title} fields`));
}

/** The request body: one JSON object (§5.1); an empty body is `{}` where the body is `optional` (DELETE). */
async function readJsonObject(request: OpenApiRequest, what: string, optional = false): Promise<Record<string, unknown>> {
  const text = await request.readText();
  if (optional && text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new PbxError('invalid_json', text.trim() === '' ? 'Invalid JSON: the body is empty; send a JSON object.' : 'Invalid JSON: the body does not parse as JSON.');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new PbxError('invalid_json', `Invalid JSON: expected an object of ${what}.`);
  }
  return parsed as Record<string, unknown>;
}
