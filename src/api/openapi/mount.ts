// openapi.php on the Hono app: the resources under each base path, the OpenAPI document where §5.1
// puts it (the bare base, `?spec=1`, `/openapi.json`, `/swagger.json`) and at `/openapi.json`, the HTML page.
import type { Context, Hono } from 'hono';
import type { Services } from '../../services/index.ts';
import type { Logger } from '../../shared/index.ts';
import { openApiDocumentText } from './document.ts';
import { openApiAnswer } from '../error-answers.ts';
import { HTML_CSP, htmlPage } from './html-page.ts';
import { openApiRouter, refusedMethod, type OpenApiAnswer } from './router.ts';
import { MAX_FORM_BYTES, readBodyBytes } from '../request-body.ts';

/** `/pbx/` in production, `/mirtapbx/` in the manual (§5.1, §7.2), and a plain REST base. */
export const OPENAPI_BASES = ['/pbx/openapi.php', '/mirtapbx/openapi.php', '/api/v1'] as const;

const DOCUMENT_PATHS = new Set(['/openapi.json', '/swagger.json']);
const HTML_PATHS = new Set(['/docs', '/docs.html']);

const documentAnswer = (base: string): OpenApiAnswer => ({
  status: 200,
  headers: { 'Content-Type': 'application/json; charset=UTF-8', 'X-Content-Type-Options': 'nosniff', 'Access-Control-Allow-Origin': '*' },
  body: openApiDocumentText(base),
});

const htmlAnswer = (base: string): OpenApiAnswer => ({
  status: 200,
  headers: { 'Content-Type': 'text/html; charset=UTF-8', 'X-Content-Type-Options': 'nosniff', 'Content-Security-Policy': HTML_CSP, 'Referrer-Policy': 'no-referrer' },
  body: htmlPage(base),
});

/** The document and the page are public (no key), like MiRTA's spec URL; only GET reads them. */
function publicAnswer(method: string, what: string, answer: () => OpenApiAnswer): OpenApiAnswer {
  if (method === 'GET' || method === 'HEAD') return answer();
  return openApiAnswer(refusedMethod(method, what, ['GET']), { 'Content-Type': 'application/json; charset=UTF-8' });
}

export function mountOpenApi(app: Hono, services: Services, logger: Logger): void {
  const router = openApiRouter(services, logger);
  const send = (c: Context, answer: OpenApiAnswer) =>
    c.req.method === 'HEAD' ? c.body(null, answer.status as 200, answer.headers) : c.body(answer.body, answer.status as 200, answer.headers);

  for (const base of OPENAPI_BASES) {
    const handle = async (c: Context) => {
      const path = c.req.path.slice(base.length);
      const query = new URL(c.req.url).searchParams;
      const bare = path === '' || path === '/';
      if ((bare && !query.has('object')) || DOCUMENT_PATHS.has(path)) return send(c, publicAnswer(c.req.method, `${base}${path}`, () => documentAnswer(base)));
      if (HTML_PATHS.has(path)) return send(c, publicAnswer(c.req.method, `${base}${path}`, () => htmlAnswer(base)));
      const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
      return send(
        c,
        await router({
          method: c.req.method,
          path,
          query,
          header: (name) => c.req.header(name),
          remoteAddress: incoming?.socket?.remoteAddress ?? 'local',
          // Read only when a write needs it, after the key: within the cap, never before.
          readText: async () => new TextDecoder().decode(await readBodyBytes(c.req.raw, MAX_FORM_BYTES)),
        }),
      );
    };
    app.all(base, handle);
    app.all(`${base}/*`, handle);
  }
  app.all('/openapi.json', (c) => send(c, publicAnswer(c.req.method, '/openapi.json', () => documentAnswer(OPENAPI_BASES[0]))));
}
