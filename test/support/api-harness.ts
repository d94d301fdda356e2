// An in-process Callgrid for API tests: in-memory SQLite (or PostgreSQL), a
// fake clock, an admin key and two tenants that both exist with their keys.
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config.ts';
import { buildRuntime, type Runtime } from '../../src/main.ts';
import { FakeClock, silentLogger } from '../../src/shared/index.ts';

export interface TenantKeys {
  readonly code: string;
  readonly id: number;
  readonly fullKey: string;
  readonly readOnlyKey: string;
}

export interface Harness {
  readonly runtime: Runtime;
  readonly clock: FakeClock;
  readonly adminKey: string;
  readonly acme: TenantKeys;
  readonly globex: TenantKeys;
  /** GET /pbx/proxyapi.php with these query parameters. */
  get(params: Record<string, string>, init?: RequestInit & { address?: string }): Promise<Response>;
  /** POST /pbx/proxyapi.php with an urlencoded body (and optional query parameters). */
  post(body: Record<string, string>, query?: Record<string, string>, init?: { address?: string }): Promise<Response>;
  close(): Promise<void>;
}

export async function createHarness(settings: Record<string, string> = {}): Promise<Harness> {
  const config = loadConfig({ CALLGRID_DATABASE_URL: 'sqlite::memory:', CALLGRID_DATA_DIR: '/tmp/callgrid-test-unused', CALLGRID_LOOKUP_CACHE_SECONDS: '0', ...settings }, '/');
  const clock = new FakeClock('2026-11-27T10:00:00Z');
  const runtime = await buildRuntime(config, { logger: silentLogger, clock });
  const admin = await runtime.services.keys.create('admin', null);
  const tenant = async (code: string): Promise<TenantKeys> => {
    const created = await runtime.services.tenants.create({ te_code: code, te_name: `${code} Inc.` });
    return { code, id: created.tenant.te_id, fullKey: created.fullKey.key, readOnlyKey: created.readOnlyKey.key };
  };
  const acme = await tenant('ACME');
  const globex = await tenant('GLOBEX');

  // @hono/node-server passes the socket as env.incoming; tests set the address the same way.
  const env = (address = '192.0.2.10') => ({ incoming: { socket: { remoteAddress: address } } });
  return {
    runtime,
    clock,
    adminKey: admin.key,
    acme,
    globex,
    get: async (params, init = {}) => runtime.app.request(`/pbx/proxyapi.php?${new URLSearchParams(params)}`, init, env(init.address)),
    post: async (body, query = {}, init = {}) =>
      runtime.app.request(
        `/pbx/proxyapi.php?${new URLSearchParams(query)}`,
        { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body).toString() },
        env(init.address),
      ),
    close: () => runtime.close(),
  };
}

/** A proxyapi error in the default plain format: HTTP 200, MiRTA's text/html type, the code header, one line. */
export async function expectError(res: Response, code: string, message: string): Promise<void> {
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/html; charset=UTF-8');
  assert.equal(res.headers.get('x-callgrid-error'), code);
  assert.equal(await res.text(), `${message}\n`);
}
