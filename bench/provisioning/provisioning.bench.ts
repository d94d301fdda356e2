// Provisioning benchmark (issue 3): creates N extensions through proxyapi.php and lists them through MANAGEDB
// and openapi.php, on SQLite and on PostgreSQL, and prints rows/s for each.
// Run: npm run bench:provisioning   (env: BENCH_ROWS, BENCH_CONCURRENCY, BENCH_PAGE_SIZE, BENCH_LIST_REPEATS,
// BENCH_ENGINES=sqlite,postgres, BENCH_PG_ADMIN_URL, BENCH_CALLGRID_NODE_ARGS).
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { cleanupAll, cleanupOnSignals } from './cleanup.ts';
import { runEngine, type Engine, type EngineResult, type RunSettings } from './engine-run.ts';
import { printResults } from './report.ts';

const whole = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive whole number`);
  return value;
};

function enginesOf(text: string): Engine[] {
  return text.split(',').map((name) => {
    const engine = name.trim().toLowerCase();
    if (engine !== 'sqlite' && engine !== 'postgres') throw new Error(`BENCH_ENGINES: unknown engine ${engine}; expected sqlite, postgres`);
    return engine;
  });
}

const settings: RunSettings = {
  repo: fileURLToPath(new URL('../..', import.meta.url)),
  tenant: 'BENCH',
  rows: whole('BENCH_ROWS', 10_000),
  concurrency: whole('BENCH_CONCURRENCY', 16),
  pageSize: whole('BENCH_PAGE_SIZE', 1000),
  listRepeats: whole('BENCH_LIST_REPEATS', 3),
  postgresAdminUrl: process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  nodeArgs: (process.env.BENCH_CALLGRID_NODE_ARGS ?? '').split(/\s+/).filter(Boolean),
};
const engines = enginesOf(process.env.BENCH_ENGINES ?? 'sqlite,postgres');

cleanupOnSignals();
// A wedged server must not hang CI: generous for 10,000 rows on a slow disk.
const budgetMs = (300 + settings.rows / 10) * 1000 * engines.length;
const watchdog = setTimeout(() => {
  console.error(`bench: gave up after ${budgetMs / 1000} s`);
  void cleanupAll().finally(() => process.exit(1));
}, budgetMs);

const loadLine = (): string => `load average ${loadavg().map((value) => value.toFixed(2)).join(', ')} on ${availableParallelism()} CPUs`;

let exitCode = 1;
try {
  const [load = 0] = loadavg();
  console.log(`bench: ${loadLine()}`);
  if (load > availableParallelism() / 2) console.log('bench: note: other work competes with this run');
  const results: EngineResult[] = [];
  for (const engine of engines) results.push(await runEngine(engine, settings));
  exitCode = printResults(results, settings) ? 0 : 1;
  console.log(`\n${loadLine()} (after the run)`);
} catch (error) {
  console.error(`bench: ${(error as Error).message}`);
} finally {
  clearTimeout(watchdog);
  await cleanupAll();
}
process.exit(exitCode);
