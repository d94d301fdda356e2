// API throughput benchmark: Callgrid's authenticated tenant read versus a bare
// node:http hello-world, both as separate processes driven by wrk with the
// same settings, so the ratio shows what the whole stack costs over Node.
// Run: npm run bench:api   (env: BENCH_DURATION, BENCH_WARMUP, BENCH_THREADS,
// BENCH_CONNECTIONS, BENCH_MIN_RATIO, BENCH_CALLGRID_NODE_ARGS). Everything stays on 127.0.0.1.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, readCredentials, runWrk, startChild, stopChild, stopWrk, waitUntil, type Child, type WrkResult } from './support.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const num = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};
const settings = {
  threads: num('BENCH_THREADS', 2),
  connections: num('BENCH_CONNECTIONS', 50),
  warmupSeconds: num('BENCH_WARMUP', 3),
  durationSeconds: num('BENCH_DURATION', 10),
  minRatio: num('BENCH_MIN_RATIO', 0.5),
};

// Fail early with the fix rather than with a spawn ENOENT stack trace.
if (spawnSync('wrk', ['-v']).error) {
  console.error('bench: the load generator `wrk` is not installed. Install it with:\n  apt-get update && apt-get install -y wrk');
  process.exit(1);
}

const children: Child[] = [];
const dataDir = mkdtempSync(join(tmpdir(), 'callgrid-bench-'));
let cleaned: Promise<void> | undefined;
const cleanup = () =>
  (cleaned ??= (async () => {
    stopWrk();
    await Promise.all(children.map(stopChild));
    rmSync(dataDir, { recursive: true, force: true });
  })());

// A hung child or wrk must not hang CI: two wrk runs per target plus start-up slack.
const budgetMs = (2 * (settings.warmupSeconds + settings.durationSeconds) + 90) * 1000;
const watchdog = setTimeout(() => {
  console.error(`bench: gave up after ${budgetMs / 1000} s`);
  void cleanup().finally(() => process.exit(1));
}, budgetMs);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void cleanup().finally(() => process.exit(130)));
}

/** The authenticated read must return the config object; an error reply is a 200 too, so wrk alone can't tell. */
async function checkCallgridAnswer(url: string): Promise<void> {
  const res = await fetch(url);
  const text = await res.text();
  const error = res.headers.get('x-callgrid-error');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const ok = res.status === 200 && error === null && typeof body === 'object' && body !== null && 'maxchannels' in body;
  if (!ok) throw new Error(`Callgrid did not answer with the tenant config (status ${res.status}, error ${error ?? '-'}): ${text.slice(0, 200)}`);
}

async function measure(name: string, url: string): Promise<WrkResult> {
  const common = { threads: settings.threads, connections: settings.connections };
  console.log(`  ${name}: warm-up ${settings.warmupSeconds} s, then ${settings.durationSeconds} s measured`);
  await runWrk(url, { ...common, seconds: settings.warmupSeconds });
  const result = await runWrk(url, { ...common, seconds: settings.durationSeconds });
  if (result.errors.length > 0) console.warn(`  ${name}: wrk reported errors:\n    ${result.errors.join('\n    ')}`);
  return result;
}

function printTable(callgrid: WrkResult, bare: WrkResult): boolean {
  const ratio = callgrid.requestsPerSecond / bare.requestsPerSecond;
  const row = (a: string, b: string, c: string, d: string) => console.log(`${a.padEnd(28)}${b.padStart(14)}${c.padStart(14)}${d.padStart(16)}`);
  console.log(`\nwrk ${settings.threads} threads, ${settings.connections} connections, ${settings.durationSeconds} s (after ${settings.warmupSeconds} s warm-up)\n`);
  row('', 'Callgrid', 'bare node', 'Callgrid/bare');
  row('requests/s', callgrid.requestsPerSecond.toFixed(0), bare.requestsPerSecond.toFixed(0), ratio.toFixed(2));
  row('p99 latency (ms)', callgrid.p99Ms.toFixed(2), bare.p99Ms.toFixed(2), (callgrid.p99Ms / bare.p99Ms).toFixed(2));
  row('requests', String(callgrid.requests), String(bare.requests), '');
  const errs = (r: WrkResult) => (r.errors.length > 0 ? 'yes (above)' : 'none');
  row('socket/non-2xx errors', errs(callgrid), errs(bare), '');
  const pass = ratio >= settings.minRatio;
  console.log(`\nthroughput ratio ${ratio.toFixed(2)} ${pass ? '>=' : '<'} goal ${settings.minRatio}: ${pass ? 'OK' : 'BELOW GOAL'}`);
  return pass;
}

