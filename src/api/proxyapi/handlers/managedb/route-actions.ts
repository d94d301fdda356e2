// MANAGEDB routes (spec §3.4.9): route list filtered by `routingprofileid`, and the `listroutes` of a
// routing profile (its rules) and of a provider (the rules that dial out through it). Admin key only.
import type { ObjectRow } from '../../../../domain/index.ts';
import type { RequestContext } from '../../handler.ts';
import { json, mirtaRow, type ManagedObject, type ObjectAction } from './managed-object.ts';

/** Routes in dialling order: order, then priority, then id (how the routing profile tries them). */
const byDialOrder = (a: ObjectRow, b: ObjectRow) =>
  Number(a.dl_order) - Number(b.dl_order) || Number(a.dl_priority) - Number(b.dl_priority) || Number(a.dl_id) - Number(b.dl_id);

async function routes(ctx: RequestContext, where: Record<string, number>): Promise<ReturnType<typeof json>> {
  return json((await ctx.services.objects.list('route', null, where)).sort(byDialOrder).map((r) => mirtaRow(r)));
}

/** `listroutes&objectid=N` on `owner`: the routes whose `column` is N, once N is an existing `owner`. */
function listRoutes(owner: string, column: string): ObjectAction {
  return {
    writes: false,
    async handle(ctx) {
      const id = ctx.params.requireId('objectid');
      await ctx.services.objects.get(owner, null, id);
      return routes(ctx, { [column]: id });
    },
  };
}

export const routeActions: ManagedObject['actions'] = {
  list: {
    writes: false,
    handle: (ctx) => (ctx.params.get('routingprofileid') === undefined ? routes(ctx, {}) : routes(ctx, { dl_rp_id: ctx.params.requireId('routingprofileid') })),
  },
};

export const routingProfileActions: ManagedObject['actions'] = { listroutes: listRoutes('routingprofile', 'dl_rp_id') };

export const providerActions: ManagedObject['actions'] = { listroutes: listRoutes('provider', 'dl_pr_id') };
