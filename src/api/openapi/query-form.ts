// The compatibility form `openapi.php?object=<object>&action=list|get|add|update|delete&id=<id>`
// (spec §5.1: documented for ailogs, generalised [INF]) read as the REST path and verb it stands for.
import { PbxError } from '../../shared/index.ts';
import { RESOURCES, resourceAt, type Resource } from './resource-table.ts';

const VERBS: Readonly<Record<string, { verb: string; needsId: boolean; post: boolean }>> = {
  list: { verb: 'GET', needsId: false, post: false },
  get: { verb: 'GET', needsId: true, post: false },
  add: { verb: 'POST', needsId: false, post: true },
  update: { verb: 'PATCH', needsId: true, post: true },
  delete: { verb: 'DELETE', needsId: true, post: true },
};

export interface QueryRoute {
  readonly resource: Resource;
  readonly rest: readonly string[];
  readonly method: string;
}

export function queryRoute(method: string, query: URLSearchParams): QueryRoute {
  const object = (query.get('object') ?? '').trim().toLowerCase();
  const resource = resourceAt(object) ?? resourceAt(`${object}s`) ?? RESOURCES.find((r) => r.object === object);
  if (!resource) throw new PbxError('unknown_object', `Not found: no object ${object}; the resources are listed in openapi.json.`);
  const action = (query.get('action') ?? 'list').trim().toLowerCase();
  const form = Object.hasOwn(VERBS, action) ? VERBS[action] : undefined;
  if (!form) throw new PbxError('unknown_action', `Not found: no action ${action}; expected ${Object.keys(VERBS).join(', ')}.`);
  // A change never rides on a GET, which browsers, proxies and crawlers repeat freely.
  if (form.post !== (method === 'POST')) {
    const allowed = form.post ? ['POST'] : ['GET'];
    throw new PbxError('method_not_allowed', `Method ${method} is not allowed for action=${action}; use ${allowed[0]}`, { allow: allowed });
  }
  const id = query.get('id');
  if (form.needsId && !id) throw new PbxError('missing_parameter', `action=${action} needs id=<id>.`);
  return { resource, rest: form.needsId && id ? [id] : [], method: form.verb };
}
