// CDR (spec §2.35): read one column of a call's CDR by uniqueid, or append text to its userfield.
import { tenantOf } from '../handler.ts';
import { actionHandler } from './action-table.ts';

const uniqueidOf = (ctx: Parameters<typeof tenantOf>[0]) => ctx.params.require('uniqueid').trim();
// `field` defaults to userfield, the column integrations tag calls with.
const fieldOf = (ctx: Parameters<typeof tenantOf>[0]) => ctx.params.get('field')?.trim() || 'userfield';

export const cdr = actionHandler({
  reqtype: 'CDR',
  syntax: 'Read or append to a CDR field.\n  tenant, action=get|update, uniqueid, field (default userfield; update: userfield only), value (update: appended)',
  discriminator: 'action',
  tenant: 'required',
  adminOnly: false,
  operations: {
    get: {
      writes: false,
      async handle(ctx) {
        const value = await ctx.services.cdrs.getField(tenantOf(ctx).te_id, uniqueidOf(ctx), fieldOf(ctx));
        // The raw value as plain text (MiRTA); json carries it as a JSON string so the body stays valid JSON.
        return { kind: 'value', plain: value, json: value };
      },
    },
    update: {
      writes: true,
      async handle(ctx) {
        const value = await ctx.services.cdrs.appendField(tenantOf(ctx).te_id, uniqueidOf(ctx), fieldOf(ctx), ctx.params.get('value') ?? '');
        return { kind: 'value', plain: 'OK', json: { result: 'OK', value } };
      },
    },
  },
});
