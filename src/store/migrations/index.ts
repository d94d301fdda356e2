// The one ordered list of migrations, shared by SQLite and PostgreSQL.
import type { Migration, MigrationProvider } from 'kysely';
import type { Dialect } from '../dialect.ts';
import { foundation } from './0001-foundation.ts';

export function migrationProvider(dialect: Dialect): MigrationProvider {
  const migrations: Record<string, Migration> = {
    '0001-foundation': foundation(dialect),
  };
  return { getMigrations: async () => migrations };
}
