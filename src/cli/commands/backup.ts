// `callgrid backup <file>` and `callgrid restore <file> [--data-dir D]`.
import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { buildRuntime } from '../../main.ts';
import { PbxError, createLogger } from '../../shared/index.ts';
import { restoreBackup } from '../backup/restore-backup.ts';
import { writeBackup } from '../backup/write-backup.ts';

async function backup(file: string): Promise<void> {
  const config = loadConfig();
  // Opening the store would create an empty database where none is: a wrong CALLGRID_DATA_DIR must fail instead.
  const sqlite = /^postgres(ql)?:\/\//i.test(config.databaseUrl) ? undefined : config.databaseUrl.replace(/^sqlite:(\/\/)?/i, '');
  if (sqlite !== undefined && sqlite !== ':memory:' && !existsSync(sqlite)) {
    throw new PbxError('not_found', `No database at ${sqlite}: check CALLGRID_DATA_DIR (or CALLGRID_DATABASE_URL)`);
  }
  const runtime = await buildRuntime(config, { logger: createLogger('warn') });
  try {
    const summary = await writeBackup(runtime, file);
    if (summary.databaseNote) console.log(summary.databaseNote);
    for (const path of summary.skipped) console.log(`Skipped ${path}: not a plain file or folder`);
    console.log(`Backup written to ${summary.file} (${summary.databaseNote ? 'no database' : 'database'} and ${summary.files} data files from ${config.dataDir}).`);
  } finally {
    await runtime.close();
  }
}

async function restore(file: string, options: { dataDir?: string }): Promise<void> {
  const config = loadConfig(options.dataDir === undefined ? process.env : { ...process.env, CALLGRID_DATA_DIR: options.dataDir });
  const summary = await restoreBackup(file, config);
  console.log(`Restored ${summary.files} data files into ${summary.dataDir} (backup of node ${summary.manifest.node}, ${summary.manifest.created}).`);
  console.log(summary.database ? `Database: ${summary.database}` : 'The backup holds no database (PostgreSQL): restore it with pg_restore or psql from your pg_dump.');
  console.log(`Start the node with CALLGRID_DATA_DIR=${summary.dataDir}.`);
}

export function backupCommands(program: Command): void {
  program
    .command('backup <file>')
    .description('write the SQLite database (a consistent online copy) and the tenant folders (media, recordings, voicemail) to one archive (.tar.gz, or .tar); safe while the server runs')
    .action(backup);
  program
    .command('restore <file>')
    .description('restore a backup archive into a new or empty data folder')
    .option('--data-dir <dir>', 'the folder to restore into (default: CALLGRID_DATA_DIR)')
    .action(restore);
}
