// sm_sms: the SMS log, written by the SMS use case (services/sms) and read by INFO sms. Every read and update names
// its tenant.
import { sql } from 'kysely';
import type { NewSms, SmsPartRow, SmsRepository, SmsRow } from '../store.ts';
import { translateConstraint, type LooseDb } from '../row-table.ts';

/** Integer columns come back as numbers on both engines. */
function smsRow(row: Record<string, unknown>): SmsRow {
  return {
    ...(row as unknown as SmsRow),
    sm_id: Number(row.sm_id),
    sm_te_id: Number(row.sm_te_id),
    sm_pr_id: row.sm_pr_id === null || row.sm_pr_id === undefined ? null : Number(row.sm_pr_id),
    sm_parts: Number(row.sm_parts),
  };
}

function partRow(row: Record<string, unknown>): SmsPartRow {
  return {
    sp_sm_id: Number(row.sp_sm_id),
    sp_te_id: Number(row.sp_te_id),
    sp_pr_id: Number(row.sp_pr_id),
    sp_part: Number(row.sp_part),
    sp_message_id: String(row.sp_message_id),
    sp_status: String(row.sp_status),
    sp_stat: String(row.sp_stat),
    sp_error: String(row.sp_error),
    sp_updated: String(row.sp_updated),
  };
}

export function smsRepository(db: LooseDb): SmsRepository {
  return {
    async add(tenantId, row: NewSms) {
      try {
        return smsRow(await db.insertInto('sm_sms').values({ ...row, sm_te_id: tenantId }).returningAll().executeTakeFirstOrThrow());
      } catch (error) {
        throw translateConstraint(error, `SMS to ${row.sm_to}`);
      }
    },

    async update(tenantId, id, change) {
      const row = await db
        .updateTable('sm_sms')
        .set({ ...change })
        .where('sm_te_id', '=', tenantId as never)
        .where('sm_id', '=', id as never)
        .returningAll()
        .executeTakeFirst();
      return row === undefined ? undefined : smsRow(row);
    },

    async get(tenantId, id) {
      const row = await db.selectFrom('sm_sms').selectAll().where('sm_te_id', '=', tenantId as never).where('sm_id', '=', id as never).executeTakeFirst();
      return row === undefined ? undefined : smsRow(row);
    },

    async list(tenantId, range) {
      let query = db.selectFrom('sm_sms').selectAll().where('sm_te_id', '=', tenantId as never);
      if (range.from !== undefined) query = query.where('sm_created', '>=', range.from as never);
      if (range.to !== undefined) query = query.where('sm_created', '<=', range.to as never);
      return (await query.orderBy('sm_created').orderBy('sm_id').execute()).map(smsRow);
    },

    async addParts(tenantId, smsId, providerId, messageIds, now) {
      // Only into the tenant's own SMS: each part is inserted from a SELECT of that SMS, so another tenant's id adds
      // nothing (one statement per part, no read first).
      for (const [i, id] of messageIds.entries()) {
        const value = (v: string | number, name: string) => sql<string>`${v}`.as(name);
        await db
          .insertInto('sp_sms_parts')
          .columns(['sp_sm_id', 'sp_te_id', 'sp_pr_id', 'sp_part', 'sp_message_id', 'sp_status', 'sp_stat', 'sp_error', 'sp_updated'])
          .expression(
            db
              .selectFrom('sm_sms')
              .select(['sm_id', 'sm_te_id', value(providerId, 'sp_pr_id'), value(i + 1, 'sp_part'), value(id.slice(0, 72), 'sp_message_id'), value('', 'sp_status'), value('', 'sp_stat'), value('', 'sp_error'), value(now, 'sp_updated')])
              .where('sm_te_id', '=', tenantId as never)
              .where('sm_id', '=', smsId as never),
          )
          .execute();
      }
    },

    async findPart(providerId, messageIds) {
      if (messageIds.length === 0) return undefined;
      const rows = await db
        .selectFrom('sp_sms_parts')
        .selectAll()
        .where('sp_pr_id', '=', providerId as never)
        .where('sp_message_id', 'in', messageIds.map((id) => id.slice(0, 72)) as never)
        .orderBy('sp_id', 'desc')
        .execute();
      const parts = rows.map(partRow);
      for (const id of messageIds) {
        const found = parts.find((p) => p.sp_message_id === id.slice(0, 72));
        if (found !== undefined) return found;
      }
      return undefined;
    },

    async setPartStatus(tenantId, smsId, part, change) {
      await db
        .updateTable('sp_sms_parts')
        .set({ ...change, sp_stat: change.sp_stat.slice(0, 16), sp_error: change.sp_error.slice(0, 64) })
        .where('sp_te_id', '=', tenantId as never)
        .where('sp_sm_id', '=', smsId as never)
        .where('sp_part', '=', part as never)
        .execute();
      const rows = await db.selectFrom('sp_sms_parts').selectAll().where('sp_te_id', '=', tenantId as never).where('sp_sm_id', '=', smsId as never).orderBy('sp_part').execute();
      return rows.map(partRow);
    },
  };
}
