// The HTTP edge: MiRTA's proxyapi.php and openapi.php at their known paths, a health check, and
// the single place where unexpected errors become a response.
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { redactUrl, type Logger } from '../shared/index.ts';
import type { Services } from '../services/index.ts';
import { proxyApiEndpoint } from './proxyapi/endpoint.ts';
import { honoRequest } from './proxyapi/hono-request.ts';
import { mountOpenApi } from './openapi/mount.ts';

export const PROXYAPI_PATHS = ['/pbx/proxyapi.php', '/mirtapbx/proxyapi.php', '/proxyapi'] as const;

export interface AppOptions {
  readonly logger: Logger;
  /** Largest request body accepted (media and fax uploads). */
  readonly maxBodyBytes?: number;
}

export function createApp(services: Services, options: AppOptions): Hono {
  const app = new Hono();
  const { logger } = options;

  // The access log costs a layer per request: only when debug logging is on.
  if (logger.isLevelEnabled('debug')) {
    app.use('*', async (c, next) => {
      const started = performance.now();
      await next();
      logger.debug({ method: c.req.method, url: redactUrl(c.req.url), status: c.res.status, ms: Math.round(performance.now() - started) }, 'http');
    });
  }
  // Only bodies need a limit; applied to GET it would make the adapter build a
  // full web Request per read (measured: about 30% of the CPU of a GET).
  const limitBody = bodyLimit({
    // Small until uploads (media, fax) exist; bodies are buffered in memory.
    maxSize: options.maxBodyBytes ?? 1024 * 1024,
    onError: (c) => c.text('Request body too large\n', 413, { 'X-Callgrid-Error': 'invalid_parameter' }),
  });
  app.use('*', (c, next) => (c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : limitBody(c, next)));

  const endpoint = proxyApiEndpoint(services, logger);
  const proxyApi = async (c: Context) => {
    // Hono routes HEAD to GET handlers; a HEAD must never run a reqtype (BALANCE would write).
    if (c.req.method === 'HEAD') return c.text('Method HEAD not allowed; use GET or POST\n', 405, { Allow: 'GET, POST', 'X-Callgrid-Error': 'method_not_allowed' });
    const answer = await endpoint(honoRequest(c));
    return c.body(answer.body, answer.status, answer.headers);
  };
  for (const path of PROXYAPI_PATHS) {
    app.get(path, proxyApi);
    app.post(path, proxyApi);
    app.all(path, (c) => c.text(`Method ${c.req.method} not allowed; use GET or POST\n`, 405, { Allow: 'GET, POST', 'X-Callgrid-Error': 'method_not_allowed' }));
  }
  // openapi.php (spec §5): the JSON REST endpoint and its OpenAPI document.
  mountOpenApi(app, services, logger);
  app.get('/healthz', (c) => c.json({ status: 'ok', node: services.system.nodeName }));

  app.notFound((c) => c.text(`No such endpoint ${c.req.path}; the API is at ${PROXYAPI_PATHS[0]}\n`, 404, { 'X-Callgrid-Error': 'not_found' }));
  app.onError((error, c) => {
    logger.error({ err: error, url: redactUrl(c.req.url) }, 'unhandled request error');
    return c.text('Internal error\n', 500, { 'X-Callgrid-Error': 'internal' });
  });
  return app;
}
