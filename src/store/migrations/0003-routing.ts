// Routing data beyond the catalogue's generated tables (0002): the built-in custom types, and the
// indexes the destination checks read by (a target's id on delete, a slot owner's id on cascade).
import type { Kysely } from 'kysely';
import { BUILT_IN_CUSTOM_TYPES } from '../../domain/index.ts';
import type { Dialect } from '../dialect.ts';

export function routing(_dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const loose = db as unknown as Kysely<Record<string, Record<string, unknown>>>;
      // In order, so their ids are 1..n on both engines (id 1 = the spec's external-number example).
      for (const row of BUILT_IN_CUSTOM_TYPES) await loose.insertInto('ct_customtypes').values(row).execute();
      await db.schema.createIndex('de_destinations_target').on('de_destinations').columns(['de_te_id', 'de_type_id_dst']).execute();
      await db.schema.createIndex('de_destinations_owner').on('de_destinations').columns(['de_te_id', 'de_type_id_src']).execute();
    },
  };
}
