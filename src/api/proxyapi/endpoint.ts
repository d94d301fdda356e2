// The proxyapi.php endpoint: parameters, key and tenant, access rules, dispatch, rendering.
import type { ApiAnswer, ApiRequest } from './api-request.ts';
import { PbxError, type Logger } from '../../shared/index.ts';
import type { Services } from '../../services/index.ts';
import { HANDLERS } from './dispatch.ts';
import { knownError, mirtaAnswer } from '../error-answers.ts';
import { parseCallback, parseFormat, render, renderError, type Rendering } from './format.ts';
import { PLAIN_AND_JSON, resolveNeed, type RequestContext } from './handler.ts';
import { translator } from './i18n.ts';
import { readParams, readQueryParams, type Params, type QueryParams } from './params.ts';
import { toReqtype } from './reqtypes.ts';

export type ProxyApiHandler = (request: ApiRequest) => Promise<ApiAnswer>;

export function proxyApiEndpoint(services: Services, logger: Logger): ProxyApiHandler {
  return async (request) => {
    let rendering: Rendering | undefined;
    try {
      const query = readQueryParams(request.url);
      // Refusals made before the body is read answer in the format the query string asks for.
      rendering = queryRendering(query.values);
      // A banned address is refused before its body is read.
      services.access.checkAddress(request.remoteAddress);
      const params = request.hasForm ? await readBody(request, query, services) : await readParams(request, query);
      // The format is known first, so that a bad callback is reported in it.
      rendering = { format: parseFormat(params.get('format')), callback: undefined };
      rendering = { ...rendering, callback: parseCallback(params.get('callback')) };
      if (rendering.callback !== undefined && rendering.format !== 'json') {
        throw new PbxError('invalid_callback', 'The callback parameter needs format=json');
      }
      const { body, contentType, headers } = await answer(request, params, rendering, services);
      return { status: 200, headers: { ...answerHeaders(contentType), ...headers }, body };
    } catch (caught) {
      const failure = mirtaAnswer(knownError(caught, (unexpected) => logger.error({ err: unexpected }, 'proxyapi request failed')));
      const { body, contentType } = renderError(failure.shown, rendering);
      return { status: failure.status, headers: { ...answerHeaders(contentType), ...failure.headers }, body };
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
function presentedKey(request: ApiRequest, params: Params | ReadonlyMap<string, string>): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.header('authorization') ?? '')?.[1];
  return params.get('key') || request.header('x-api-key') || bearer || undefined;
}

/** The query string's format and callback when they are valid; otherwise plain, and the full check reports them. */
function queryRendering(query: ReadonlyMap<string, string>): Rendering | undefined {
  try {
    const rendering: Rendering = { format: parseFormat(query.get('format')), callback: parseCallback(query.get('callback')) };
    return rendering.callback === undefined || rendering.format === 'json' ? rendering : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The parameters of a request with a body. Its key is judged before the body is parsed, so a bad one
 * costs no parsing: a key in the query string or a header before the body is read, a key in a
 * multipart body (which costs the most to parse) before that parse. The body's key, MiRTA clients'
 * usual place, still wins over the others, as in PHP's $_REQUEST.
 */
async function readBody(request: ApiRequest, query: QueryParams, services: Services): Promise<Params> {
  const useCache = query.values.get('cache')?.trim().toLowerCase() !== 'no';
  const outside = presentedKey(request, query.values);
  if (outside) await services.access.screenKey(outside, request.remoteAddress, useCache);
  return readParams(request, query, async (bodyKey) => {
    if (bodyKey && bodyKey !== outside) await services.access.screenKey(bodyKey, request.remoteAddress, useCache);
  });
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
