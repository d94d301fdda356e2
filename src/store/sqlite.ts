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
  cacheStatements(database);
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database }) });
  return kyselyStore(db, 'sqlite');
}

/**
 * Kysely prepares every query afresh, and preparing costs more than running (a select of the 149 extension
 * columns: tens of µs). The registrar runs the same few statements thousands of times a second, so prepared
 * statements are kept by SQL text; a bounded map, dropping the oldest, keeps one-off queries from piling up.
 */
function cacheStatements(database: BetterSqlite3.Database, limit = 500): void {
  const prepare = database.prepare.bind(database);
  const cache = new Map<string, BetterSqlite3.Statement>();
  database.prepare = ((source: string) => {
    const cached = cache.get(source);
    if (cached) return cached;
    const statement = prepare(source);
    if (cache.size >= limit) cache.delete(cache.keys().next().value as string);
    cache.set(source, statement);
    return statement;
  }) as typeof database.prepare;
}
