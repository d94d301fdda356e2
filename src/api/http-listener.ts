// The node:http request listener. GETs of proxyapi.php, the hot read path of
// every integration, go straight to the endpoint; everything else goes through
// Hono. Measured here: Hono's node adapter alone caps a GET at about 55% of a
// bare node:http server, because it builds web Request/Response objects.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import type { Hono } from 'hono';
import type { Logger } from '../shared/index.ts';
import { knownError, plainAnswer } from './error-answers.ts';
import { logUrl } from './log-url.ts';
import type { Services } from '../services/index.ts';
import { PROXYAPI_PATHS } from './app.ts';
import { NO_FORM, type ApiRequest } from './proxyapi/api-request.ts';
import { proxyApiEndpoint } from './proxyapi/endpoint.ts';
import { WriteBatch } from './write-batch.ts';

const FAST_PATHS = new Set<string>(PROXYAPI_PATHS);

export function createHttpListener(app: Hono, services: Services, logger: Logger): RequestListener {
  const viaHono = getRequestListener(app.fetch);
  const endpoint = proxyApiEndpoint(services, logger);
  const debug = logger.isLevelEnabled('debug');
  const batch = new WriteBatch((error) => logger.error({ err: error }, 'writing an answer failed'));
  const failed = (request: IncomingMessage, response: ServerResponse, url: string, error: unknown): void => {
    logger.error({ err: error, url: logUrl(url, (name) => headerOf(request, name)) }, 'unhandled request error');
    // The same answer as Hono's error handler (app.ts) gives.
    const answer = plainAnswer(knownError(error, () => undefined));
    if (!response.headersSent) response.writeHead(answer.status, answer.headers);
    response.end(answer.body);
  };

  const fast = async (request: IncomingMessage, response: ServerResponse, url: string): Promise<void> => {
    const started = debug ? performance.now() : 0;
    const get = new NodeGetRequest(request, url);
    const answer = await endpoint(get);
    // Written with the rest of this turn's answers (write-batch.ts says why).
    batch.add(() => {
      try {
        response.writeHead(answer.status, { ...answer.headers, 'Content-Length': Buffer.byteLength(answer.body) });
        response.end(answer.body);
      } catch (error) {
        failed(request, response, url, error);
        return;
      }
      if (debug) logger.debug({ method: 'GET', url: logUrl(url, (name) => get.header(name)), status: answer.status, ms: Math.round(performance.now() - started) }, 'http');
    });
  };

  return (request, response) => {
    const url = request.url ?? '/';
    const query = url.indexOf('?');
    if (request.method === 'GET' && FAST_PATHS.has(query < 0 ? url : url.slice(0, query))) {
      fast(request, response, url).catch((error: unknown) => failed(request, response, url, error));
      return;
    }
    void viaHono(request, response);
  };
}

/** A class, not an object literal of closures: nothing is allocated per request beyond the instance. */
class NodeGetRequest implements ApiRequest {
  readonly method = 'GET';
  readonly hasForm = false;
  readonly remoteAddress: string;

  constructor(
    private readonly request: IncomingMessage,
    readonly url: string,
  ) {
    this.remoteAddress = request.socket.remoteAddress ?? 'unknown';
  }

  header(name: string): string | undefined {
    return headerOf(this.request, name);
  }

  async readForm() {
    return NO_FORM;
  }
}

function headerOf(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}
