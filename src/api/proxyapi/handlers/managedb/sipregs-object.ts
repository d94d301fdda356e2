// MANAGEDB sipregs: the registrations of the tenant's phones, shaped like Asterisk's realtime `sipregs`
// family (name, fullcontact, ipaddr, port, regseconds, defaultuser, useragent, lastms, regserver). Read-only.
import { json, type ManagedObject } from './managed-object.ts';

export const sipregsObject: ManagedObject = {
  global: false,
  actions: {
    list: {
      writes: false,
      async handle(ctx) {
        const peers = await ctx.services.peers.list(ctx.caller.tenant?.te_id ?? null);
        return json(
          peers.map((peer) => ({
            name: peer.name,
            fullcontact: peer.binding.contactUri,
            ipaddr: peer.binding.source.address,
            port: String(peer.binding.source.port),
            // Asterisk's regseconds: the Unix time the registration expires.
            regseconds: String(Math.floor(peer.binding.expiresAt.getTime() / 1000)),
            defaultuser: peer.binding.username,
            useragent: peer.binding.userAgent ?? '',
            lastms: String(peer.binding.lastRttMs ?? (peer.binding.reachable ? 0 : -1)),
            regserver: peer.binding.node,
          })),
        );
      },
    },
  },
};
