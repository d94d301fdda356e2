// MANAGEDB user: web users and the tenants they manage. Passwords are write-only.
import { PbxError } from '../../../../shared/index.ts';
import { TENANT_WRITE_ONLY } from '../../../../services/index.ts';
import type { RequestContext } from '../../handler.ts';
import { json, mirtaRow, type ManagedObject } from './managed-object.ts';

const done = (extra: Record<string, string> = {}) => json({ result: 'OK', ...extra });

async function linkTarget(ctx: RequestContext): Promise<[number, number]> {
  const tenantId = ctx.params.get('tenantid') === undefined ? undefined : ctx.params.requireId('tenantid');
  if (tenantId === undefined) throw new PbxError('missing_parameter', 'No tenantid specified');
  return [ctx.params.requireId('objectid'), tenantId];
}

export const userObject: ManagedObject = {
  global: true,
  actions: {
    list: { writes: false, handle: async (ctx) => json((await ctx.services.users.list()).map((u) => mirtaRow(u))) },
    get: { writes: false, handle: async (ctx) => json(mirtaRow(await ctx.services.users.get(ctx.params.requireId('objectid')))) },
    add: { writes: true, handle: async (ctx) => json(mirtaRow(await ctx.services.users.create(ctx.params.requireJson()))) },
    update: { writes: true, handle: async (ctx) => json(mirtaRow(await ctx.services.users.update(ctx.params.requireId('objectid'), ctx.params.requireJson()))) },
    delete: {
      writes: true,
      async handle(ctx) {
        const id = ctx.params.requireId('objectid');
        await ctx.services.users.delete(id);
        return done({ deleted: String(id) });
      },
    },
    listtenants: {
      writes: false,
      handle: async (ctx) => json((await ctx.services.users.tenants(ctx.params.requireId('objectid'))).map((t) => mirtaRow(t, TENANT_WRITE_ONLY))),
    },
    addtenant: {
      writes: true,
      async handle(ctx) {
        const [userId, tenantId] = await linkTarget(ctx);
        const added = await ctx.services.users.addTenant(userId, tenantId);
        return done({ linked: added ? 'added' : 'already linked' });
      },
    },
    deltenant: {
      writes: true,
      async handle(ctx) {
        const [userId, tenantId] = await linkTarget(ctx);
        await ctx.services.users.removeTenant(userId, tenantId);
        return done();
      },
    },
  },
};
