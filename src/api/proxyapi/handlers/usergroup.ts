// USERGROUP (spec §2.28, admin key): user groups, their tenants and their users. MiRTA lists
// no way to create or delete a group over this API; Callgrid adds `add` (name) and `delete`.
import type { RequestContext } from '../handler.ts';
import type { Reply } from '../reply.ts';
import { actionHandler } from './action-table.ts';

const groupOf = (ctx: RequestContext) => ctx.params.requireId('usergroupid');
const done = (extra: Record<string, string> = {}): Reply => ({ kind: 'value', plain: 'OK', json: { result: 'OK', ...extra } });
const rowsOf = <T extends object>(columns: ReadonlyArray<keyof T & string>, rows: readonly T[]): Reply => ({
  kind: 'table',
  columns,
  // MiRTA's raw rows: every value a string.
  rows: rows.map((row) => Object.fromEntries(columns.map((c) => [c, row[c] === null || row[c] === undefined ? null : String(row[c])]))),
  header: true,
  formats: ['plain', 'json'],
});

export const userGroup = actionHandler({
  reqtype: 'USERGROUP',
  syntax:
    'User groups (admin key).\n  action=list|listtenants|listusers|addtenant|deltenant|adduser|deluser|add|delete\n' +
    '  usergroupid; tenantid (addtenant, deltenant); userid, inerith=on (adduser: the user inherits the group tenants);\n' +
    '  add: name, description (Callgrid) -> the new group; delete: usergroupid (Callgrid)',
  discriminator: 'action',
  tenant: 'optional',
  adminOnly: true,
  operations: {
    list: { writes: false, handle: async (ctx) => rowsOf(['ug_id', 'ug_name', 'ug_description'], await ctx.services.userGroups.list()) },
    listtenants: { writes: false, handle: async (ctx) => rowsOf(['te_id', 'te_code', 'te_name'], await ctx.services.userGroups.tenants(groupOf(ctx))) },
    listusers: { writes: false, handle: async (ctx) => rowsOf(['us_id', 'us_username', 'gu_inherit'], await ctx.services.userGroups.users(groupOf(ctx))) },
    addtenant: {
      writes: true,
      async handle(ctx) {
        const added = await ctx.services.userGroups.addTenant(groupOf(ctx), ctx.params.requireId('tenantid'));
        return done({ linked: added ? 'added' : 'already linked' });
      },
    },
    deltenant: {
      writes: true,
      async handle(ctx) {
        await ctx.services.userGroups.removeTenant(groupOf(ctx), ctx.params.requireId('tenantid'));
        return done();
      },
    },
    adduser: {
      writes: true,
      async handle(ctx) {
        // `inerith` as MiRTA spells it; `inherit` is accepted too.
        const inherit = ['on', 'yes', '1', 'true'].includes(ctx.params.word('inerith') ?? ctx.params.word('inherit') ?? '');
        await ctx.services.userGroups.addUser(groupOf(ctx), ctx.params.requireId('userid'), inherit);
        return done({ inherit: inherit ? 'on' : '' });
      },
    },
    deluser: {
      writes: true,
      async handle(ctx) {
        await ctx.services.userGroups.removeUser(groupOf(ctx), ctx.params.requireId('userid'));
        return done();
      },
    },
    add: {
      writes: true,
      async handle(ctx) {
        const group = await ctx.services.userGroups.create(ctx.params.require('name'), ctx.params.get('description') ?? '');
        return { kind: 'value', plain: `OK|${group.ug_id}|`, json: { result: 'OK', ug_id: String(group.ug_id), ug_name: group.ug_name, ug_description: group.ug_description } };
      },
    },
    delete: {
      writes: true,
      async handle(ctx) {
        const id = groupOf(ctx);
        await ctx.services.userGroups.delete(id);
        return done({ deleted: String(id) });
      },
    },
  },
});
