// ms_messages: SIP MESSAGEs kept for offline extensions (pbx/messaging). Every read and write names its tenant,
// except purge, which drops delivered and expired rows of all tenants.
import type { MessageRepository, NewStoredMessage, StoredMessageRow } from '../store.ts';
import type { LooseDb } from '../row-table.ts';

/** Integer columns come back as numbers on both engines. */
function message(row: Record<string, unknown>): StoredMessageRow {
  return { ...(row as unknown as StoredMessageRow), ms_id: Number(row.ms_id), ms_te_id: Number(row.ms_te_id), ms_to_ex_id: Number(row.ms_to_ex_id), ms_delivered: (row.ms_delivered as string | null) ?? null };
}

export function messageRepository(db: LooseDb): MessageRepository {
  const waiting = (tenantId: number, now: string) =>
    db.selectFrom('ms_messages').where('ms_te_id', '=', tenantId as never).where('ms_delivered', 'is', null).where('ms_expires', '>', now as never);

  const countPending = async (tenantId: number, now: string): Promise<number> => {
    const row = await waiting(tenantId, now).select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
    return Number(row?.n ?? 0);
  };

  return {
    async add(tenantId, row: NewStoredMessage, limits) {
      if ((await countPending(tenantId, limits.now)) >= limits.cap) return undefined;
      return message(await db.insertInto('ms_messages').values({ ...row, ms_te_id: tenantId, ms_delivered: null }).returningAll().executeTakeFirstOrThrow());
    },

    async pending(tenantId, extensionId, now, limit) {
      const rows = await waiting(tenantId, now).where('ms_to_ex_id', '=', extensionId as never).selectAll().orderBy('ms_id').limit(limit).execute();
      return rows.map(message);
    },

    async markDelivered(tenantId, id, at) {
      const result = await db.updateTable('ms_messages').set({ ms_delivered: at }).where('ms_te_id', '=', tenantId as never).where('ms_id', '=', id as never).where('ms_delivered', 'is', null).executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    countPending,

    async purge(now) {
      const result = await db.deleteFrom('ms_messages').where((eb) => eb.or([eb('ms_delivered', 'is not', null), eb('ms_expires', '<=', now as never)])).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
