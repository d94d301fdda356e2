// re_recordings: one row per recorded call, written when the PBX finishes the file and read by the INFO
// recording types. Every read names its tenant unless the admin key asked for any tenant (null).
import type { NewRecording, RecordingRepository, RecordingRow } from '../store.ts';
import { translateConstraint, type LooseDb } from '../row-table.ts';

/** PostgreSQL returns bigint columns as text; the rows go out as numbers on both engines. */
function recording(row: Record<string, unknown>): RecordingRow {
  return { ...(row as unknown as RecordingRow), re_durationms: Number(row.re_durationms), re_size: Number(row.re_size) };
}

export function recordingRepository(db: LooseDb): RecordingRepository {
  const select = (tenantId: number | null) => {
    const query = db.selectFrom('re_recordings').selectAll();
    return tenantId === null ? query : query.where('re_te_id', '=', tenantId as never);
  };

  return {
    async put(tenantId, row: NewRecording) {
      const { re_uniqueid: _uniqueid, ...changes } = row;
      // One statement on both engines, so two reports of one call cannot insert it twice.
      try {
        const stored = await db
          .insertInto('re_recordings')
          .values({ ...row, re_te_id: tenantId })
          .onConflict((oc) => oc.columns(['re_te_id', 're_uniqueid']).doUpdateSet(changes))
          .returningAll()
          .executeTakeFirstOrThrow();
        return recording(stored);
      } catch (error) {
        throw translateConstraint(error, `Recording ${row.re_uniqueid}`);
      }
    },

    async find(tenantId, id) {
      if (id === '') return undefined;
      const byUniqueId = await select(tenantId).where('re_uniqueid', '=', id as never).orderBy('re_id').executeTakeFirst();
      if (byUniqueId) return recording(byUniqueId);
      // One DIAL places one call; should a client reuse an id, the latest recording is the one it means.
      const byOriginateId = await select(tenantId).where('re_originateid', '=', id as never).orderBy('re_id', 'desc').executeTakeFirst();
      return byOriginateId ? recording(byOriginateId) : undefined;
    },

    async list(tenantId, range) {
      let query = select(tenantId);
      if (range.from !== undefined) query = query.where('re_start', '>=', range.from as never);
      if (range.to !== undefined) query = query.where('re_start', '<=', range.to as never);
      return (await query.orderBy('re_start').orderBy('re_id').execute()).map(recording);
    },
  };
}
