// The server as the phone and carrier e2e suites run it: `npm start`'s entry point on free HTTP and SIP ports,
// SIP on every address (the phones live in a network namespace and reach the host side of its veth), media
// announced at that address, no demo tenant; the admin key read from the credentials file the first start writes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanEnv, freePort, spawnChild, REPO, type Child } from './process.ts';

export interface PbxServer {
  /** http://127.0.0.1:<port> */
  readonly base: string;
  readonly sipPort: number;
  readonly adminKey: string;
  readonly child: Child;
}

export interface PbxServerOptions {
  readonly dataDir: string;
  /** The address phones reach the server at (TestNetwork.hostAddress): it goes into every SDP. */
  readonly mediaAddress: string;
  /** More CALLGRID_* settings. */
  readonly env?: Record<string, string>;
  readonly startTimeoutMs?: number;
}

export async function startPbxServer(options: PbxServerOptions): Promise<PbxServer> {
  const base = `http://127.0.0.1:${await freePort()}`;
  const sipPort = await freePort();
  const child = spawnChild('callgrid', process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'start'], {
    cwd: REPO,
    env: cleanEnv({
      CALLGRID_DATA_DIR: options.dataDir,
      CALLGRID_HTTP_PORT: String(new URL(base).port),
      CALLGRID_HTTP_HOST: '127.0.0.1',
      CALLGRID_SIP_HOST: '0.0.0.0',
      CALLGRID_SIP_PORT: String(sipPort),
      CALLGRID_RTP_ADDRESS: options.mediaAddress,
      CALLGRID_DEMO_TENANT: '',
      // Tests change tenants and place calls at once: no cached rows.
      CALLGRID_LOOKUP_CACHE_SECONDS: '0',
      ...options.env,
    }),
  });
  await child.waitForOutput(/Callgrid listening/, options.startTimeoutMs ?? 30_000);
  const adminKey = (JSON.parse(readFileSync(join(options.dataDir, 'credentials.json'), 'utf8')) as { adminKey: string }).adminKey;
  return { base, sipPort, adminKey, child };
}
