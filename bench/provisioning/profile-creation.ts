// Where extension creation spends its time: Callgrid runs under --cpu-prof while N extensions are created,
// and the profile's samples from the creation window are summed by function and by origin.
// Run: node --import tsx bench/provisioning/profile-creation.ts   (env: BENCH_ROWS (2000), BENCH_CONCURRENCY,
// BENCH_ENGINES=sqlite,postgres, BENCH_PG_ADMIN_URL, BENCH_PROFILE_TOP (25)).
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanupAll, cleanupOnSignals, onCleanup } from './cleanup.ts';
import { summarizeProfile, type Cost } from './cpu-profile.ts';
import { createExtensions } from './extension-api.ts';
import { createScratchDatabase } from './scratch-postgres.ts';
import { startServer } from './server.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const TENANT = 'BENCH';
const whole = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive whole number`);
  return value;
};
const rows = whole('BENCH_ROWS', 2000);
const concurrency = whole('BENCH_CONCURRENCY', 16);
const count = whole('BENCH_PROFILE_TOP', 25);
const adminUrl = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const engines = (process.env.BENCH_ENGINES ?? 'sqlite,postgres').split(',').map((name) => name.trim());

function printCosts(title: string, costs: readonly Cost[]): void {
  console.log(`\n  ${title}`);
  for (const cost of costs) console.log(`  ${(cost.share * 100).toFixed(1).padStart(5)}%  ${cost.ms.toFixed(0).padStart(6)} ms  ${cost.label}`);
}

async function profileEngine(engine: string): Promise<void> {
  if (engine !== 'sqlite' && engine !== 'postgres') throw new Error(`BENCH_ENGINES: unknown engine ${engine}`);
  const workDir = mkdtempSync(join(tmpdir(), `callgrid-bench-prof-${engine}-`));
  const removeDir = onCleanup(`work directory ${workDir}`, () => rmSync(workDir, { recursive: true, force: true }));
  const dataDir = join(workDir, 'data');
  const profileDir = join(workDir, 'profile');
  let dropDatabase: (() => Promise<void>) | undefined;
  let stopServer: (() => Promise<void>) | undefined;
  try {
    let databaseUrl: string | undefined;
    if (engine === 'postgres') {
      const database = await createScratchDatabase(adminUrl);
      dropDatabase = onCleanup(`database ${database.name}`, () => database.drop());
      databaseUrl = database.url;
    }
    mkdirSync(dataDir, { mode: 0o700 });
    const server = await startServer({ repo: REPO, dataDir, tenant: TENANT, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`], ...(databaseUrl === undefined ? {} : { databaseUrl }) });
    stopServer = onCleanup('Callgrid', () => server.stop());
    const from = process.hrtime.bigint();
    const created = await createExtensions({ httpBase: server.httpBase, adminKey: server.adminKey, tenant: TENANT }, rows, concurrency);
    const to = process.hrtime.bigint();
    // SIGTERM lets node write the profile on its way out.
    await stopServer();
    if (!created.ok) throw new Error(created.problem);
    const [file] = readdirSync(profileDir).filter((name) => name.endsWith('.cpuprofile'));
    if (file === undefined) throw new Error(`no .cpuprofile in ${profileDir}`);
    const summary = summarizeProfile(join(profileDir, file), count, { from, to });
    const wallMs = Number(to - from) / 1e6;
    console.log(`\n${engine}: ${rows} extensions created in ${(wallMs / 1000).toFixed(2)} s (${(rows / (wallMs / 1000)).toFixed(0)} rows/s under the profiler); ${summary.sampledMs.toFixed(0)} ms of samples in that window`);
    printCosts('self time by origin', summary.origins);
    printCosts('self time by function', summary.functions);
    printCosts("Callgrid's functions by total time (self + callees)", summary.callgridTotals);
  } finally {
    await stopServer?.();
    await dropDatabase?.();
    await removeDir();
  }
}

cleanupOnSignals();
let exitCode = 0;
try {
  for (const engine of engines) await profileEngine(engine);
} catch (error) {
  console.error(`bench: ${(error as Error).message}`);
  exitCode = 1;
} finally {
  await cleanupAll();
}
process.exit(exitCode);
