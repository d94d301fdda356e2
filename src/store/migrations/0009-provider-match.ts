// pr_providers.pr_match (Callgrid's column for PJSIP identify's `match`, security review): further source addresses
// a carrier's requests may come from. A database made before it has no such column; a new one already has it,
// since 0002 builds the object tables from the current catalogue, so the column is added only where it is missing.
import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect.ts';

export function providerMatch(dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      // As 0002 makes text columns: never null, '' when unset.
      if (dialect === 'postgres') {
        // The table in the connection's search_path (tests run one schema each), whatever other schemas hold.
        await sql`alter table pr_providers add column if not exists pr_match varchar(1024) not null default ''`.execute(db);
        return;
      }
      const tables = await db.introspection.getTables();
      const providers = tables.find((table) => table.name === 'pr_providers');
      if (providers === undefined || providers.columns.some((column) => column.name === 'pr_match')) return;
      await db.schema.alterTable('pr_providers').addColumn('pr_match', 'varchar(1024)', (c) => c.notNull().defaultTo('')).execute();
    },
  };
}
