// cm_calleridmods: the caller-id modification rules (domain/objects/callerid-modification.ts, CALLERIDMOD-<id>).
// 0002 builds every object table from the current catalogue, so a database made after this object joined it
// already has the table; one made before gets it here, built by 0002's own table builder. `if not exists`
// keeps both paths one migration, and on PostgreSQL it looks in the connection's search_path (tests run one
// schema each), whatever other schemas hold.
import type { Kysely } from 'kysely';
import { CATALOGUE } from '../../domain/index.ts';
import type { Dialect } from '../dialect.ts';
import { createObjectTable } from './0002-objects.ts';

export function callerIdMods(dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const schema = CATALOGUE.calleridmodification;
      // The schema is this release's; a catalogue without it would be a build error, not a database to migrate.
      if (schema === undefined || schema.tenantColumn === null) throw new Error('migration 0012: the calleridmodification schema is missing from the catalogue');
      await createObjectTable(db, dialect, schema, { ifNotExists: true });
    },
  };
}