async function main(): Promise<number> {
  const [callgridPort, barePort] = [await freePort(), await freePort()];
  console.log(`bench: Callgrid on 127.0.0.1:${callgridPort} (data ${dataDir}), bare node:http on 127.0.0.1:${barePort}`);

  // Started exactly as a user would. BENCH_CALLGRID_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof")
  // adds node flags for profiling, since node refuses --cpu-prof/--prof in NODE_OPTIONS.
  const nodeArgs = (process.env.BENCH_CALLGRID_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  // Inherited CALLGRID_* variables or a callgrid.json in the repo could point the child at a real
  // database: drop them and give it an empty config file, so only the settings below apply.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('CALLGRID_')));
  const configFile = join(dataDir, 'bench-config.json');
  writeFileSync(configFile, '{}\n');
  const callgrid = startChild('callgrid', process.execPath, [...nodeArgs, '--import', 'tsx', 'src/cli/index.ts', 'start'], REPO, {
    ...inherited,
    CALLGRID_CONFIG: configFile,
    CALLGRID_HTTP_PORT: String(callgridPort),
    CALLGRID_HTTP_HOST: '127.0.0.1',
    CALLGRID_DATA_DIR: dataDir,
    CALLGRID_LOG_LEVEL: 'warn',
    // SIP and RTP on free loopback ports: the API is measured, and nothing else on the machine is disturbed.
    CALLGRID_SIP_HOST: '127.0.0.1',
    CALLGRID_SIP_PORT: '0',
  });
  children.push(callgrid);
  const bare = startChild('bare', process.execPath, [join(REPO, 'bench', 'hello-server.mjs'), String(barePort)], REPO, process.env);
  children.push(bare);

  const base = `http://127.0.0.1:${callgridPort}`;
  // The health check, not the API: probing the API without a key would count as a failed login.
  await waitUntil('Callgrid', callgrid, async () => (await fetch(`${base}/healthz`)).ok);
  const bareUrl = `http://127.0.0.1:${barePort}/`;
  await waitUntil('bare server', bare, async () => (await fetch(bareUrl)).ok);

  const { code, fullKey } = readCredentials(join(dataDir, 'credentials.json'));
  const callgridUrl = `${base}/pbx/proxyapi.php?key=${fullKey}&tenant=${code}&reqtype=INFO&info=config&format=json`;
  await checkCallgridAnswer(callgridUrl);

  // wrk, the server and anything else running share the CPUs: say so, since it makes the figures noisy.
  const [load = 0] = loadavg();
  if (load > availableParallelism() / 2) console.warn(`bench: note: load average ${load.toFixed(1)} on ${availableParallelism()} CPUs; other work competes with this run`);
  console.log('bench: measuring');
  const bareResult = await measure('bare node:http', bareUrl);
  const callgridResult = await measure('Callgrid', callgridUrl);
  // Checked again after the load: an error reply (ban, expired key) is a 200 and would inflate the figures.
  await checkCallgridAnswer(callgridUrl);

  const pass = printTable(callgridResult, bareResult);
  const clean = callgridResult.errors.length === 0 && bareResult.errors.length === 0;
  return pass && clean ? 0 : 1;
}

let exitCode = 1;
try {
  exitCode = await main();
} catch (error) {
  console.error(`bench: ${(error as Error).message}`);
  for (const child of children) if (child.stderr()) console.error(`--- ${child.name} stderr ---\n${child.stderr()}`);
} finally {
  clearTimeout(watchdog);
  await cleanup();
}
process.exit(exitCode);
