// A proxyapi request as the endpoint needs it, independent of the HTTP framework:
// Hono serves it in tests and for bodies, a bare node:http fast path for GETs.

export interface FormBody {
  readonly fields: ReadonlyMap<string, string>;
  readonly files: ReadonlyMap<string, File>;
}

export interface ApiRequest {
  readonly method: string;
  /** Path and query string as received (absolute URLs are fine too). */
  readonly url: string;
  header(name: string): string | undefined;
  readonly remoteAddress: string;
  /** A POST with an urlencoded or multipart body, which readForm would read. */
  readonly hasForm: boolean;
  /**
   * The urlencoded or multipart body; empty for other requests. More than `maxParameters` fields,
   * or more bytes than the body's cap, is refused (RequestTooLarge) before the rest is parsed.
   * `beforeParse` is given the body's key, when it can be found cheaply, before any costly parse.
   */
  readForm(maxParameters: number, beforeParse: (bodyKey: string | undefined) => Promise<void>): Promise<FormBody>;
}

export interface ApiAnswer {
  readonly status: 200 | 413 | 429 | 500;
  readonly headers: Readonly<Record<string, string>>;
  /** Text, or bytes for binary answers (media audio). */
  readonly body: string | Uint8Array<ArrayBuffer>;
}

export const NO_FORM: FormBody = { fields: new Map(), files: new Map() };
