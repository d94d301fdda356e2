// The proxyapi.php endpoint: parameters, key and tenant, access rules, dispatch, rendering.
import type { ApiAnswer, ApiRequest } from './api-request.ts';
import { PbxError, isPbxError, type Logger } from '../../shared/index.ts';
import type { Services } from '../../services/index.ts';
import { HANDLERS } from './dispatch.ts';
import { publicError, statusOf } from './errors.ts';
import { parseCallback, parseFormat, render, renderError, type Rendering } from './format.ts';
import { PLAIN_AND_JSON, resolveNeed, type RequestContext } from './handler.ts';
import { translator } from './i18n.ts';
import { readParams, type Params } from './params.ts';
import { toReqtype } from './reqtypes.ts';

export type ProxyApiHandler = (request: ApiRequest) => Promise<ApiAnswer>;

export function proxyApiEndpoint(services: Services, logger: Logger): ProxyApiHandler {
  return async (request) => {
    let rendering: Rendering | undefined;
    try {
      const params = await readParams(request);
      // The format is known first, so that a bad callback is reported in it.
      rendering = { format: parseFormat(params.get('format')), callback: undefined };
      rendering = { ...rendering, callback: parseCallback(params.get('callback')) };
      if (rendering.callback !== undefined && rendering.format !== 'json') {
        throw new PbxError('invalid_callback', 'The callback parameter needs format=json');
      }
      const { body, contentType } = await answer(request, params, rendering, services);
      return { status: 200, headers: answerHeaders(contentType), body };
    } catch (caught) {
      const error = isPbxError(caught) ? publicError(caught) : new PbxError('internal', 'Internal error');
      if (!isPbxError(caught)) logger.error({ err: caught }, 'proxyapi request failed');
      const { body, contentType } = renderError(error, rendering);
      const headers: Record<string, string> = { ...answerHeaders(contentType), 'X-Callgrid-Error': error.code };
      if (error.retryAfterSeconds !== undefined) headers['Retry-After'] = String(error.retryAfterSeconds);
      return { status: statusOf(error.code), headers, body };
    }
  };
}

async function answer(request: ApiRequest, params: Params, rendering: Rendering, services: Services) {
  const useCache = params.word('cache') !== 'no';
  const caller = await services.access.resolve({
    key: presentedKey(request, params),
    tenantCode: params.get('tenant'),
    address: request.remoteAddress,
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
  if (!resolveNeed(handler.formats ?? PLAIN_AND_JSON, params).includes(rendering.format)) {
    throw new PbxError('unsupported_format', `Format ${rendering.format} is not available for ${reqtype}`);
  }

  const ctx: RequestContext = { params, caller, services, format: rendering.format, useCache, translate: translator(params.get('language')), address: request.remoteAddress };
  return render(await handler.handle(ctx), rendering, reqtype);
}

/** `key=`, then `X-API-Key`, then `Authorization: Bearer`. */
function presentedKey(request: ApiRequest, params: Params): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.header('authorization') ?? '')?.[1];
  return params.get('key') || request.header('x-api-key') || bearer || undefined;
}

/**
 * Plain answers are text/html for MiRTA clients; the sandbox policy keeps a
 * browser that opens one from running anything in it, whatever the data holds.
 */
function answerHeaders(contentType: string): Record<string, string> {
  return {
    'Content-Type': contentType,
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'; sandbox",
    'Cache-Control': 'no-store',
  };
}
