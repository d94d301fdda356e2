// Rendering replies and errors in MiRTA's formats: plain (pipe-separated with a
// trailing `|`, served as text/html), json, csv, xml, JSONP via `callback`, and
// bytes of their own type (audio; recordings take format=mp3|wav).
import { PbxError } from '../../shared/index.ts';
import type { Download, Format, Reply } from './reply.ts';

export interface Rendering {
  readonly format: Format;
  /** JSONP function name, already validated. */
  readonly callback: string | undefined;
}

const CONTENT_TYPES: Record<Exclude<Format, 'mp3' | 'wav'>, string> = {
  plain: 'text/html; charset=UTF-8',
  json: 'application/json; charset=UTF-8',
  csv: 'text/csv; charset=UTF-8',
  xml: 'text/xml; charset=UTF-8',
};

// A dotted JavaScript identifier path such as `jQuery123_456` or `app.onData`.
const CALLBACK = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$/;

export function parseCallback(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (value.length > 128 || !CALLBACK.test(value)) {
    throw new PbxError('invalid_callback', `Invalid callback '${value.slice(0, 40)}': expected a JavaScript function name`);
  }
  return value;
}

export function parseFormat(value: string | undefined): Format {
  const format = (value ?? 'plain').trim().toLowerCase() || 'plain';
  if (format === 'plain' || format === 'json' || format === 'xml' || format === 'csv' || format === 'mp3' || format === 'wav') return format;
  throw new PbxError('invalid_parameter', `Invalid format '${value}': expected plain, json, xml or csv (recordings: mp3 or wav)`);
}

export interface Rendered {
  readonly body: string | Uint8Array<ArrayBuffer>;
  readonly contentType: string;
  /** Headers of this answer beyond the endpoint's usual ones (which they override). */
  readonly headers?: Readonly<Record<string, string>>;
}

export function render(reply: Reply, rendering: Rendering, what: string): Rendered {
  const { format } = rendering;
  switch (reply.kind) {
    case 'binary':
      return { body: reply.bytes, contentType: reply.contentType, ...(reply.download ? { headers: downloadHeaders(reply.download) } : {}) };
    case 'empty': {
      const headers = { 'X-Callgrid-Error': 'not_found' };
      if (reply.jsonNull && format === 'json') return { ...jsonBody(null, rendering), headers };
      return { body: '', contentType: CONTENT_TYPES.plain, headers };
    }
    case 'html':
      return { body: reply.html, contentType: CONTENT_TYPES.plain };
    case 'json':
      return jsonBody(reply.json, rendering);
    case 'value':
      if (format === 'json') return jsonBody(reply.json, rendering, reply.jsonText);
      if (format === 'plain') return { body: reply.plain, contentType: CONTENT_TYPES.plain };
      if ((format === 'csv' || format === 'xml') && reply[format] !== undefined) return { body: reply[format], contentType: CONTENT_TYPES[format] };
      break;
    case 'table':
      if (format === 'json') return jsonBody(reply.rows, rendering);
      if (!reply.formats.includes(format)) break;
      if (format === 'plain') return { body: plainTable(reply.columns, reply.rows, reply.header), contentType: CONTENT_TYPES.plain };
      if (format === 'csv') return { body: csvTable(reply.columns, reply.rows), contentType: CONTENT_TYPES.csv };
      break;
  }
  throw new PbxError('unsupported_format', `Format ${format} is not available for ${what}`);
}

/**
 * `inline` plays in the browser's page (playrecording), `attachment` saves (recording). The name is the PBX's
 * (uniqueid and format), reduced to safe characters all the same. The page a browser makes around the audio
 * loads it as media, which the usual `default-src 'none'` would block.
 */
function downloadHeaders(download: Download): Record<string, string> {
  const name = download.fileName.replace(/[^A-Za-z0-9_.-]/g, '_');
  return { 'Content-Disposition': `${download.disposition}; filename="${name}"`, 'Content-Security-Policy': "default-src 'none'; media-src 'self'; sandbox" };
}

export function renderError(error: PbxError, rendering: Rendering | undefined): { body: string; contentType: string } {
  // In json the message is a JSON string, so the body stays valid JSON while a
  // client that looks for MiRTA's text still finds it.
  if (rendering?.format === 'json') return jsonBody(error.message, rendering);
  // Served as text/html (MiRTA's type), so request values echoed in a message must not become markup.
  return { body: `${escapeHtml(error.message)}\n`, contentType: CONTENT_TYPES.plain };
}

/** `text`, when given, is JSON already (e.g. a number that must keep its trailing zeros). */
function jsonBody(value: unknown, rendering: Rendering, text?: string): { body: string; contentType: string } {
  const json = text ?? JSON.stringify(value ?? null);
  if (rendering.callback === undefined) return { body: json, contentType: CONTENT_TYPES.json };
  // The leading comment keeps the first bytes out of the caller's control
  // (the Rosetta Flash defence used by major JSONP endpoints).
  return { body: `/**/ ${rendering.callback}(${json});`, contentType: 'application/javascript; charset=UTF-8' };
}

type Row = Readonly<Record<string, string | number | null>>;

/** One MiRTA plain record: every field followed by `|`, separators inside values neutralised. */
export function plainLine(values: ReadonlyArray<string | number | null>): string {
  return values.map((v) => `${plainField(v)}|`).join('');
}

/** MiRTA plain tables: one line per record, every field followed by `|`. */
export function plainTable(columns: readonly string[], rows: readonly Row[], header: boolean): string {
  const lines = rows.map((row) => plainLine(columns.map((c) => row[c] ?? '')));
  if (header) lines.unshift(plainLine(columns));
  return lines.join('\n') + (lines.length > 0 ? '\n' : '');
}

// A `|` or a line break inside a value would shift every later column of the
// record for a client that splits on them; they become spaces.
function plainField(value: string | number | null): string {
  return String(value ?? '').replace(/[|\r\n]+/g, ' ');
}

/**
 * RFC 4180 CSV with a header row; fields with separators, quotes or spaces are quoted. No rows is an empty body,
 * not a header alone: MiRTA answers 0 bytes (spec §1.4, INFO cdrs) and clients test the body for a comma.
 */
export function csvTable(columns: readonly string[], rows: readonly Row[]): string {
  if (rows.length === 0) return '';
  const field = (value: string | number | null) => {
    const text = String(value ?? '');
    return /[",\s]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [columns.map(field).join(','), ...rows.map((row) => columns.map((c) => field(row[c] ?? '')).join(','))].join('\r\n') + '\r\n';
}

/** MiRTA XML templates: `{row_loop}...{/row_loop}` repeated per row, `{$column}` replaced (XML-escaped). */
export function renderTemplate(template: string, rows: readonly Row[]): string {
  return template.replace(/\{row_loop\}([\s\S]*?)\{\/row_loop\}/g, (_match, body: string) =>
    // The template's literal `\n` is a line break; values are inserted after, so theirs stay as sent.
    rows.map((row) => body.replace(/\\n/g, '\n').replace(/\{\$([A-Za-z0-9_]+)\}/g, (_m, column: string) => escapeXml(String((Object.hasOwn(row, column) ? row[column] : undefined) ?? '')))).join(''),
  );
}

function escapeHtml(text: string): string {
  return text.replace(/[<>&]/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[ch] ?? ch);
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[ch] ?? ch);
}
