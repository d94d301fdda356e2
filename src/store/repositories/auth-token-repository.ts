// at_authtokens: at most one token per web user, stored as a SHA-256 hash.
import type { AuthTokenRecord } from '../../domain/index.ts';
import type { AuthTokenRepository } from '../store.ts';
import { RowTable, type LooseDb } from '../row-table.ts';

export function authTokenRepository(db: LooseDb): AuthTokenRepository {
  const rows = new RowTable<AuthTokenRecord>(db, 'at_authtokens', 'at_us_id', () => 'Auth token');
  return {
    get: (userId) => rows.get(userId),
    async put(token) {
      // A new token replaces the previous one (MiRTA: "a new token replaces the previous one").
      await rows.delete(token.at_us_id);
      await rows.insert(token);
    },
    delete: (userId) => rows.delete(userId),
  };
}
