// calleridblacklist (table bl_blacklists, spec §3.4.12): caller ids a tenant refuses on inbound calls.
import { col, type ObjectSchema } from './object-schema.ts';

export const callerIdBlacklistSchema: ObjectSchema = {
  name: 'calleridblacklist',
  title: 'blacklisted caller id',
  table: 'bl_blacklists',
  idColumn: 'bl_id',
  tenantColumn: 'bl_te_id',
  labelColumn: 'bl_callerid',
  columns: {
    bl_callerid: col.text(64, { required: true }),
    // Set when the row is added (services/objects/routing-rules.ts).
    bl_inserted: col.datetime({ readOnly: true }),
    bl_reason: col.text(255),
  },
  aliases: { callerid: 'bl_callerid', reason: 'bl_reason' },
  uniqueInTenant: [['bl_callerid']],
};
