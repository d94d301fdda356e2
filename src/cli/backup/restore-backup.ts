// `callgrid restore <file>`: a backup unpacked into a new or empty data folder, every entry checked first.
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { extract, list } from 'tar';
import type { Config } from '../../config.ts';
import { PbxError } from '../../shared/index.ts';
import { DATABASE, MANIFEST, entryProblem, parseManifest, type Manifest } from './archive-layout.ts';

export interface RestoreSummary {
  readonly dataDir: string;
  readonly manifest: Manifest;
  /** Where the SQLite database was put; undefined when the archive had none (PostgreSQL: restore pg_dump's). */
  readonly database: string | undefined;
  readonly files: number;
}

/** The longest manifest read; a backup's is a few hundred bytes. */
const MANIFEST_LIMIT = 64 * 1024;

export async function restoreBackup(file: string, config: Pick<Config, 'dataDir' | 'databaseUrl'>): Promise<RestoreSummary> {
  const source = resolve(file);
  if (!existsSync(source) || !statSync(source).isFile()) throw new PbxError('not_found', `Backup file ${source} not found`);
  const dataDir = config.dataDir;
  refuseNonEmpty(dataDir);
  const sqlitePath = sqliteFile(config.databaseUrl);

  const manifest = await checkArchive(source);
  if (manifest.database === 'sqlite' && sqlitePath === undefined) {
    throw new PbxError('invalid_config', 'This backup holds a SQLite database but CALLGRID_DATABASE_URL is PostgreSQL: unset it (or use sqlite:PATH) to restore it; nothing was restored');
  }
  if (manifest.database === 'sqlite' && sqlitePath !== join(dataDir, DATABASE) && existsSync(sqlitePath ?? '')) {
    throw new PbxError('invalid_parameter', `The database file ${sqlitePath ?? ''} (CALLGRID_DATABASE_URL) already exists: restore needs a new one; nothing was restored`);
  }

  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  let files = 0;
  const late: string[] = [];
  await extract({
    file: source,
    cwd: dataDir,
    strict: true,
    // Owners of the machine the backup came from mean nothing here.
    preserveOwner: false,
    filter: (path, entry) => {
      const type = 'type' in entry ? entry.type : 'File';
      // Checked again: the file could have been swapped since the first pass.
      if (entryProblem(path, type) !== undefined) {
        late.push(path);
        return false;
      }
      if (path === MANIFEST) return false;
      if (type !== 'Directory' && path !== DATABASE) files += 1;
      return true;
    },
  });
  if (late.length > 0) throw new PbxError('invalid_parameter', `Backup file ${source} changed while it was restored (entry '${late[0] ?? ''}' refused): empty ${dataDir} and run restore again`);

  let database: string | undefined;
  if (manifest.database === 'sqlite' && sqlitePath !== undefined) {
    database = sqlitePath;
    const unpacked = join(dataDir, DATABASE);
    if (sqlitePath !== unpacked) moveFile(unpacked, sqlitePath);
    chmodSync(sqlitePath, 0o600);
  }
  return { dataDir, manifest, database, files };
}

function refuseNonEmpty(dataDir: string): void {
  if (!existsSync(dataDir)) return;
  if (!statSync(dataDir).isDirectory()) throw new PbxError('invalid_parameter', `--data-dir ${dataDir} is not a folder`);
  if (readdirSync(dataDir).length > 0) {
    throw new PbxError('invalid_parameter', `--data-dir ${dataDir} is not empty: restore writes only into a new or empty folder (nothing was changed)`);
  }
}

/** The SQLite file the config points at; undefined for PostgreSQL. Same reading as the store's. */
function sqliteFile(databaseUrl: string): string | undefined {
  if (/^postgres(ql)?:\/\//i.test(databaseUrl)) return undefined;
  const path = databaseUrl.replace(/^sqlite:(\/\/)?/i, '');
  if (path === ':memory:') throw new PbxError('invalid_config', 'CALLGRID_DATABASE_URL is sqlite::memory:: a restored database would be lost at once');
  return resolve(path);
}

/**
 * Reads the whole archive once before anything is written: a single bad entry refuses the restore, so a
 * crafted archive leaves no partial tree behind. Returns the manifest, which a Callgrid backup always has.
 */
async function checkArchive(source: string): Promise<Manifest> {
  let manifestText = '';
  let sawManifest = false;
  let problem: string | undefined;
  try {
    await list({
      file: source,
      strict: true,
      onReadEntry: (entry) => {
        const why = entryProblem(entry.path, entry.type);
        if (why !== undefined) problem ??= `entry '${entry.path}' ${why}`;
        if (entry.path === MANIFEST && why === undefined && entry.size <= MANIFEST_LIMIT) {
          sawManifest = true;
          entry.on('data', (chunk: Buffer) => (manifestText += chunk.toString('utf8')));
        }
      },
    });
  } catch (error) {
    throw new PbxError('invalid_parameter', `Backup file ${source} is not a readable tar archive: ${(error as Error).message}`);
  }
  if (problem !== undefined) throw new PbxError('invalid_parameter', `Refusing backup file ${source}: ${problem}; nothing was restored`);
  const manifest = sawManifest ? parseManifest(manifestText) : undefined;
  if (!manifest) throw new PbxError('invalid_parameter', `Backup file ${source} is not a Callgrid backup (no valid ${MANIFEST}); nothing was restored`);
  return manifest;
}

/** A rename, or a copy when the database lives on another file system than the data folder. */
function moveFile(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true, mode: 0o700 });
  try {
    renameSync(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    copyFileSync(from, to);
    rmSync(from);
  }
}
