// The store module: the Store interface and how to open one from a database URL.
// Kysely and the database drivers appear nowhere outside this folder.
import { resolve } from 'node:path';
import { dialectOf } from './dialect.ts';
import { openPostgresStore, type PostgresOptions } from './postgres.ts';
import { openSqliteStore } from './sqlite.ts';
import type { Store } from './store.ts';

export type * from './store.ts';
export { dialectOf, type Dialect } from './dialect.ts';
export { copySqliteDatabase } from './database-copy.ts';

/** `postgres://...` opens PostgreSQL; `sqlite:PATH`, `sqlite::memory:` or a bare path open SQLite. */
export function openStore(databaseUrl: string, options: PostgresOptions = {}): Store {
  if (dialectOf(databaseUrl) === 'postgres') return openPostgresStore(databaseUrl, options);
  const path = databaseUrl.replace(/^sqlite:(\/\/)?/i, '');
  return openSqliteStore(path === ':memory:' ? path : resolve(path));
}
