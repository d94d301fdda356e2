// MANAGEDB condition extras (spec §3.4.11): its destination slots and its extended infos (schedules).
import { tenantOf } from '../../handler.ts';
import { ownerDestinations } from './destination-actions.ts';
import { json, mirtaRow, type ManagedObject } from './managed-object.ts';

export const conditionActions: ManagedObject['actions'] = {
  getdestinations: ownerDestinations('condition'),
  getextendedinfos: {
    writes: false,
    handle: async (ctx) => json((await ctx.services.routing.conditionInfos.list(tenantOf(ctx).te_id, ctx.params.requireId('objectid'))).map((r) => mirtaRow(r))),
  },
  // jsondata [{"param1":"1","param2":"8:00","param3":"13:00"}, ...]; answers the rows after the change.
  replaceextendedinfos: {
    writes: true,
    handle: async (ctx) =>
      json((await ctx.services.routing.conditionInfos.replace(tenantOf(ctx).te_id, ctx.params.requireId('objectid'), ctx.params.requireJson())).map((r) => mirtaRow(r))),
  },
};
