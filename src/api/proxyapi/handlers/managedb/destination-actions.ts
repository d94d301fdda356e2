// MANAGEDB destination list/replace (spec §3.3: `typesrc` + `typeidsrc` name the slot) and the
// getdestinations of the objects that own slots (IVR, condition).
import type { ObjectRow } from '../../../../domain/index.ts';
import { tenantOf, type RequestContext } from '../../handler.ts';
import { json, mirtaRow, type ManagedObject, type ObjectAction } from './managed-object.ts';

const rows = (list: readonly ObjectRow[]) => json(list.map((r) => mirtaRow(r)));

const slotOf = (ctx: RequestContext): [number, string, number] => [tenantOf(ctx).te_id, ctx.params.require('typesrc'), ctx.params.requireId('typeidsrc')];

export const destinationActions: ManagedObject['actions'] = {
  list: { writes: false, handle: async (ctx) => rows(await ctx.services.routing.destinations.list(...slotOf(ctx))) },
  // Answers the slot's rows after the change.
  replace: { writes: true, handle: async (ctx) => rows(await ctx.services.routing.destinations.replace(...slotOf(ctx), ctx.params.requireJson())) },
};

/** `getdestinations&objectid=N`: every slot row of one object of kind `object`. */
export function ownerDestinations(object: string): ObjectAction {
  return {
    writes: false,
    handle: async (ctx) => rows(await ctx.services.routing.destinations.ofOwner(tenantOf(ctx).te_id, object, ctx.params.requireId('objectid'))),
  };
}

/** One fixed slot of the object `objectid` (hunt list members = slot HUNTLIST): read and replace. */
export function slotActions(slotType: string): { read: ObjectAction; write: ObjectAction } {
  const slot = (ctx: RequestContext): [number, string, number] => [tenantOf(ctx).te_id, slotType, ctx.params.requireId('objectid')];
  return {
    read: { writes: false, handle: async (ctx) => rows(await ctx.services.routing.destinations.list(...slot(ctx))) },
    write: { writes: true, handle: async (ctx) => rows(await ctx.services.routing.destinations.replace(...slot(ctx), ctx.params.requireJson())) },
  };
}
