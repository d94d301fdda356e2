// The database half of `callgrid backup`: a consistent copy of an SQLite store; PostgreSQL is pg_dump's job.
import { copySqliteDatabase, type Store } from '../../store/index.ts';

/** What became of the database: copied to the target file, or left to pg_dump (PostgreSQL). */
export type DatabaseCopy = { readonly copied: true } | { readonly copied: false; readonly reason: string };

export class DatabaseBackupService {
  constructor(private readonly store: Pick<Store, 'dialect'>) {}

  /**
   * Copies the database the runtime runs on (`databaseUrl`, the config's) to `target`, online. PostgreSQL
   * has its own consistent dump tools, which know roles, sequences and versions; they are not redone here.
   */
  copyDatabase(databaseUrl: string, target: string): DatabaseCopy {
    if (this.store.dialect === 'postgres') {
      return { copied: false, reason: 'The database is PostgreSQL: back it up with pg_dump (e.g. pg_dump -Fc -f callgrid.dump "$CALLGRID_DATABASE_URL"); this archive holds the data folders only.' };
    }
    copySqliteDatabase(databaseUrl, target);
    return { copied: true };
  }
}
