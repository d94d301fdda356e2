// Callgrid under test: started as a user would (`callgrid start`) on a fresh data directory, its extensions
// provisioned through the MiRTA proxyapi, and its SIP port checked before any load is sent.
import { startCallgridProcess, type Callgrid } from '../shared/callgrid-process.ts';
import { waitUntil } from '../support.ts';
import { sipPing } from './udp.ts';
import type { BenchUser } from './users.ts';

export type { Callgrid };

export interface CallgridOptions {
  readonly repo: string;
  /** A fresh, empty data directory; the caller removes it. */
  readonly dataDir: string;
  readonly tenant: string;
  readonly nodeArgs: readonly string[];
}

export function startCallgrid(options: CallgridOptions): Promise<Callgrid> {
  return startCallgridProcess({ repo: options.repo, dataDir: options.dataDir, nodeArgs: options.nodeArgs, env: { CALLGRID_SIP_REALM: 'callgrid', CALLGRID_DEMO_TENANT: options.tenant } });
}

/** Resolves when the SIP port answers an OPTIONS (any status); throws, naming the port, when it never does. */
export async function waitForSip(callgrid: Callgrid, timeoutMs = 10_000): Promise<void> {
  await waitUntil(`Callgrid's SIP port (udp 127.0.0.1:${callgrid.sipPort})`, callgrid.child, () => sipPing(callgrid.sipHost, callgrid.sipPort), timeoutMs);
}

export type ProvisionResult =
  | { readonly ok: true; readonly rows: number; readonly seconds: number }
  /** The server's answer to the first request that failed, as text. */
  | { readonly ok: false; readonly answer: string };

/**
 * Adds one extension per user (MANAGEDB extension add, admin key acting on the tenant) with `concurrency`
 * requests in flight, as a provisioning script would. Stops at the first refused row.
 */
export async function provisionExtensions(callgrid: Callgrid, tenant: string, users: readonly BenchUser[], concurrency: number): Promise<ProvisionResult> {
  const url = `${callgrid.httpBase}/pbx/proxyapi.php`;
  let next = 0;
  let failure: string | undefined;
  const addOne = async (user: BenchUser): Promise<string | undefined> => {
    const body = new URLSearchParams({
      key: callgrid.adminKey,
      reqtype: 'MANAGEDB',
      object: 'extension',
      action: 'add',
      tenant,
      jsondata: JSON.stringify({ ex_number: user.number, secret: user.password }),
    });
    const res = await fetch(url, { method: 'POST', body });
    const text = await res.text();
    // MiRTA answers failures with HTTP 200 and a text body; Callgrid marks them with X-Callgrid-Error.
    const error = res.headers.get('x-callgrid-error');
    if (res.status !== 200 || error !== null) return `HTTP ${res.status}${error ? ` (${error})` : ''}: ${oneLine(text)}`;
    let row: unknown;
    try {
      row = JSON.parse(text);
    } catch {
      return `not JSON: ${oneLine(text)}`;
    }
    const username = typeof row === 'object' && row !== null && 'ex_username' in row ? row.ex_username : undefined;
    // The phones authenticate as <ext>-<TENANT>: if the server named the account otherwise, every REGISTER would fail.
    if (username !== user.username) return `extension ${user.number} got SIP username ${String(username)}, expected ${user.username}`;
    return undefined;
  };
  const worker = async () => {
    while (failure === undefined && next < users.length) {
      const user = users[next++];
      if (user === undefined) break;
      const problem = await addOne(user).catch((error: unknown) => `request failed: ${(error as Error).message}`);
      failure ??= problem;
    }
  };
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: Math.min(concurrency, users.length) }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return failure === undefined ? { ok: true, rows: users.length, seconds } : { ok: false, answer: failure };
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 300)}...` : flat;
}
