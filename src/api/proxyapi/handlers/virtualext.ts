// VIRTUALEXT (spec §2.29): the real extensions a VIRTUAL extension rings. `number` is the virtual
// extension; `extension` a member by number, SIP username or `<number>-<TENANT>`.
import { tenantOf, type RequestContext } from '../handler.ts';
import { actionHandler } from './action-table.ts';

const numberOf = (ctx: RequestContext) => ctx.params.require('number');
const extensionOf = (ctx: RequestContext) => ctx.params.require('extension');

export const virtualExt = actionHandler({
  reqtype: 'VIRTUALEXT',
  syntax:
    'Members of a virtual extension.\n  tenant, number (the VIRTUAL extension), action=list|add|del|clean,\n' +
    '  extension (add, del: number, SIP username or 104-TENANT)',
  discriminator: 'action',
  tenant: 'required',
  adminOnly: false,
  operations: {
    list: {
      writes: false,
      async handle(ctx) {
        const members = await ctx.services.virtualExtensions.members(tenantOf(ctx).te_id, numberOf(ctx));
        const rows = members.map((m) => ({ ex_id: String(m.ex_id), ex_number: m.ex_number, ex_name: m.ex_name, ex_username: m.ex_username }));
        return { kind: 'table', columns: ['ex_id', 'ex_number', 'ex_name', 'ex_username'], rows, header: true, formats: ['plain', 'json'] };
      },
    },
    add: {
      writes: true,
      async handle(ctx) {
        const added = await ctx.services.virtualExtensions.add(tenantOf(ctx).te_id, numberOf(ctx), extensionOf(ctx));
        return { kind: 'value', plain: 'OK', json: { result: 'OK', member: added ? 'added' : 'already a member' } };
      },
    },
    del: {
      writes: true,
      async handle(ctx) {
        await ctx.services.virtualExtensions.remove(tenantOf(ctx).te_id, numberOf(ctx), extensionOf(ctx));
        return { kind: 'value', plain: 'OK', json: { result: 'OK' } };
      },
    },
    clean: {
      writes: true,
      async handle(ctx) {
        const count = await ctx.services.virtualExtensions.clear(tenantOf(ctx).te_id, numberOf(ctx));
        return { kind: 'value', plain: `OK|${count}|`, json: { result: 'OK', deleted: count } };
      },
    },
  },
});
