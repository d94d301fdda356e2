// One number, one DID (security review): di_dids.di_number_key holds the number without its spelling
// (domain didNumberKey: no '+', no '00' prefix, no separators) under a unique index across every tenant, so no
// tenant can add another's number as `+5551000` or `005551000`, however its writes race.
import type { Kysely } from 'kysely';
import { didNumberKey } from '../../domain/index.ts';
import type { Dialect } from '../dialect.ts';

export function didNumberKeys(_dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const loose = db as unknown as Kysely<Record<string, Record<string, unknown>>>;
      // Null = no key: the index lets any number of rows have none (both engines).
      await db.schema.alterTable('di_dids').addColumn('di_number_key', 'varchar(33)').execute();
      const rows = await loose.selectFrom('di_dids').select(['di_id', 'di_number']).orderBy('di_id').execute();
      const held = new Set<string>();
      for (const row of rows) {
        const key = didNumberKey(String(row.di_number ?? ''));
        // A number two DIDs already share (possible before this release) stays with its first DID; the later
        // ones keep working as before but get no key, so an operator can find them (di_number_key is null)
        // and choose. Failing the upgrade instead would stop the PBX over data it has been running with.
        if (key === '' || held.has(key)) continue;
        held.add(key);
        await loose.updateTable('di_dids').set({ di_number_key: key }).where('di_id', '=', row.di_id).execute();
      }
      await db.schema.createIndex('di_dids_number_key_unique').on('di_dids').column('di_number_key').unique().execute();
    },
  };
}
