// openapi.php requests against the in-process harness (test/support/api-harness.ts): JSON bodies,
// the key in the X-API-Key header, and the answer parsed once.
import assert from 'node:assert/strict';
import type { Harness } from './api-harness.ts';

export interface OpenApiInit {
  /** Sent as X-API-Key (use `headers` or the query for the other transports). */
  readonly key?: string;
  readonly body?: unknown;
  /** A raw body, sent as is (bad JSON). */
  readonly rawBody?: string;
  readonly headers?: Record<string, string>;
  readonly address?: string;
}

export interface OpenApiReply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  readonly json: unknown;
}

/** `path` is everything after the base, query included: `/extensions?tenant=ACME`. */
export async function openapi(h: Harness, method: string, path: string, init: OpenApiInit = {}, base = '/pbx/openapi.php'): Promise<OpenApiReply> {
  const headers: Record<string, string> = { ...(init.key ? { 'x-api-key': init.key } : {}), ...init.headers };
  let body: string | undefined = init.rawBody;
  if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers['content-type'] = 'application/json';
  }
  const env = { incoming: { socket: { remoteAddress: init.address ?? '192.0.2.20' } } };
  const res = await h.runtime.app.request(`${base}${path}`, { method, headers, ...(body === undefined ? {} : { body }) }, env);
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** An openapi.php error: the status, `{"error":{"code","message"}}` and the X-Callgrid-Error header. */
export function expectOpenApiError(reply: OpenApiReply, status: number, code: string, message?: string | RegExp): void {
  assert.equal(reply.status, status, reply.text);
  assert.equal(reply.headers.get('content-type'), 'application/json; charset=UTF-8');
  assert.equal(reply.headers.get('x-callgrid-error'), code);
  const body = reply.json as { error?: { code?: unknown; message?: unknown } };
  assert.deepEqual(Object.keys(body), ['error']);
  assert.equal(body.error?.code, code);
  assert.equal(typeof body.error?.message, 'string');
  if (typeof message === 'string') assert.equal(body.error?.message, message);
  else if (message) assert.match(String(body.error?.message), message);
}
