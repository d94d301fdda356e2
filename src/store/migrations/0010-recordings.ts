// Call recordings' metadata (spec §2.12 INFO recording, recordings, inforecording): one row per recorded call,
// written when the PBX finishes its file. The audio stays under the tenant's folder; a row names it relative to
// that folder, so nothing stored (or read back) can point outside it.
import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import type { Dialect } from '../dialect.ts';

export function recordings(dialect: Dialect) {
  const text = (c: ColumnDefinitionBuilder) => c.notNull().defaultTo('');
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const table =
        dialect === 'postgres'
          ? db.schema.createTable('re_recordings').addColumn('re_id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
          : db.schema.createTable('re_recordings').addColumn('re_id', 'integer', (c) => c.primaryKey().autoIncrement());
      await table
        .addColumn('re_te_id', 'integer', (c) => c.notNull().references('te_tenants.te_id').onDelete('cascade'))
        // The call's first channel's uniqueid (`<node>-<epoch>.<seq>`), as in its CDR; the file is named after it.
        .addColumn('re_uniqueid', 'varchar(96)', (c) => c.notNull())
        .addColumn('re_linkedid', 'varchar(96)', text)
        // DIAL's originate id when the API placed the call (spec §2.16), else empty.
        .addColumn('re_originateid', 'varchar(64)', text)
        // 'YYYY-MM-DD HH:MM:SS' UTC, as CDRs: sorts like the instant on both engines.
        .addColumn('re_start', 'varchar(19)', (c) => c.notNull())
        .addColumn('re_end', 'varchar(19)', (c) => c.notNull())
        // Audio length (paused time left out), so it may be shorter than end - start.
        .addColumn('re_durationms', 'bigint', (c) => c.notNull().defaultTo(0))
        // Relative to <dataDir>/tenants/<re_te_id>/: `recordings/<YYYY-MM-DD>/<uniqueid>.wav`.
        .addColumn('re_filename', 'varchar(255)', (c) => c.notNull())
        .addColumn('re_format', 'varchar(8)', (c) => c.notNull())
        // A day of WAV is over 2^31 bytes in stereo.
        .addColumn('re_size', 'bigint', (c) => c.notNull().defaultTo(0))
        // The node that wrote the file: until audio moves to shared storage, only that node can serve it.
        .addColumn('re_node', 'varchar(64)', text)
        // One recording per call: a second report of the same call replaces the row.
        .addUniqueConstraint('re_recordings_call_unique', ['re_te_id', 're_uniqueid'])
        .execute();
      await db.schema.createIndex('re_recordings_tenant_start').on('re_recordings').columns(['re_te_id', 're_start']).execute();
      // Lookups by id alone serve the admin key, which may name a recording without its tenant (spec §2.12's
      // DIAL example); a tenant's lookups filter these few rows by tenant.
      await db.schema.createIndex('re_recordings_uniqueid').on('re_recordings').column('re_uniqueid').execute();
      await db.schema.createIndex('re_recordings_originateid').on('re_recordings').column('re_originateid').execute();
    },
  };
}
