// A proxyapi POST body read within its caps: PHP `$_REQUEST` reads urlencoded and multipart bodies,
// and a MiRTA client may send its key in one, so this runs before the sender is known.
import { PbxError } from '../../shared/index.ts';
import { readBodyBytes, tooManyParameters } from '../request-body.ts';
import type { FormBody } from './api-request.ts';
import { multipartBoundary, multipartPartCount, multipartTextField } from './multipart-scan.ts';
import { readPairs } from './params.ts';

export interface FormLimits {
  /** Urlencoded bodies. */
  readonly formBytes: number;
  /** Multipart bodies: the upload form (spec §1.6). */
  readonly uploadBytes: number;
}

export type FormKind = 'urlencoded' | 'multipart';

/** The form a request carries, from its method and Content-Type (matched in any case). */
export function formKind(method: string, contentType: string | undefined): FormKind | undefined {
  if (method !== 'POST') return undefined;
  const type = (contentType ?? '').toLowerCase();
  if (type.startsWith('application/x-www-form-urlencoded')) return 'urlencoded';
  if (type.startsWith('multipart/form-data')) return 'multipart';
  return undefined;
}

/**
 * The fields and files of the body; the last of repeated fields wins, as in PHP. `beforeParse` gets the
 * body's `key` field, when there is one, before the costly parse of a multipart body, so that a bad key
 * is refused for the price of a byte search.
 */
export async function readFormBody(
  request: Request,
  kind: FormKind,
  maxParameters: number,
  limits: FormLimits,
  beforeParse: (bodyKey: string | undefined) => Promise<void>,
): Promise<FormBody> {
  if (kind === 'urlencoded') {
    const text = new TextDecoder().decode(await readBodyBytes(request, limits.formBytes));
    const fields = new Map<string, string>();
    readPairs(text, 0, text.length, fields, maxParameters);
    return { fields, files: new Map() };
  }
  const type = request.headers.get('content-type') ?? '';
  const bytes = await readBodyBytes(request, limits.uploadBytes);
  const body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const boundary = multipartBoundary(type);
  if (boundary !== undefined) {
    if (multipartPartCount(body, boundary, maxParameters) > maxParameters) throw tooManyParameters();
    await beforeParse(multipartTextField(body, boundary, 'key', maxParameters));
  }
  let form: FormData;
  try {
    form = await new Response(bytes, { headers: { 'content-type': type } }).formData();
  } catch {
    throw new PbxError('invalid_parameter', 'Invalid request body: not a readable form');
  }
  const fields = new Map<string, string>();
  const files = new Map<string, File>();
  for (const [name, value] of form) {
    if (typeof value === 'string') {
      fields.set(name, value);
      files.delete(name);
    } else {
      files.set(name, value);
      fields.delete(name);
    }
  }
  return { fields, files };
}
