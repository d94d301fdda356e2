// `callgrid backup <file>`: the database copy and the tenant folders in one archive, taken while the server runs.
import { chmodSync, existsSync, lstatSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { create } from 'tar';
import type { Runtime } from '../../main.ts';
import { PbxError } from '../../shared/index.ts';
import { DATABASE, DATA_ENTRIES, MANIFEST, type Manifest } from './archive-layout.ts';

export interface BackupSummary {
  readonly file: string;
  /** Undefined when the database was copied; otherwise why not (PostgreSQL). */
  readonly databaseNote: string | undefined;
  readonly files: number;
  /** Entries left out: links and special files, which a restore would refuse. */
  readonly skipped: readonly string[];
}

/**
 * The database is copied first, then the folders: a file added meanwhile is only an extra file, whereas the
 * other order could keep a row (a media upload, a recording) whose file is not in the archive.
 */
export async function writeBackup(runtime: Pick<Runtime, 'config' | 'services'>, file: string): Promise<BackupSummary> {
  const target = resolve(file);
  if (existsSync(target)) throw new PbxError('invalid_parameter', `Backup file ${target} already exists: give a new file name`);
  if (!existsSync(dirname(target)) || !statSync(dirname(target)).isDirectory()) {
    throw new PbxError('invalid_parameter', `Backup file ${target}: the folder ${dirname(target)} does not exist`);
  }
  // Staged beside the target (same file system: the final rename is atomic, and /tmp may be too small).
  const stage = mkdtempSync(join(dirname(target), `.${basename(target)}.`));
  try {
    const copy = runtime.services.backup.copyDatabase(runtime.config.databaseUrl, join(stage, DATABASE));
    if (copy.copied) chmodSync(join(stage, DATABASE), 0o600);
    const manifest: Manifest = { format: 'callgrid-backup', version: 1, created: new Date().toISOString(), node: runtime.config.nodeName, database: copy.copied ? 'sqlite' : 'none' };
    writeFileSync(join(stage, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
    // The staged files and the data folder have different roots: the staged ones go in as a small archive
    // that the main one takes in whole (tar's '@archive' entries).
    const head = join(stage, 'head.tar');
    await create({ file: head, cwd: stage, portable: true }, copy.copied ? [MANIFEST, DATABASE] : [MANIFEST]);
    if (copy.copied) rmSync(join(stage, DATABASE));

    const dataDir = runtime.config.dataDir;
    const present = DATA_ENTRIES.filter((name) => existsSync(join(dataDir, name)) && !lstatSync(join(dataDir, name)).isSymbolicLink());
    const skipped: string[] = [];
    let files = 0;
    const partial = join(stage, 'archive.partial');
    await create(
      {
        file: partial,
        cwd: dataDir,
        gzip: !target.endsWith('.tar'),
        portable: true,
        // Links could point anywhere (and a restore refuses them); sockets and fifos hold no data.
        filter: (path, entry) => {
          if (!isStats(entry) || entry.isFile() || entry.isDirectory()) return true;
          skipped.push(path);
          return false;
        },
        onWriteEntry: (entry) => {
          if (entry.type === 'File' && entry.path !== MANIFEST && entry.path !== DATABASE) files += 1;
        },
      },
      [`@${head}`, ...present],
    );
    // It holds key hashes and SIP secrets: owner only, like the data folder.
    chmodSync(partial, 0o600);
    renameSync(partial, target);
    return { file: target, databaseNote: copy.copied ? undefined : copy.reason, files, skipped };
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

function isStats(entry: unknown): entry is Stats {
  return typeof (entry as Partial<Stats>).isSymbolicLink === 'function';
}
