// The embedded default: one SQLite file (WAL, foreign keys on) through better-sqlite3.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Store } from './store.ts';
import { kyselyStore } from './kysely-store.ts';

/** `path` is a file path or ':memory:'. */
export function openSqliteStore(path: string): Store {
  // The data folder holds key and password hashes: owner only.
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const database = new BetterSqlite3(path);
  database.pragma('journal_mode = WAL');
  database.pragma('foreign_keys = ON');
  // Readers and the one writer of WAL wait for each other instead of failing at once.
  database.pragma('busy_timeout = 5000');
  database.pragma('synchronous = NORMAL');
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database }) });
  return kyselyStore(db, 'sqlite');
}
