// at_authtokens: at most one token per web user, stored as a SHA-256 hash.
import type { AuthTokenRecord } from '../../domain/index.ts';
import type { AuthTokenRepository } from '../store.ts';
import { RowTable, translateConstraint, type LooseDb } from '../row-table.ts';

export function authTokenRepository(db: LooseDb): AuthTokenRepository {
  const rows = new RowTable<AuthTokenRecord>(db, 'at_authtokens', 'at_us_id', () => 'Auth token');
  return {
    get: (userId) => rows.get(userId),
    async put(token) {
      // A new token replaces the previous one (MiRTA), in one statement so concurrent generates cannot collide.
      const { at_us_id: _user, ...replacement } = token;
      try {
        await db.insertInto('at_authtokens').values({ ...token }).onConflict((oc) => oc.column('at_us_id').doUpdateSet(replacement)).execute();
      } catch (error) {
        throw translateConstraint(error, 'Auth token');
      }
    },
    delete: (userId) => rows.delete(userId),
  };
}
