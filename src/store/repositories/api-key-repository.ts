// ak_apikeys: only SHA-256 hashes of keys are stored.
import type { ApiKeyRecord } from '../../domain/index.ts';
import type { ApiKeyRepository } from '../store.ts';
import type { LooseDb } from '../row-table.ts';
import { RowTable } from '../row-table.ts';

export function apiKeyRepository(db: LooseDb): ApiKeyRepository {
  const rows = new RowTable<ApiKeyRecord>(db, 'ak_apikeys', 'ak_id', () => 'API key');
  return {
    async findByHash(hash) {
      const [key] = await rows.list({ ak_hash: hash });
      return key;
    },
    list: (tenantId) => (tenantId === undefined ? rows.list() : rows.list({ ak_te_id: tenantId })),
    add: (key) => rows.insert({ ak_te_id: key.tenantId, ak_scope: key.scope, ak_hash: key.hash, ak_hint: key.hint, ak_created: key.createdAt }),
    async revokeScope(tenantId, scope, keepId) {
      let query = db.deleteFrom('ak_apikeys').where('ak_scope', '=', scope as never);
      if (keepId !== undefined) query = query.where('ak_id', '<>', keepId as never);
      query = tenantId === null ? query.where('ak_te_id', 'is', null) : query.where('ak_te_id', '=', tenantId as never);
      const result = await query.executeTakeFirst();
      return Number(result.numDeletedRows);
    },
    revoke: (id) => rows.delete(id),
  };
}
