// The API calls the provisioning bench times: MANAGEDB extension add (N rows, bounded concurrency), MANAGEDB
// extension list (one request) and openapi.php GET /extensions (pages of limit/offset).
import { randomBytes } from 'node:crypto';

export interface Target {
  readonly httpBase: string;
  readonly adminKey: string;
  readonly tenant: string;
}

export type Timed = { readonly ok: true; readonly rows: number; readonly seconds: number } | { readonly ok: false; readonly problem: string };

/** Extension numbers 10000, 10001, ...: one width for any bench size up to 89,999. */
export const extensionNumber = (index: number): string => String(10_000 + index);

const seconds = (started: bigint): number => Number(process.hrtime.bigint() - started) / 1e9;

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 300)}...` : flat;
}

/** POSTs a proxyapi.php form; the body is read whole so the keep-alive connection is reused. */
async function proxyapi(target: Target, fields: Record<string, string>): Promise<{ res: Response; text: string }> {
  const body = new URLSearchParams({ key: target.adminKey, tenant: target.tenant, ...fields });
  const res = await fetch(`${target.httpBase}/pbx/proxyapi.php`, { method: 'POST', body });
  return { res, text: await res.text() };
}

/** MiRTA answers failures with HTTP 200 and text; Callgrid marks them with X-Callgrid-Error. */
function failureOf(what: string, res: Response, text: string): string | undefined {
  const error = res.headers.get('x-callgrid-error');
  if (res.ok && error === null) return undefined;
  return `${what}: HTTP ${res.status}${error === null ? '' : ` X-Callgrid-Error: ${error}`}: ${oneLine(text)}`;
}

/** Adds extensions 0..rows-1 with `concurrency` requests in flight; stops at the first refused row. */
export async function createExtensions(target: Target, rows: number, concurrency: number): Promise<Timed> {
  let next = 0;
  let problem: string | undefined;
  const addOne = async (index: number): Promise<string | undefined> => {
    const number = extensionNumber(index);
    const jsondata = JSON.stringify({ ex_number: number, ex_name: `Bench ${number}`, secret: `Pw${randomBytes(8).toString('hex')}` });
    const { res, text } = await proxyapi(target, { reqtype: 'MANAGEDB', object: 'extension', action: 'add', jsondata });
    return failureOf(`add extension ${number}`, res, text);
  };
  const worker = async (): Promise<void> => {
    while (problem === undefined && next < rows) {
      const index = next++;
      const failed = await addOne(index).catch((error: unknown) => `add extension ${extensionNumber(index)}: request failed: ${(error as Error).message}`);
      problem ??= failed;
    }
  };
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, rows)) }, worker));
  const elapsed = seconds(started);
  return problem === undefined ? { ok: true, rows, seconds: elapsed } : { ok: false, problem };
}

/** MANAGEDB extension list: one request that answers every row of the tenant; checks there are `expected`. */
export async function listManagedb(target: Target, expected: number): Promise<Timed> {
  const started = process.hrtime.bigint();
  const { res, text } = await proxyapi(target, { reqtype: 'MANAGEDB', object: 'extension', action: 'list' });
  const rows: unknown = res.ok ? JSON.parse(text) : undefined;
  const elapsed = seconds(started);
  const failed = failureOf('MANAGEDB extension list', res, text);
  if (failed !== undefined) return { ok: false, problem: failed };
  if (!Array.isArray(rows)) return { ok: false, problem: `MANAGEDB extension list: not a JSON array: ${oneLine(text)}` };
  if (rows.length !== expected) return { ok: false, problem: `MANAGEDB extension list: ${rows.length} rows, expected ${expected}` };
  return { ok: true, rows: rows.length, seconds: elapsed };
}

/** openapi.php GET /extensions in pages of `pageSize` (limit/offset, X-Total-Count); checks the sum is `expected`. */
export async function listOpenapi(target: Target, expected: number, pageSize: number): Promise<Timed> {
  const started = process.hrtime.bigint();
  let total = 0;
  for (let offset = 0; ; offset += pageSize) {
    const query = new URLSearchParams({ tenant: target.tenant, limit: String(pageSize), offset: String(offset) });
    const res = await fetch(`${target.httpBase}/pbx/openapi.php/extensions?${query}`, { headers: { 'X-API-Key': target.adminKey } });
    const text = await res.text();
    if (!res.ok) return { ok: false, problem: `openapi GET /extensions offset ${offset}: HTTP ${res.status}: ${oneLine(text)}` };
    const page: unknown = JSON.parse(text);
    if (!Array.isArray(page)) return { ok: false, problem: `openapi GET /extensions offset ${offset}: not a JSON array: ${oneLine(text)}` };
    const header = res.headers.get('x-total-count');
    if (header !== null && Number(header) !== expected) return { ok: false, problem: `openapi GET /extensions: X-Total-Count ${header}, expected ${expected}` };
    total += page.length;
    // The last page is short, or the header says every row has come (no extra empty request).
    if (page.length < pageSize || (header !== null && total >= expected)) break;
  }
  const elapsed = seconds(started);
  if (total !== expected) return { ok: false, problem: `openapi GET /extensions: ${total} rows in all pages, expected ${expected}` };
  return { ok: true, rows: total, seconds: elapsed };
}
