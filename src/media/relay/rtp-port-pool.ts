// RtpPortPool: hands out bound UDP socket pairs, RTP on an even port and RTCP on port + 1
// (RFC 3550 §11), from a bounded range, at random; ports another process holds are skipped.
import { randomInt } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { lookup, type LookupOptions } from 'node:dns';
import { isIP, isIPv6 } from 'node:net';
import { err, ok, PbxError, type Result } from '../../shared/index.ts';

export const DEFAULT_PORT_MIN = 10000;
export const DEFAULT_PORT_MAX = 20000;
/** Random draws before the scan: with the range half full, 8 draws all miss one time in 256. */
const RANDOM_DRAWS = 8;

export interface RtpPortPoolOptions {
  /** The local address the sockets bind to (an IPv4 or IPv6 literal). */
  readonly host: string;
  /** Picks a pair index in [0, pairs): a CSPRNG by default; tests pass a fixed sequence. */
  readonly pick?: (pairs: number) => number;
  /** Lowest port handed out (rounded up to even). */
  readonly portMin?: number;
  /** Highest port used; the RTCP port (even + 1) must not exceed it. */
  readonly portMax?: number;
}

/** A bound pair. The sockets have no listeners yet: the caller must add an 'error' listener at once. */
export interface RtpSocketPair {
  readonly port: number;
  readonly rtp: Socket;
  readonly rtcp: Socket;
}

export class RtpPortPool {
  readonly host: string;
  readonly portMin: number;
  readonly portMax: number;
  /** Even ports currently handed out (or being bound, so concurrent allocations never race). */
  private readonly taken = new Set<number>();
  private readonly pick: (pairs: number) => number;

  constructor(options: RtpPortPoolOptions) {
    const min = options.portMin ?? DEFAULT_PORT_MIN;
    const max = options.portMax ?? DEFAULT_PORT_MAX;
    if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1 || max > 65535) {
      throw new PbxError('invalid_config', `RTP port range ${min}-${max} is not within 1-65535`);
    }
    this.host = options.host;
    this.portMin = min % 2 === 0 ? min : min + 1;
    this.portMax = max;
    if (this.portMin + 1 > this.portMax) {
      throw new PbxError('invalid_config', `RTP port range ${min}-${max} holds no even/odd port pair`);
    }
    this.pick = options.pick ?? randomInt;
  }

  /** How many pairs the range holds. */
  get capacity(): number {
    return Math.floor((this.portMax - 1 - this.portMin) / 2) + 1;
  }

  get inUse(): number {
    return this.taken.size;
  }

  /**
   * Binds a free pair chosen at random. Ports in sequence told an attacker where the next call's
   * media would be (a sweep of a few even ports found it while the call rang); a random pair does
   * not, and a just-released port is rarely handed out again at once. A few random draws find a
   * free pair in all but a nearly full range; then a scan from a random start, each port tried at
   * most once, so exhaustion is an error value rather than a loop. A port in use by someone else
   * (EADDRINUSE) is skipped; any other bind error (bad host, no permission) would repeat for every
   * port, so it ends the search.
   */
  async allocate(): Promise<Result<RtpSocketPair, string>> {
    const capacity = this.capacity;
    const busyElsewhere = new Set<number>();
    let cursor = 0;
    for (let tried = 0; tried < capacity + RANDOM_DRAWS; tried++) {
      let port: number;
      if (tried < RANDOM_DRAWS) {
        port = this.portMin + 2 * this.pick(capacity);
        cursor = port;
      } else {
        port = cursor;
        cursor = port + 2 > this.portMax - 1 ? this.portMin : port + 2;
      }
      if (this.taken.has(port)) continue;
      this.taken.add(port);
      const rtp = await bindSocket(this.host, port);
      if (!rtp.ok) {
        this.taken.delete(port);
        if (rtp.error === 'EADDRINUSE') {
          busyElsewhere.add(port);
          continue;
        }
        return err(`cannot bind RTP port ${this.host}:${port}: ${rtp.error}`);
      }
      const rtcp = await bindSocket(this.host, port + 1);
      if (!rtcp.ok) {
        rtp.value.close();
        this.taken.delete(port);
        if (rtcp.error === 'EADDRINUSE') {
          busyElsewhere.add(port);
          continue;
        }
        return err(`cannot bind RTCP port ${this.host}:${port + 1}: ${rtcp.error}`);
      }
      return ok({ port, rtp: rtp.value, rtcp: rtcp.value });
    }
    return err(
      `RTP port range ${this.portMin}-${this.portMax} exhausted: ${this.taken.size} of ${capacity} pairs in use here, ${busyElsewhere.size} held by other processes`,
    );
  }

  /** Closes the pair's sockets and makes the port available again. Idempotent. */
  release(pair: RtpSocketPair): void {
    closeQuietly(pair.rtp);
    closeQuietly(pair.rtcp);
    // dgram closes the descriptor synchronously, so the port is free to bind from here on.
    this.taken.delete(pair.port);
  }
}

function bindSocket(host: string, port: number): Promise<Result<Socket, string>> {
  return new Promise((resolve) => {
    const socket = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4', lookup: literalLookup });
    const onError = (error: NodeJS.ErrnoException): void => {
      socket.off('listening', onListening);
      closeQuietly(socket);
      resolve(err(error.code ?? error.message));
    };
    const onListening = (): void => {
      socket.off('error', onError);
      resolve(ok(socket));
    };
    socket.once('error', onError);
    socket.once('listening', onListening);
    // exclusive: under node:cluster a worker must not share a media port with another worker.
    socket.bind({ port, address: host, exclusive: true });
  });
}

/**
 * dgram resolves the address of every send through dns.lookup, which answers an IP literal on the next tick: one
 * closure and one tick per packet. The relay only sends to literals (RelaySide.setRemote refuses names), so they are
 * answered at once; a name (a bind host) still goes to dns.lookup.
 */
function literalLookup(address: string, family: number | LookupOptions, callback: (error: NodeJS.ErrnoException | null, address: string, family: number) => void): void {
  const version = isIP(address);
  if (version !== 0) return callback(null, address, version);
  lookup(address, typeof family === 'number' ? { family } : family, (error, resolved, resolvedFamily) => callback(error, resolved as string, resolvedFamily ?? 4));
}

function closeQuietly(socket: Socket): void {
  try {
    socket.close();
  } catch {
    // ERR_SOCKET_DGRAM_NOT_RUNNING: already closed, which is what we wanted.
  }
}
