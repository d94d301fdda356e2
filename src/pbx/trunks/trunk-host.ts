// The IP address of a trunk's host: a literal as it is, a name through the system resolver (A/AAAA, as
// getaddrinfo answers). RFC 3263 NAPTR/SRV lookups are not made: the provider row names host and port.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

export type ResolveHost = (host: string) => Promise<string | undefined>;

export const resolveTrunkHost: ResolveHost = async (host) => {
  const bare = host.replace(/^\[|\]$/g, '');
  if (isIP(bare) !== 0) return bare;
  try {
    return (await lookup(bare)).address;
  } catch {
    return undefined;
  }
};
