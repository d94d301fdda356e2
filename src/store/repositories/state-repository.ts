// st_states: one hint state per (tenant, hint name), written over in place.
import type { HintState, StateRepository } from '../store.ts';
import { translateConstraint, type LooseDb } from '../row-table.ts';

export function stateRepository(db: LooseDb): StateRepository {
  return {
    async get(tenantId, extension) {
      const row = await db.selectFrom('st_states').selectAll().where('st_te_id', '=', tenantId as never).where('st_extension', '=', extension as never).executeTakeFirst();
      return row as HintState | undefined;
    },
    async set(tenantId, state) {
      const values = { st_state: state.st_state, st_timestamp: state.st_timestamp, st_peername: state.st_peername };
      // One statement on both engines: concurrent sets of one hint cannot insert it twice.
      try {
        return (await db
          .insertInto('st_states')
          .values({ st_te_id: tenantId, st_extension: state.st_extension, ...values })
          .onConflict((oc) => oc.columns(['st_te_id', 'st_extension']).doUpdateSet(values))
          .returningAll()
          .executeTakeFirstOrThrow()) as unknown as HintState;
      } catch (error) {
        throw translateConstraint(error, `State of ${state.st_extension}`);
      }
    },
    async list(tenantId) {
      return (await db.selectFrom('st_states').selectAll().where('st_te_id', '=', tenantId as never).orderBy('st_id').execute()) as unknown as HintState[];
    },
  };
}
