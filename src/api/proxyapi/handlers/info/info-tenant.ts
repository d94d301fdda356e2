// INFO config (the tenant's limits) and INFO balance (the ledger sum).
import { TENANT_LIMITS, formatAmount } from '../../../../domain/index.ts';
import { tenantOf } from '../../handler.ts';
import type { InfoType } from './info-type.ts';

export const infoConfig: InfoType = {
  syntax: 'limits of the tenant (0 = unlimited): maxchannels|maxextensions|maxdids|maxqueues|maxconferences|maxivrs|maxvoicemails|',
  tenant: 'required',
  async handle(ctx) {
    const tenant = tenantOf(ctx);
    // A plain loop: this answer is the benchmark's hot read path.
    const limits: Record<string, number> = {};
    let plain = '';
    for (const [name, column] of TENANT_LIMITS) {
      limits[name] = tenant[column];
      plain += `${tenant[column]}|`;
    }
    return { kind: 'value', plain, json: limits };
  },
};

export const infoBalance: InfoType = {
  syntax: 'credit available; with start/end (YYYY-MM-DD[ HH:MM:SS]) the sum of the entries in that range',
  tenant: 'required',
  async handle(ctx) {
    const tenant = tenantOf(ctx);
    const total = await ctx.services.balance.total(tenant.te_id, ctx.params.get('start') || undefined, ctx.params.get('end') || undefined);
    const text = formatAmount(total);
    // A bare number: the same bytes are valid plain text and valid JSON.
    return { kind: 'value', plain: text, json: Number(text), jsonText: text };
  },
};
