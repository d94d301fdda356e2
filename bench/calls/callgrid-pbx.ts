// Callgrid under test for the call bench: `callgrid start` on a scratch data directory (SQLite), SIP bound to
// 127.0.0.1, then a tenant and the two extensions (100 calls, 101 answers) created through the MiRTA proxyapi
// (MANAGEDB tenant add, MANAGEDB extension add), as a provisioning script would.
import { startCallgridProcess, type Callgrid } from '../shared/callgrid-process.ts';
import { waitUntil } from '../support.ts';
import { provisionExtensions } from '../sip/callgrid.ts';
import { sipPing } from '../sip/udp.ts';

export type CallgridPbx = Callgrid;

export interface CallgridOptions {
  readonly repo: string;
  /** A fresh, empty data directory; the caller removes it. */
  readonly dataDir: string;
  /** Extra node flags, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`. */
  readonly nodeArgs: readonly string[];
  /** Extra CALLGRID_* settings (BENCH_CALLGRID_ENV), e.g. an RTP port range once Callgrid has one. */
  readonly extraEnv: Readonly<Record<string, string>>;
}

export function startCallgridPbx(options: CallgridOptions): Promise<CallgridPbx> {
  return startCallgridProcess({
    repo: options.repo,
    dataDir: options.dataDir,
    nodeArgs: options.nodeArgs,
    env: {
      // Loopback only: the SIP socket, and the address a relay would put in its SDP when it follows the SIP host.
      CALLGRID_SIP_HOST: '127.0.0.1',
      CALLGRID_SIP_REALM: 'callgrid',
      // No qualify OPTIONS in the middle of a hold step (the UAS answers them anyway).
      CALLGRID_SIP_QUALIFY_SECONDS: '86400',
      // The tenant is made through the API below, not at first start.
      CALLGRID_DEMO_TENANT: '',
      // One tenant and one SIPp caller account place every call: the fair-share and per-extension caps, which keep one
      // tenant or phone from taking a shared node's ports, are off, as an operator of a one-tenant node would set them.
      CALLGRID_TENANT_CALL_SHARE_PERCENT: '100',
      CALLGRID_EXTENSION_MAX_CALLS: '0',
      ...options.extraEnv,
    },
  });
}

/** Resolves true when the SIP port answers an OPTIONS (any status) within timeoutMs. */
export async function sipAnswers(pbx: CallgridPbx, timeoutMs = 10_000): Promise<boolean> {
  try {
    await waitUntil('Callgrid SIP', pbx.child, () => sipPing(pbx.sipHost, pbx.sipPort), timeoutMs);
    return true;
  } catch {
    return false;
  }
}

/** MANAGEDB tenant add; undefined when it worked, else the server's answer. */
export async function createTenant(pbx: CallgridPbx, code: string): Promise<string | undefined> {
  const body = new URLSearchParams({
    key: pbx.adminKey,
    reqtype: 'MANAGEDB',
    object: 'tenant',
    action: 'add',
    jsondata: JSON.stringify({ te_code: code, te_name: `Call bench ${code}` }),
  });
  const res = await fetch(`${pbx.httpBase}/pbx/proxyapi.php`, { method: 'POST', body });
  const text = await res.text();
  const error = res.headers.get('x-callgrid-error');
  if (res.status === 200 && error === null && text.includes(code)) return undefined;
  return `HTTP ${res.status}${error ? ` (${error})` : ''}: ${text.replace(/\s+/g, ' ').slice(0, 300)}`;
}

export interface Extension {
  readonly number: string;
  /** `<number>-<TENANT>`: the digest username on the shared domain. */
  readonly username: string;
  readonly password: string;
}

/** MANAGEDB extension add for each; undefined when all were created with the expected SIP username. */
export async function createExtensions(pbx: CallgridPbx, tenant: string, extensions: readonly Extension[]): Promise<string | undefined> {
  const result = await provisionExtensions(pbx, tenant, extensions, 1);
  return result.ok ? undefined : result.answer;
}

/** SETTING set for the tenant (e.g. RECORDING=no); undefined when it worked, else the server's answer. */
export async function setTenantSetting(pbx: CallgridPbx, tenant: string, name: string, value: string): Promise<string | undefined> {
  const body = new URLSearchParams({ key: pbx.adminKey, reqtype: 'SETTING', tenant, action: 'set', name, value });
  const res = await fetch(`${pbx.httpBase}/pbx/proxyapi.php`, { method: 'POST', body });
  const text = await res.text();
  const error = res.headers.get('x-callgrid-error');
  if (res.status === 200 && error === null) return undefined;
  return `HTTP ${res.status}${error ? ` (${error})` : ''}: ${text.replace(/\s+/g, ' ').slice(0, 300)}`;
}
