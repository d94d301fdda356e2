// Admission of inbound SIP connections (TCP, TLS, WebSocket). RFC 3261 §18.3 and RFC 5626 leave connection
// management to the implementation, and §26.1.5 names flooding as the denial of service to design against: a cap
// per source, so one host cannot fill the listener, and a deadline for the first request, so a silent connection
// does not hold a slot. After its first request a connection lives by the transport's usual idle rules.
import { isIPv6 } from 'node:net';
import { normalizeAddress } from './flow-table.ts';

export interface ConnectionLimits {
  /** Inbound connections open at once from one source: an IPv4 address, or an IPv6 /64. Default 100; 0 = no cap. */
  readonly maxConnectionsPerAddress?: number;
  /**
   * An inbound connection that has sent no SIP request this long after it opened (after its TLS handshake) is closed.
   * Keep-alive CRLFs do not count: they are no request. Default 10 s; 0 = never.
   */
  readonly firstMessageTimeoutMs?: number;
}

export const CONNECTION_DEFAULTS = { maxConnectionsPerAddress: 100, firstMessageTimeoutMs: 10_000 } as const;

/** Counts inbound connections per source and refuses one over the cap. */
export class ConnectionGate {
  private readonly open = new Map<string, number>();
  private readonly maxPerSource: number;

  constructor(limits: ConnectionLimits) {
    this.maxPerSource = limits.maxConnectionsPerAddress ?? CONNECTION_DEFAULTS.maxConnectionsPerAddress;
  }

  /** Takes a slot for a connection from `address`: its release function, or undefined when the source is full. */
  admit(address: string): (() => void) | undefined {
    const key = sourceKey(address);
    const count = this.open.get(key) ?? 0;
    if (this.maxPerSource > 0 && count >= this.maxPerSource) return undefined;
    this.open.set(key, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(key) ?? 1) - 1;
      if (left > 0) this.open.set(key, left);
      else this.open.delete(key);
    };
  }

  /** Connections open from the source of `address`. */
  countFrom(address: string): number {
    return this.open.get(sourceKey(address)) ?? 0;
  }
}

/**
 * The source a connection counts against: the IPv4 address, or the /64 of an IPv6 one (a host usually holds a whole
 * /64, so counting single IPv6 addresses would cap nothing).
 */
export function sourceKey(address: string): string {
  const normalized = normalizeAddress(address.replace(/^\[(.*)\]$/, '$1'));
  if (!isIPv6(normalized)) return normalized;
  const [head = '', tail] = normalized.replace(/%.*$/, '').split('::');
  const front = head === '' ? [] : head.split(':');
  const back = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? front : [...front, ...Array<string>(Math.max(0, 8 - front.length - back.length)).fill('0'), ...back];
  return `${groups.slice(0, 4).map((group) => Number.parseInt(group, 16).toString(16)).join(':')}::/64`;
}

// RFC 3261 §7.1 Request-Line = Method SP Request-URI SP SIP-Version CRLF (Method is a token).
const REQUEST_LINE = /^[A-Za-z0-9.!%*_+`'~-]+ [^ \r\n]+ SIP\/2\.0\r\n/;

/** Whether a framed message starts with a SIP request line: what ends a connection's first-request deadline. */
export function startsWithRequestLine(data: Buffer): boolean {
  return REQUEST_LINE.test(data.subarray(0, 512).toString('latin1'));
}
