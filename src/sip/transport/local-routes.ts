// Which of our addresses a peer reaches when a UDP socket is bound to the wildcard (0.0.0.0 or ::): node's dgram does
// not report a datagram's destination address (no IP_PKTINFO), so the kernel's own route lookup answers instead: a
// UDP socket connect()ed to the peer sends no packet but takes the source address the kernel would send from. That is
// also the address our replies on the wildcard socket leave from, so Contact, SDP and the packets agree (the way
// Asterisk's ast_ouraddrfor finds "our address for" a peer). Results are cached; lookups are bounded in number.
import { createSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { normalizeAddress } from './flow-table.ts';

export interface LocalRoutesOptions {
  /** Cached peers at most; the oldest entry goes first. Default 10,000. */
  readonly maxEntries?: number;
  /** How long a result is kept, so a changed route is seen again. Default 5 minutes. */
  readonly ttlMs?: number;
  /** Lookups in flight at most (each holds a socket): a flood of new sources cannot take every descriptor. Default 64. */
  readonly maxInFlight?: number;
  readonly now?: () => number;
}

export const WILDCARD_ADDRESSES: ReadonlySet<string> = new Set(['0.0.0.0', '::', '::0', '']);

export class LocalRoutes {
  private readonly cache = new Map<string, { readonly address: string; readonly until: number }>();
  private readonly inFlight = new Map<string, Promise<string | undefined>>();
  private readonly maxEntries: number;
  private readonly ttlMs: number;
  private readonly maxInFlight: number;
  private readonly now: () => number;

  constructor(options: LocalRoutesOptions = {}) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.ttlMs = options.ttlMs ?? 300_000;
    this.maxInFlight = options.maxInFlight ?? 64;
    this.now = options.now ?? Date.now;
  }

  /** Our address towards `remote` when it is known and fresh, without waiting. */
  cached(remote: string): string | undefined {
    const entry = this.cache.get(remote);
    if (entry === undefined) return undefined;
    if (entry.until > this.now()) return entry.address;
    this.cache.delete(remote);
    return undefined;
  }

  /**
   * Our address towards `remote`, looked up when not cached; undefined when the kernel has no route, or too many
   * lookups are already running (the caller then falls back to the advertised address).
   */
  lookup(remote: string): Promise<string | undefined> {
    const known = this.cached(remote);
    if (known !== undefined) return Promise.resolve(known);
    const running = this.inFlight.get(remote);
    if (running !== undefined) return running;
    if (this.inFlight.size >= this.maxInFlight) return Promise.resolve(undefined);
    const lookup = routeSource(remote).then((address) => {
      this.inFlight.delete(remote);
      if (address !== undefined) this.remember(remote, address);
      return address;
    });
    this.inFlight.set(remote, lookup);
    return lookup;
  }

  private remember(remote: string, address: string): void {
    if (this.cache.size >= this.maxEntries) {
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
    this.cache.set(remote, { address, until: this.now() + this.ttlMs });
  }
}

/** The source address the kernel picks for datagrams to `remote`; never rejects. */
function routeSource(remote: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    let socket: ReturnType<typeof createSocket>;
    try {
      socket = createSocket(isIPv6(remote.replace(/%.*$/, '')) ? 'udp6' : 'udp4');
    } catch {
      resolve(undefined);
      return;
    }
    const done = (address: string | undefined): void => {
      try {
        socket.close();
      } catch {
        // already closed
      }
      resolve(address);
    };
    socket.on('error', () => done(undefined));
    try {
      // Port 9 (discard): connect() on UDP only fixes the peer and picks a route; nothing is sent.
      socket.connect(9, remote, () => {
        try {
          const local = normalizeAddress(socket.address().address);
          done(WILDCARD_ADDRESSES.has(local) ? undefined : local);
        } catch {
          done(undefined);
        }
      });
    } catch {
      done(undefined);
    }
  });
}
