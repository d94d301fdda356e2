// An online copy of the SQLite database for `callgrid backup`, safe while a server writes to the same file.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { PbxError } from '../shared/index.ts';
import { dialectOf } from './dialect.ts';

/**
 * Writes a consistent copy of the database at `databaseUrl` to `target` (a file that must not exist yet).
 * `VACUUM INTO` runs as one read transaction, so under WAL it sees a single snapshot while the server's
 * writer goes on; the online backup API instead restarts whenever another process writes, and may never end
 * on a busy node. The copy is made on a connection of its own: the server's is in another process.
 */
export function copySqliteDatabase(databaseUrl: string, target: string): void {
  if (dialectOf(databaseUrl) === 'postgres') {
    throw new PbxError('not_implemented', 'The database is PostgreSQL: back it up with pg_dump (callgrid backup copies only SQLite)');
  }
  const path = databaseUrl.replace(/^sqlite:(\/\/)?/i, '');
  if (path === ':memory:') throw new PbxError('invalid_config', 'The database is in memory (sqlite::memory:): there is nothing to back up');
  const source = resolve(path);
  if (!existsSync(source)) throw new PbxError('not_found', `No database at ${source}: check CALLGRID_DATA_DIR and CALLGRID_DATABASE_URL`);
  const database = new BetterSqlite3(source, { fileMustExist: true });
  try {
    // The server may hold the write lock for a moment; wait for it as the server's own connections do.
    database.pragma('busy_timeout = 5000');
    database.prepare('VACUUM INTO ?').run(target);
  } finally {
    database.close();
  }
}
