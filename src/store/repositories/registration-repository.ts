// rg_registrations: one row per Contact bound to an extension (the registrar's BindingStore in SQL).
import type { RegistrationRepository, RegistrationRow } from '../store.ts';
import { translateConstraint, type LooseDb } from '../row-table.ts';

const KEY = ['rg_te_id', 'rg_ex_id', 'rg_contact_uri'] as const;

export function registrationRepository(db: LooseDb): RegistrationRepository {
  const rows = (query: Promise<unknown[]>) => query as Promise<RegistrationRow[]>;
  return {
    list: (tenantId) => {
      let query = db.selectFrom('rg_registrations').selectAll();
      if (tenantId !== undefined) query = query.where('rg_te_id', '=', tenantId as never);
      return rows(query.orderBy('rg_id').execute());
    },
    listForAccount: (tenantId, extensionId) =>
      rows(db.selectFrom('rg_registrations').selectAll().where('rg_te_id', '=', tenantId as never).where('rg_ex_id', '=', extensionId as never).orderBy('rg_id').execute()),
    async put(row) {
      const { rg_te_id, rg_ex_id, rg_contact_uri, rg_registered, ...changes } = row;
      try {
        await db
          .insertInto('rg_registrations')
          .values(row as never)
          // A refresh keeps the row (and its first registration time), replacing the rest.
          .onConflict((oc) => oc.columns([...KEY]).doUpdateSet(changes as never))
          .execute();
      } catch (error) {
        throw translateConstraint(error, `Registration of ${rg_contact_uri} (tenant ${rg_te_id}, extension ${rg_ex_id}, since ${rg_registered})`);
      }
    },
    async remove(tenantId, extensionId, contactUri) {
      return (await db
        .deleteFrom('rg_registrations')
        .where('rg_te_id', '=', tenantId as never)
        .where('rg_ex_id', '=', extensionId as never)
        .where('rg_contact_uri', '=', contactUri as never)
        .returningAll()
        .executeTakeFirst()) as RegistrationRow | undefined;
    },
    removeAll: (tenantId, extensionId) =>
      rows(db.deleteFrom('rg_registrations').where('rg_te_id', '=', tenantId as never).where('rg_ex_id', '=', extensionId as never).returningAll().execute()),
    removeExpired: (nowIso) => rows(db.deleteFrom('rg_registrations').where('rg_expires', '<=', nowIso as never).returningAll().execute()),
    async setReachability(tenantId, extensionId, contactUri, lastRtt, reachable) {
      return (await db
        .updateTable('rg_registrations')
        .set({ rg_last_rtt: lastRtt, rg_reachable: reachable ? 1 : 0 })
        .where('rg_te_id', '=', tenantId as never)
        .where('rg_ex_id', '=', extensionId as never)
        .where('rg_contact_uri', '=', contactUri as never)
        .returningAll()
        .executeTakeFirst()) as RegistrationRow | undefined;
    },
  };
}
