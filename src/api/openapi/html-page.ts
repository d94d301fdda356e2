// A self-contained HTML reference of openapi.php, rendered from the generated OpenAPI document:
// resources, methods, fields. No script and no external asset (the PBX may be offline); a strict CSP.
import { createHash } from 'node:crypto';
import { openApiDocument, pascal } from './document.ts';

type Json = Record<string, unknown>;

const STYLE = `body{font:15px/1.45 system-ui,sans-serif;max-width:70em;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ccc}code{background:#f3f3f3;padding:0 .2em}
table{border-collapse:collapse;width:100%;margin:.5em 0}td,th{border:1px solid #ddd;padding:.2em .5em;text-align:left;vertical-align:top}
th{background:#f6f6f6}.m{font-weight:bold;font-family:monospace}.todo{color:#777}`;

// Only this exact stylesheet may apply; no script, image, frame or form target at all.
export const HTML_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

const escape = (text: string): string =>
  text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch);

const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const record = (value: unknown): Json => (isRecord(value) ? value : {});
const str = (value: unknown): string => (typeof value === 'string' ? value : '');

function operations(pathItem: Json): string {
  return Object.entries(pathItem)
    .filter(([method]) => ['get', 'post', 'patch', 'delete'].includes(method))
    .map(([method, op]) => `<span class="m">${method.toUpperCase()}</span> ${escape(str(record(op).summary))}`)
    .join('<br>');
}

function fieldTable(schemas: Json, name: string, heading: string): string {
  const properties = record(record(schemas[name]).properties);
  const rows = Object.entries(properties).map(([field, spec]) => `<tr><td><code>${escape(field)}</code></td><td>${escape(str(record(spec).description))}</td></tr>`);
  if (rows.length === 0) return '';
  return `<details><summary>${escape(heading)} (${rows.length})</summary><table><tr><th>field</th><th>value</th></tr>${rows.join('')}</table></details>`;
}

const pages = new Map<string, string>();

/** The page for one base, built once (the catalogue does not change while the process runs). */
export function htmlPage(base: string): string {
  const cached = pages.get(base);
  if (cached !== undefined) return cached;
  const page = render(base);
  pages.set(base, page);
  return page;
}

function render(base: string): string {
  const doc = openApiDocument(base);
  const paths = record(doc.paths);
  const schemas = record(record(doc.components).schemas);
  const sections: string[] = [];
  const pending: string[] = [];
  for (const [path, item] of Object.entries(paths)) {
    const pathItem = record(item);
    const first = Object.values(pathItem).find(isRecord);
    const tag = str(Array.isArray(first?.tags) ? first.tags[0] : undefined);
    if (tag === 'not implemented') {
      pending.push(`<code>${escape(path)}</code>`);
      continue;
    }
    const aliases = Array.isArray(pathItem['x-aliases']) ? pathItem['x-aliases'].map((a) => `<code>${escape(String(a))}</code>`).join(' ') : '';
    const stem = pascal(tag);
    const fields = path.endsWith('{id}') ? '' : fieldTable(schemas, `${stem}Create`, 'write fields') + fieldTable(schemas, stem, 'fields shown by GET /{id}');
    sections.push(`<h3><code>${escape(base + path)}</code></h3>${aliases ? `<p>aliases: ${aliases}</p>` : ''}<p>${operations(pathItem)}</p>${fields}`);
  }
  const info = record(doc.info);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(str(info.title))}</title><style>${STYLE}</style></head><body>
<h1>${escape(str(info.title))}</h1><p>${escape(str(info.description))}</p>
<p>Keys: <code>key=</code>, <code>X-API-Key</code> or <code>Authorization: Bearer</code>. The machine-readable document: <code>${escape(base)}/openapi.json</code>.</p>
<h2>Resources</h2>${sections.join('\n')}
<h2>Not implemented yet</h2><p class="todo">These answer <code>501 not_implemented</code>: ${pending.join(', ')}</p>
</body></html>`;
}
