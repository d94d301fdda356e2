// An in-process Callgrid for API tests: in-memory SQLite (or PostgreSQL), a
// fake clock, an admin key and two tenants that both exist with their keys.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '../../src/config.ts';
import { openStore } from '../../src/store/index.ts';
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

/** The engines a suite can run on: SQLite always, PostgreSQL when CALLGRID_TEST_PG_URL is set (as in CI). */
export const HARNESS_ENGINES: ReadonlyArray<'sqlite' | 'postgres'> = process.env.CALLGRID_TEST_PG_URL ? ['sqlite', 'postgres'] : ['sqlite'];

export interface HarnessOptions {
  /** Default SQLite in memory; `postgres` runs in a fresh schema of CALLGRID_TEST_PG_URL, dropped on close. */
  readonly engine?: 'sqlite' | 'postgres';
}

export async function createHarness(settings: Record<string, string> = {}, options: HarnessOptions = {}): Promise<Harness> {
  const config = loadConfig({ CALLGRID_DATABASE_URL: 'sqlite::memory:', CALLGRID_DATA_DIR: '/tmp/callgrid-test-unused', CALLGRID_LOOKUP_CACHE_SECONDS: '0', ...settings }, '/');
  const clock = new FakeClock('2026-11-27T10:00:00Z');
  const pgUrl = process.env.CALLGRID_TEST_PG_URL;
  if (options.engine === 'postgres' && !pgUrl) throw new Error('createHarness: the postgres engine needs CALLGRID_TEST_PG_URL');
  const schema = options.engine === 'postgres' ? `cg_test_${randomBytes(8).toString('hex')}` : undefined;
  const store = schema && pgUrl ? openStore(pgUrl, { schema }) : undefined;
  const runtime = await buildRuntime(config, { logger: silentLogger, clock, ...(store ? { store } : {}) });
  const dropSchema = async () => {
    if (!schema || !pgUrl) return;
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    try {
      await client.query(`drop schema if exists ${schema} cascade`);
    } finally {
      await client.end();
    }
  };
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
    close: async () => {
      await runtime.close();
      await dropSchema();
    },
  };
}

/** A proxyapi error in the default plain format: HTTP 200, MiRTA's text/html type, the code header, one line. */
export async function expectError(res: Response, code: string, message: string): Promise<void> {
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/html; charset=UTF-8');
  assert.equal(res.headers.get('x-callgrid-error'), code);
  assert.equal(await res.text(), `${message}\n`);
}
