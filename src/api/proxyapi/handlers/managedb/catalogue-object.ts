// MANAGEDB for a catalogue object (domain/objects): the same five actions for every stored object,
// answered with MiRTA's rows (every value a string, write-only columns left out).
import type { ObjectRow } from '../../../../domain/index.ts';
import type { RequestContext } from '../../handler.ts';
import { json, mirtaRow, type ManagedObject, type ObjectAction } from './managed-object.ts';

export type CrudAction = 'list' | 'get' | 'add' | 'update' | 'delete';

/** The tenant a request acts on: the key's, or the one the admin named; none for global objects. */
const scopeOf = (ctx: RequestContext) => ctx.caller.tenant?.te_id ?? null;

export function catalogueObject(name: string, global: boolean, actions: readonly CrudAction[] = ['list', 'get', 'add', 'update', 'delete']): ManagedObject {
  const row = (ctx: RequestContext, r: ObjectRow) => {
    const schema = ctx.services.objects.schema(name);
    return mirtaRow(r, Object.keys(schema.columns).filter((c) => schema.columns[c]?.writeOnly));
  };
  const all: Record<CrudAction, ObjectAction> = {
    list: { writes: false, handle: async (ctx) => json((await ctx.services.objects.list(name, scopeOf(ctx))).map((r) => row(ctx, r))) },
    get: { writes: false, handle: async (ctx) => json(row(ctx, await ctx.services.objects.get(name, scopeOf(ctx), ctx.params.requireId('objectid')))) },
    add: { writes: true, handle: async (ctx) => json(row(ctx, await ctx.services.objects.create(name, scopeOf(ctx), ctx.params.requireJson()))) },
    update: {
      writes: true,
      handle: async (ctx) => json(row(ctx, await ctx.services.objects.update(name, scopeOf(ctx), ctx.params.requireId('objectid'), ctx.params.requireJson()))),
    },
    delete: {
      writes: true,
      async handle(ctx) {
        const id = ctx.params.requireId('objectid');
        await ctx.services.objects.delete(name, scopeOf(ctx), id);
        return json({ result: 'OK', deleted: String(id) });
      },
    },
  };
  return { global, actions: Object.fromEntries(actions.map((action) => [action, all[action]])) };
}
