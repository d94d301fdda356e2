// A Hono Context seen as an ApiRequest (tests, POST bodies, and every path but the GET fast path).
import type { Context } from 'hono';
import { NO_FORM, type ApiRequest } from './api-request.ts';
import { formKind, readFormBody, type FormLimits } from './form-body.ts';

export function honoRequest(c: Context, limits: FormLimits): ApiRequest {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  const kind = formKind(c.req.method, c.req.header('content-type'));
  return {
    method: c.req.method,
    url: c.req.url,
    header: (name) => c.req.header(name),
    remoteAddress: incoming?.socket?.remoteAddress ?? 'local',
    hasForm: kind !== undefined,
    // The raw web Request: Hono's parseBody would read and parse all of a body, whatever its size.
    readForm: async (maxParameters, beforeParse) => (kind ? readFormBody(c.req.raw, kind, maxParameters, limits, beforeParse) : NO_FORM),
  };
}
