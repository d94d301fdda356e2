// The registrar's lookup of an extension's SIP credentials: a few columns of ex_extensions by SIP username,
// run for every authenticated REGISTER, so written once as SQL text rather than rebuilt per query.
import { sql } from 'kysely';
import type { SipAccountRepository, SipAccountRow } from '../store.ts';
import type { LooseDb } from '../row-table.ts';

const SELECT = sql.raw('select ex_id, ex_te_id, ex_number, ex_tech, ex_secret from ex_extensions where ');

export function sipAccountRepository(db: LooseDb): SipAccountRepository {
  const first = async (query: ReturnType<typeof sql<SipAccountRow>>) => (await query.execute(db)).rows[0];
  return {
    findByUsername: (username) => first(sql<SipAccountRow>`${SELECT}ex_username = ${username}`),
    findInTenant: (tenantId, user) =>
      // At a tenant's own domain the user part is the number; the full username is accepted too.
      first(sql<SipAccountRow>`${SELECT}ex_te_id = ${tenantId} and (ex_number = ${user} or ex_username = ${user}) order by (ex_number = ${user}) desc limit 1`),
  };
}
