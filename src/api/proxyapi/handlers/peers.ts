// COUNTPEERS, CHANSIPPEERS (alias PEERS), UNREGISTER and REBOOT: registered phones, per tenant.
import type { Peer } from '../../../services/index.ts';
import { PbxError } from '../../../shared/index.ts';
import type { RequestContext, ReqtypeHandler } from '../handler.ts';

const scope = (ctx: RequestContext) => ctx.caller.tenant?.te_id ?? null;

export const countPeers: ReqtypeHandler = {
  syntax: 'Registered peers per node.\n  tenant (optional with the admin key: all tenants)\n  plain: node:count|node:count|  json: {"node":count}',
  tenant: 'optional',
  adminOnly: false,
  writes: false,
  async handle(ctx) {
    const counts = await ctx.services.peers.countByNode(scope(ctx));
    return { kind: 'value', plain: Object.entries(counts).map(([node, n]) => `${node}:${n}|`).join(''), json: counts };
  },
};

/** chan_sip's `sip show peers` columns, with the node first (spec §2.3). */
const PEER_COLUMNS = ['node', 'Name', 'Host', 'Dyn', 'Forcerport', 'Comedia', 'ACL', 'Port', 'Status', 'Description', 'Realtime'] as const;

function peerRow(peer: Peer): Record<(typeof PEER_COLUMNS)[number], string> {
  return {
    node: peer.binding.node,
    Name: peer.name,
    Host: peer.binding.source.address,
    Dyn: 'D',
    // Callgrid answers and sends to the packet's source port whatever Via says (force_rport), and relays media.
    Forcerport: 'Yes',
    Comedia: 'Yes',
    ACL: '',
    Port: String(peer.binding.source.port),
    Status: peer.status,
    Description: peer.description,
    Realtime: 'Cached RT',
  };
}

export const chanSipPeers: ReqtypeHandler = {
  syntax: 'Peers registered on all nodes (alias PEERS): one row per registered contact.\n  tenant (optional with the admin key: all tenants)\n  columns: ' + PEER_COLUMNS.join('|'),
  tenant: 'optional',
  adminOnly: false,
  writes: false,
  formats: ['plain', 'json', 'csv'],
  async handle(ctx) {
    const peers = await ctx.services.peers.list(scope(ctx));
    return { kind: 'table', columns: PEER_COLUMNS, rows: peers.map(peerRow), header: true, formats: ['plain', 'json', 'csv'] };
  },
};

function selector(ctx: RequestContext): string {
  const peer = ctx.params.get('peer')?.trim();
  if (!peer) throw new PbxError('missing_parameter', 'No peer specified: give a peer name (100-ACME), an extension number with tenant, or ALL');
  return peer;
}

export const unregister: ReqtypeHandler = {
  syntax: 'Drop the registrations of a peer, or of ALL peers of the tenant.\n  peer (name such as 100-ACME, extension number, or ALL), tenant (optional with the admin key)',
  tenant: 'optional',
  adminOnly: false,
  writes: true,
  async handle(ctx) {
    const removed = await ctx.services.peers.unregister(scope(ctx), selector(ctx));
    return { kind: 'value', plain: `OK|${removed} registrations removed`, json: { result: 'OK', removed } };
  },
};

export const reboot: ReqtypeHandler = {
  syntax: 'Ask phones to reboot (SIP NOTIFY Event: check-sync).\n  peer (name, extension number, or ALL), tenant (optional with the admin key)',
  tenant: 'optional',
  adminOnly: false,
  writes: true,
  async handle(ctx) {
    const { sent, elsewhere } = await ctx.services.peers.reboot(scope(ctx), selector(ctx));
    return { kind: 'value', plain: `OK|${sent} phones notified`, json: { result: 'OK', notified: sent, ...(elsewhere ? { onOtherNodes: elsewhere } : {}) } };
  },
};
