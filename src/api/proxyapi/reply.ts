// What a reqtype handler answers, before it is rendered in the requested format.

/** Text formats, and the audio formats only recordings answer in (MiRTA serves MP3; WAV is what the PBX keeps). */
export type Format = 'plain' | 'json' | 'xml' | 'csv' | 'mp3' | 'wav';

/** How a browser should treat downloaded bytes: play them in the page, or save them under a name. */
export interface Download {
  readonly disposition: 'inline' | 'attachment';
  readonly fileName: string;
}

export type Reply =
  /** A value with a plain-text and a JSON form (csv/xml only where given). */
  | { readonly kind: 'value'; readonly plain: string; readonly json: unknown; readonly csv?: string; readonly xml?: string; readonly jsonText?: string }
  /** Rows under named columns: plain pipe table with a header, json array of objects, csv. */
  | { readonly kind: 'table'; readonly columns: readonly string[]; readonly rows: ReadonlyArray<Readonly<Record<string, string | number | null>>>; readonly header: boolean; readonly formats: readonly Format[] }
  /** JSON whatever the format (MANAGEDB answers JSON only). */
  | { readonly kind: 'json'; readonly json: unknown }
  /** An HTML page (HELP). */
  | { readonly kind: 'html'; readonly html: string }
  /** Bytes of their own type whatever the format (media audio, recordings), named when a browser may save them. */
  | { readonly kind: 'binary'; readonly bytes: Uint8Array<ArrayBuffer>; readonly contentType: string; readonly download?: Download }
  /**
   * Nothing, where MiRTA answers 0 bytes and clients test for that (a recording that is not there, spec §2.12):
   * an empty text/html body, or `null` in json when `jsonNull`. The X-Callgrid-Error header still says not_found.
   */
  | { readonly kind: 'empty'; readonly jsonNull?: boolean };

export const ok = (): Reply => ({ kind: 'value', plain: 'OK', json: { result: 'OK' } });
