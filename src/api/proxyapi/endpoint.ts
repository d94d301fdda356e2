// The proxyapi.php endpoint: parameters, key and tenant, access rules, dispatch, rendering.
import type { Context } from 'hono';
import { PbxError, isPbxError, type Logger } from '../../shared/index.ts';
import type { Services } from '../../services/index.ts';
import { HANDLERS } from './dispatch.ts';
import { publicError, statusOf } from './errors.ts';
import { parseCallback, parseFormat, render, renderError, type Rendering } from './format.ts';
import { resolveNeed, type RequestContext } from './handler.ts';
import { translator } from './i18n.ts';
import { readParams, type Params } from './params.ts';
import { toReqtype } from './reqtypes.ts';

export function proxyApiEndpoint(services: Services, logger: Logger) {
  return async (c: Context): Promise<Response> => {
    let rendering: Rendering | undefined;
    try {
      const params = await readParams(c);
      rendering = { format: parseFormat(params.get('format')), callback: undefined };
      rendering = { ...rendering, callback: parseCallback(params.get('callback')) };
      if (rendering.callback !== undefined && rendering.format !== 'json') {
        throw new PbxError('invalid_callback', 'The callback parameter needs format=json');
      }
      const { body, contentType } = await answer(c, params, rendering, services);
      return respond(c, 200, body, contentType);
    } catch (caught) {
      const error = isPbxError(caught) ? publicError(caught) : new PbxError('internal', 'Internal error');
      if (!isPbxError(caught)) logger.error({ err: caught }, 'proxyapi request failed');
      const { body, contentType } = renderError(error, rendering);
      const response = respond(c, statusOf(error.code), body, contentType);
      response.headers.set('X-Callgrid-Error', error.code);
      if (error.code === 'too_many_auth_failures') response.headers.set('Retry-After', String(/(\d+) s$/.exec(error.message)?.[1] ?? 60));
      return response;
    }
  };
}

async function answer(c: Context, params: Params, rendering: Rendering, services: Services) {
  const useCache = params.word('cache') !== 'no';
  const caller = await services.access.resolve({
    key: presentedKey(c, params),
    tenantCode: params.get('tenant'),
    address: remoteAddress(c),
    useCache,
  });

  const reqtypeText = params.require('reqtype');
  const reqtype = toReqtype(reqtypeText);
  if (!reqtype) throw new PbxError('unknown_reqtype', `Unknown reqtype ${reqtypeText.trim().toUpperCase()}`);
  const handler = HANDLERS[reqtype];

  if (resolveNeed(handler.adminOnly, params) && caller.principal.kind !== 'admin') {
    throw new PbxError('admin_required', `${reqtype} needs the admin API key`);
  }
  if (resolveNeed(handler.tenant, params) === 'required' && !caller.tenant) {
    throw new PbxError('missing_parameter', 'No tenant specified');
  }
  if (resolveNeed(handler.writes, params) && caller.principal.kind === 'tenant' && caller.principal.readOnly) {
    throw new PbxError('read_only_key', `This API key is read-only: ${reqtype} changes data`);
  }

  const ctx: RequestContext = { params, caller, services, format: rendering.format, useCache, translate: translator(params.get('language')) };
  return render(await handler.handle(ctx), rendering, reqtype);
}

/** `key=`, then `X-API-Key`, then `Authorization: Bearer`. */
function presentedKey(c: Context, params: Params): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1];
  return params.get('key') || c.req.header('x-api-key') || bearer || undefined;
}

function remoteAddress(c: Context): string {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'local';
}

function respond(c: Context, status: 200 | 429 | 500, body: string, contentType: string): Response {
  // Plain answers are text/html for MiRTA clients; the sandbox policy keeps a browser
  // that opens one from running anything in it, whatever the data holds.
  return c.body(body, status, {
    'Content-Type': contentType,
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'; sandbox",
    'Cache-Control': 'no-store',
  });
}
