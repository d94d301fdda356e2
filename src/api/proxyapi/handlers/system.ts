// LICENSEDAYS and COUNTCALLS: installation-wide counters.
import type { ReqtypeHandler } from '../handler.ts';

export const licenseDays: ReqtypeHandler = {
  syntax: 'Days left before the service end date (admin key).\n  answers a whole number, or "unlimited" (json: null) when no end date is configured',
  tenant: 'optional',
  adminOnly: true,
  writes: false,
  async handle(ctx) {
    const days = ctx.services.system.licenseDaysLeft();
    return { kind: 'value', plain: days === null ? 'unlimited' : String(days), json: days };
  },
};

export const countCalls: ReqtypeHandler = {
  syntax: 'Calls in progress.\n  tenant (optional with the admin key: all tenants)',
  tenant: 'optional',
  adminOnly: false,
  writes: false,
  async handle(ctx) {
    const count = ctx.services.system.countCalls(ctx.caller.tenant?.te_id);
    return { kind: 'value', plain: String(count), json: count };
  },
};
