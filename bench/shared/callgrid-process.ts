// Callgrid under test, started as a user would (`callgrid start`) on a fresh data directory with free HTTP and SIP
// ports, until its health check answers. Each bench adds its own CALLGRID_* settings (realm, demo tenant, caps).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, startChild, stopChild, waitUntil, type Child } from '../support.ts';
import { freeSipPort } from '../sip/udp.ts';

export interface Callgrid {
  readonly child: Child;
  readonly httpBase: string;
  readonly sipHost: string;
  readonly sipPort: number;
  readonly adminKey: string;
  stop(): Promise<void>;
}

export interface CallgridStart {
  readonly repo: string;
  /** A fresh, empty data directory; the caller removes it. */
  readonly dataDir: string;
  /** Extra node flags, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` (node refuses those in NODE_OPTIONS). */
  readonly nodeArgs: readonly string[];
  /** CALLGRID_* settings beyond the ports, the data directory and the log level. */
  readonly env: Readonly<Record<string, string>>;
}

/** The admin key main.ts writes on the first start: {apiUrl, adminKey, tenant: {code, fullKey, readOnlyKey} | null}. */
function readAdminKey(path: string): string {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as { adminKey?: unknown };
  if (typeof parsed.adminKey !== 'string' || parsed.adminKey === '') throw new Error(`${path} has no adminKey`);
  return parsed.adminKey;
}

export async function startCallgridProcess(options: CallgridStart): Promise<Callgrid> {
  const httpPort = await freePort();
  const sipPort = await freeSipPort();
  // Inherited CALLGRID_* variables or a callgrid.json in the repo could point the child at a real database or
  // other ports: drop them and give it an empty config file, so only the settings below apply.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('CALLGRID_')));
  const configFile = join(options.dataDir, 'bench-config.json');
  writeFileSync(configFile, '{}\n');
  const child = startChild('callgrid', process.execPath, [...options.nodeArgs, '--import', 'tsx', 'src/cli/index.ts', 'start'], options.repo, {
    ...inherited,
    CALLGRID_CONFIG: configFile,
    CALLGRID_DATA_DIR: options.dataDir,
    CALLGRID_HTTP_PORT: String(httpPort),
    CALLGRID_HTTP_HOST: '127.0.0.1',
    CALLGRID_SIP_PORT: String(sipPort),
    CALLGRID_LOG_LEVEL: 'warn',
    ...options.env,
  });
  const httpBase = `http://127.0.0.1:${httpPort}`;
  try {
    // The health check, not the API: probing the API without a key would count as a failed login.
    await waitUntil('Callgrid', child, async () => (await fetch(`${httpBase}/healthz`)).ok);
    return { child, httpBase, sipHost: '127.0.0.1', sipPort, adminKey: readAdminKey(join(options.dataDir, 'credentials.json')), stop: () => stopChild(child) };
  } catch (error) {
    await stopChild(child);
    throw error;
  }
}
