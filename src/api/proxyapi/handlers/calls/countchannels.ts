// COUNTCHANNELS (spec §2.7): active channels per node.
import type { ReqtypeHandler } from '../../handler.ts';
import { nodeOf, scope } from './channel-table.ts';

export const countChannels: ReqtypeHandler = {
  syntax: 'Active channels per node.\n  nodename (optional: that node only), tenant (optional with the admin key: all tenants)\n  plain: node:count|node:count|  json: {"node":count}',
  tenant: 'optional',
  adminOnly: false,
  writes: false,
  async handle(ctx) {
    const counts = ctx.services.calls.countByNode(scope(ctx), nodeOf(ctx));
    return { kind: 'value', plain: Object.entries(counts).map(([node, n]) => `${node}:${n}|`).join(''), json: counts };
  },
};
