// How much of a request the HTTP edge reads: bodies up to a byte cap, parameters up to a count cap.
// The caps bound the work a request costs before its sender is known (a bad key sent in the body).
import { PbxError } from '../shared/index.ts';

/** Parameters of one request, query string and body together; MiRTA requests carry a dozen or so. */
export const MAX_PARAMETERS = 1000;

/**
 * Urlencoded and JSON bodies. PHONEBOOK add may carry thousands of entries in one `values`, so this
 * stays at the 1 MiB the API has always accepted; the parameter cap is what bounds parsing work.
 */
export const MAX_FORM_BYTES = 1024 * 1024;

/** Multipart bodies, the upload form of MANAGEDB mediafile updatebinary and FAX send (spec §1.6). */
export const DEFAULT_MAX_UPLOAD_BYTES = 1024 * 1024;

/** A request over a cap: answered 413, whatever the endpoint's usual status for errors. */
export class RequestTooLarge extends PbxError {
  constructor(message: string) {
    super('invalid_parameter', message);
    this.name = 'RequestTooLarge';
  }
}

export const tooManyParameters = (): RequestTooLarge => new RequestTooLarge(`Too many parameters: at most ${MAX_PARAMETERS} in one request`);

const bodyTooLarge = (maxBytes: number): RequestTooLarge => new RequestTooLarge(`Request body too large: at most ${maxBytes} bytes`);

/**
 * The body's bytes, refused as soon as they pass `maxBytes`: a declared Content-Length over it is
 * refused before anything is read, and a stream without one is cut off at the cap, never read to its end.
 */
export async function readBodyBytes(request: Request, maxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > maxBytes) throw bodyTooLarge(maxBytes);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      // Not awaited: a sender that never finishes must not hold the answer back.
      reader.cancel().catch(() => {});
      throw bodyTooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
