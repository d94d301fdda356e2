// One engine's run: fresh data directory (and scratch PostgreSQL database), Callgrid started, N extensions
// created, then listed through MANAGEDB and openapi.php; everything it made is removed again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onCleanup } from './cleanup.ts';
import { createExtensions, listManagedb, listOpenapi, type Target, type Timed } from './extension-api.ts';
import { createScratchDatabase } from './scratch-postgres.ts';
import { startServer } from './server.ts';

export type Engine = 'sqlite' | 'postgres';

export interface RunSettings {
  readonly repo: string;
  readonly tenant: string;
  readonly rows: number;
  readonly concurrency: number;
  readonly pageSize: number;
  /** Each list is timed this many times; the median is reported. */
  readonly listRepeats: number;
  readonly postgresAdminUrl: string;
  /** Extra node flags for the server, e.g. --cpu-prof. */
  readonly nodeArgs?: readonly string[];
}

export type Figure = { readonly rowsPerSecond: number; readonly seconds: number } | { readonly problem: string };

export interface EngineResult {
  readonly engine: Engine;
  readonly create: Figure;
  readonly managedbList: Figure;
  readonly openapiList: Figure;
}

const notRun: Figure = { problem: 'not run' };
const figureOf = (timed: Timed): Figure => (timed.ok ? { rowsPerSecond: timed.rows / timed.seconds, seconds: timed.seconds } : { problem: timed.problem });

/** Times `list` `repeats` times and keeps the median run; the first failure ends it. */
async function median(repeats: number, list: () => Promise<Timed>): Promise<Figure> {
  const runs: number[] = [];
  let rows = 0;
  for (let i = 0; i < repeats; i++) {
    const timed = await list();
    if (!timed.ok) return { problem: timed.problem };
    runs.push(timed.seconds);
    rows = timed.rows;
  }
  runs.sort((a, b) => a - b);
  const seconds = runs[Math.floor(runs.length / 2)] ?? Number.NaN;
  return { rowsPerSecond: rows / seconds, seconds };
}

export async function runEngine(engine: Engine, settings: RunSettings): Promise<EngineResult> {
  const dataDir = mkdtempSync(join(tmpdir(), `callgrid-bench-prov-${engine}-`));
  const removeDir = onCleanup(`data directory ${dataDir}`, () => rmSync(dataDir, { recursive: true, force: true }));
  let dropDatabase: (() => Promise<void>) | undefined;
  let stopServer: (() => Promise<void>) | undefined;
  try {
    let databaseUrl: string | undefined;
    if (engine === 'postgres') {
      const database = await createScratchDatabase(settings.postgresAdminUrl);
      dropDatabase = onCleanup(`database ${database.name}`, () => database.drop());
      databaseUrl = database.url;
    }
    const server = await startServer({ repo: settings.repo, dataDir, tenant: settings.tenant, nodeArgs: settings.nodeArgs ?? [], ...(databaseUrl === undefined ? {} : { databaseUrl }) });
    stopServer = onCleanup('Callgrid', () => server.stop());
    console.log(`bench: ${engine}: Callgrid on ${server.httpBase}; creating ${settings.rows} extensions, ${settings.concurrency} requests in flight`);
    const target: Target = { httpBase: server.httpBase, adminKey: server.adminKey, tenant: settings.tenant };

    const create = figureOf(await createExtensions(target, settings.rows, settings.concurrency));
    if ('problem' in create) {
      const tail = server.child.stderr().trim();
      return { engine, create: { problem: `${create.problem}${tail ? `\n--- Callgrid stderr (tail) ---\n${tail}` : ''}` }, managedbList: notRun, openapiList: notRun };
    }
    console.log(`bench: ${engine}: created ${settings.rows} in ${create.seconds.toFixed(2)} s`);
    const managedbList = await median(settings.listRepeats, () => listManagedb(target, settings.rows));
    const openapiList = await median(settings.listRepeats, () => listOpenapi(target, settings.rows, settings.pageSize));
    return { engine, create, managedbList, openapiList };
  } catch (error) {
    const problem = (error as Error).message;
    return { engine, create: { problem }, managedbList: notRun, openapiList: notRun };
  } finally {
    // Server first: PostgreSQL would otherwise refuse to drop a database in use (FORCE aside), and the
    // data directory holds the SQLite file it has open.
    await stopServer?.();
    await dropDatabase?.();
    await removeDir();
  }
}
