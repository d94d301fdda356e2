// The HTTP edge: MiRTA's proxyapi.php and openapi.php at their known paths, a health check, and the server's
// own answers (no such path, a method refused, an unexpected error), all through the error funnel.
import { Hono, type Context } from 'hono';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { PbxError, type Logger } from '../shared/index.ts';
import type { Services } from '../services/index.ts';
import { proxyApiEndpoint } from './proxyapi/endpoint.ts';
import { honoRequest } from './proxyapi/hono-request.ts';
import { knownError, methodNotAllowed, plainAnswer, type EdgeAnswer } from './error-answers.ts';
import { logUrl } from './log-url.ts';
import { mountOpenApi } from './openapi/mount.ts';
import { mountSmsWebhook } from './sms-webhook.ts';
import { DEFAULT_MAX_UPLOAD_BYTES, MAX_FORM_BYTES } from './request-body.ts';

export const PROXYAPI_PATHS = ['/pbx/proxyapi.php', '/mirtapbx/proxyapi.php', '/proxyapi'] as const;

export interface AppOptions {
  readonly logger: Logger;
  /** Largest multipart body accepted: the upload form (media, fax). Other bodies: MAX_FORM_BYTES. */
  readonly maxBodyBytes?: number;
  /** The node's state for /healthz: draining (shutting down) answers 503 so a load balancer stops sending. */
  readonly health?: { readonly draining: boolean };
}

const send = (c: Context, answer: EdgeAnswer) => c.body(answer.body, answer.status as 200, answer.headers);
const proxyApiMethodRefused = (method: string): EdgeAnswer => plainAnswer(methodNotAllowed(`Method ${method} not allowed; use GET or POST`, ['GET', 'POST']));

export function createApp(services: Services, options: AppOptions): Hono {
  const app = new Hono();
  const { logger } = options;

  // The access log costs a layer per request: only when debug logging is on.
  if (logger.isLevelEnabled('debug')) {
    app.use('*', async (c, next) => {
      const started = performance.now();
      await next();
      logger.debug({ method: c.req.method, url: logUrl(c.req.url, (name) => c.req.header(name)), status: c.res.status, ms: Math.round(performance.now() - started) }, 'http');
    });
  }
  // No body-limit middleware: it would read a whole body before the endpoint could refuse a banned
  // address or a bad key. Each endpoint reads its body itself, within caps, once it may (request-body.ts).
  const formLimits = { formBytes: MAX_FORM_BYTES, uploadBytes: options.maxBodyBytes ?? DEFAULT_MAX_UPLOAD_BYTES };

  const endpoint = proxyApiEndpoint(services, logger);
  const proxyApi = async (c: Context) => {
    // Hono routes HEAD to GET handlers; a HEAD must never run a reqtype (BALANCE would write).
    if (c.req.method === 'HEAD') return send(c, proxyApiMethodRefused('HEAD'));
    const answer = await endpoint(honoRequest(c, formLimits));
    return c.body(answer.body, answer.status, answer.headers);
  };
  for (const path of PROXYAPI_PATHS) {
    app.get(path, proxyApi);
    app.post(path, proxyApi);
    app.all(path, (c) => send(c, proxyApiMethodRefused(c.req.method)));
  }
  // openapi.php (spec §5): the JSON REST endpoint and its OpenAPI document.
  mountOpenApi(app, services, logger);
  // Inbound SMS from HTTP providers (sms-webhook.ts).
  mountSmsWebhook(app, services, logger);
  app.get('/healthz', (c) => {
    // ?stats=1 adds the process figures the soak (bench/soak) watches for growth; the plain answer stays as it was.
    const stats = c.req.query('stats') === '1' ? { process: processStats() } : {};
    return options.health?.draining
      ? c.json({ status: 'draining', node: services.system.nodeName, ...stats }, 503)
      : c.json({ status: 'ok', node: services.system.nodeName, ...stats });
  });

  app.notFound((c) => send(c, plainAnswer(new PbxError('not_found', `No such endpoint ${c.req.path}; the API is at ${PROXYAPI_PATHS[0]}`))));
  // Hono's one error handler: the endpoints answer their own errors, so what arrives here was not expected.
  app.onError((error, c) => {
    logger.error({ err: error, url: logUrl(c.req.url, (name) => c.req.header(name)) }, 'unhandled request error');
    return send(c, plainAnswer(knownError(error, () => undefined)));
  });
  return app;
}

// One event-loop delay histogram per process, started at the first stats read (10 ms resolution costs nothing).
let loopDelay: IntervalHistogram | undefined;

/** Memory and event-loop delay since the previous stats read (the histogram restarts at each read). */
function processStats() {
  const first = loopDelay === undefined;
  loopDelay ??= monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  // The histogram records each whole timer interval: the delay is what exceeds the 10 ms it was set for.
  const ms = (ns: number) => (Number.isFinite(ns) ? Math.max(0, Math.round(ns / 1e4 - 1000) / 100) : 0);
  const delay = first || loopDelay.count === 0 ? undefined : { meanMs: ms(loopDelay.mean), p99Ms: ms(loopDelay.percentile(99)), maxMs: ms(loopDelay.max) };
  loopDelay.reset();
  const memory = process.memoryUsage();
  return { pid: process.pid, rssBytes: memory.rss, heapUsedBytes: memory.heapUsed, heapTotalBytes: memory.heapTotal, externalBytes: memory.external, eventLoopDelay: delay ?? null };
}
