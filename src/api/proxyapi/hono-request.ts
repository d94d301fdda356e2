// A Hono Context seen as an ApiRequest (tests, POST bodies, and every path but the GET fast path).
import type { Context } from 'hono';
import { PbxError } from '../../shared/index.ts';
import { NO_FORM, type ApiRequest, type FormBody } from './api-request.ts';

export function honoRequest(c: Context): ApiRequest {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return {
    method: c.req.method,
    url: c.req.url,
    header: (name) => c.req.header(name),
    remoteAddress: incoming?.socket?.remoteAddress ?? 'local',
    readForm: () => readForm(c),
  };
}

/** PHP `$_REQUEST` reads urlencoded and multipart bodies; the last of repeated fields wins. */
async function readForm(c: Context): Promise<FormBody> {
  const type = (c.req.header('content-type') ?? '').toLowerCase();
  if (c.req.method !== 'POST' || !(type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data'))) return NO_FORM;
  let body: Record<string, string | File | (string | File)[]>;
  try {
    body = await c.req.parseBody({ all: true });
  } catch {
    throw new PbxError('invalid_parameter', 'Invalid request body: not a readable form');
  }
  const fields = new Map<string, string>();
  const files = new Map<string, File>();
  for (const [name, raw] of Object.entries(body)) {
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (value instanceof File) files.set(name, value);
    else if (value !== undefined) fields.set(name, value);
  }
  return { fields, files };
}
