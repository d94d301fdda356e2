// What a reqtype handler answers, before it is rendered in the requested format.

export type Format = 'plain' | 'json' | 'xml' | 'csv';

export type Reply =
  /** A value with a plain-text and a JSON form (csv/xml only where given). */
  | { readonly kind: 'value'; readonly plain: string; readonly json: unknown; readonly csv?: string; readonly xml?: string; readonly jsonText?: string }
  /** Rows under named columns: plain pipe table with a header, json array of objects, csv. */
  | { readonly kind: 'table'; readonly columns: readonly string[]; readonly rows: ReadonlyArray<Readonly<Record<string, string | number | null>>>; readonly header: boolean; readonly formats: readonly Format[] }
  /** JSON whatever the format (MANAGEDB answers JSON only). */
  | { readonly kind: 'json'; readonly json: unknown }
  /** An HTML page (HELP). */
  | { readonly kind: 'html'; readonly html: string }
  /** Bytes of their own type whatever the format (media audio). */
  | { readonly kind: 'binary'; readonly bytes: Uint8Array<ArrayBuffer>; readonly contentType: string };

export const ok = (): Reply => ({ kind: 'value', plain: 'OK', json: { result: 'OK' } });
