// Callgrid under test for the provisioning bench: `callgrid start` on a fresh data directory, SQLite or a given
// PostgreSQL URL, SIP on an ephemeral loopback port, ready once /healthz answers 200.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, startChild, stopChild, waitUntil, type Child } from '../support.ts';

export interface Server {
  readonly child: Child;
  readonly httpBase: string;
  readonly adminKey: string;
  stop(): Promise<void>;
}

export interface ServerOptions {
  readonly repo: string;
  /** A fresh, empty data directory; the caller removes it. */
  readonly dataDir: string;
  readonly tenant: string;
  /** Undefined: the default SQLite file in dataDir. */
  readonly databaseUrl?: string;
  /** Extra node flags, e.g. --cpu-prof (node refuses those in NODE_OPTIONS). */
  readonly nodeArgs?: readonly string[];
}

export async function startServer(options: ServerOptions): Promise<Server> {
  const httpPort = await freePort();
  // Inherited CALLGRID_* variables or a callgrid.json in the repo must not steer the child: drop them, empty config.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('CALLGRID_')));
  const configFile = join(options.dataDir, 'bench-config.json');
  writeFileSync(configFile, '{}\n');
  const args = [...(options.nodeArgs ?? []), '--import', 'tsx', 'src/cli/index.ts', 'start'];
  const child = startChild('callgrid', process.execPath, args, options.repo, {
    ...inherited,
    CALLGRID_CONFIG: configFile,
    CALLGRID_DATA_DIR: options.dataDir,
    CALLGRID_HTTP_HOST: '127.0.0.1',
    CALLGRID_HTTP_PORT: String(httpPort),
    CALLGRID_SIP_HOST: '127.0.0.1',
    CALLGRID_SIP_PORT: '0',
    CALLGRID_LOG_LEVEL: 'warn',
    CALLGRID_DEMO_TENANT: options.tenant,
    ...(options.databaseUrl === undefined ? {} : { CALLGRID_DATABASE_URL: options.databaseUrl }),
  });
  const httpBase = `http://127.0.0.1:${httpPort}`;
  try {
    await waitUntil('Callgrid', child, async () => (await fetch(`${httpBase}/healthz`)).status === 200, 60_000);
    return { child, httpBase, adminKey: readAdminKey(join(options.dataDir, 'credentials.json')), stop: () => stopChild(child) };
  } catch (error) {
    await stopChild(child);
    const tail = child.stderr().trim();
    throw new Error(`${(error as Error).message}${tail ? `\n--- Callgrid stderr (tail) ---\n${tail}` : ''}`);
  }
}

/** main.ts writes {apiUrl, adminKey, tenant} on the first start. */
function readAdminKey(path: string): string {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as { adminKey?: unknown };
  if (typeof parsed.adminKey !== 'string' || parsed.adminKey === '') throw new Error(`${path} has no adminKey`);
  return parsed.adminKey;
}
