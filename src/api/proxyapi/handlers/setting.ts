// SETTING: read or write a tenant setting by its internal code (`name`, or `code` as in MiRTA's manual).
import type { ReqtypeHandler } from '../handler.ts';
import { tenantOf } from '../handler.ts';
import { ok } from '../reply.ts';
import { PbxError } from '../../../shared/index.ts';

export const setting: ReqtypeHandler = {
  syntax: 'Tenant settings.\n  tenant, action=get|set, name (or code), value (set)',
  tenant: 'required',
  adminOnly: false,
  writes: (p) => p.word('action') === 'set',
  async handle(ctx) {
    const tenant = tenantOf(ctx);
    const action = ctx.params.requireWord('action');
    const name = ctx.params.require('name', 'code');
    if (action === 'get') {
      const value = await ctx.services.settings.get(tenant.te_id, name);
      return { kind: 'value', plain: value, json: { name: name.toUpperCase(), value } };
    }
    if (action === 'set') {
      const value = ctx.params.get('value');
      if (value === undefined) throw new PbxError('missing_parameter', 'No value specified');
      await ctx.services.settings.set(tenant.te_id, name, value);
      return ok();
    }
    throw new PbxError('unknown_action', `Unknown action ${action} for SETTING: expected get or set`);
  },
};
