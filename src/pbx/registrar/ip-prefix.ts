// IPv4 and IPv6 addresses as bytes and CIDR prefixes over them (RFC 4632, RFC 4291 §2.2-2.3), for the trusted
// networks and the per-address counting of the auth ban. IPv4-mapped IPv6 (::ffff:a.b.c.d) counts as IPv4.
import { isIPv4, isIPv6 } from 'node:net';

export interface IpAddress {
  readonly family: 4 | 6;
  readonly bytes: Uint8Array;
}

export interface IpPrefix {
  readonly network: IpAddress;
  readonly length: number;
}

export function parseIp(text: string): IpAddress | undefined {
  const address = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (isIPv4(address)) return { family: 4, bytes: Uint8Array.from(address.split('.').map(Number)) };
  if (!isIPv6(address)) return undefined;
  const bytes = ipv6Bytes(address.replace(/%.*$/, ''));
  if (bytes === undefined) return undefined;
  // ::ffff:0:0/96 is an IPv4 host seen through a dual-stack socket: the same host as its IPv4 address.
  const mapped = bytes.subarray(0, 10).every((byte) => byte === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return mapped ? { family: 4, bytes: bytes.slice(12) } : { family: 6, bytes };
}

/** `10.0.0.0/8`, `2001:db8::/32`, or a bare address (a /32 or /128). Undefined when malformed. */
export function parsePrefix(text: string): IpPrefix | undefined {
  const slash = text.indexOf('/');
  const network = parseIp(slash < 0 ? text.trim() : text.slice(0, slash).trim());
  if (network === undefined) return undefined;
  const bits = network.bytes.length * 8;
  if (slash < 0) return { network, length: bits };
  const lengthText = text.slice(slash + 1).trim();
  if (!/^\d{1,3}$/.test(lengthText)) return undefined;
  // An IPv4-mapped prefix (::ffff:10.0.0.0/104) is written against 128 bits: bring it to the IPv4 scale.
  const written = Number(lengthText);
  const length = network.family === 4 && isIPv6(text.slice(0, slash).trim()) ? written - 96 : written;
  if (length < 0 || length > bits) return undefined;
  return { network, length };
}

export function prefixContains(prefix: IpPrefix, address: IpAddress): boolean {
  if (prefix.network.family !== address.family) return false;
  return samePrefix(prefix.network.bytes, address.bytes, prefix.length);
}

/** The first `length` bits of an address as text: the key that groups addresses into one counter. */
export function prefixKey(address: IpAddress, length: number): string {
  const bits = Math.min(length, address.bytes.length * 8);
  const bytes = address.bytes.slice(0, Math.ceil(bits / 8));
  const spare = bytes.length * 8 - bits;
  if (spare > 0 && bytes.length > 0) bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) & (0xff << spare);
  return `${address.family}:${Buffer.from(bytes).toString('hex')}/${bits}`;
}

function samePrefix(a: Uint8Array, b: Uint8Array, length: number): boolean {
  const whole = Math.floor(length / 8);
  for (let i = 0; i < whole; i++) if (a[i] !== b[i]) return false;
  const rest = length % 8;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((a[whole] ?? 0) & mask) === ((b[whole] ?? 0) & mask);
}

/** The 16 bytes of a textual IPv6 address (RFC 4291 §2.2 forms 1-3), already validated by isIPv6. */
function ipv6Bytes(text: string): Uint8Array | undefined {
  // Form 3: a trailing dotted IPv4 is two more 16-bit groups.
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  let hex = text;
  if (tail.includes('.')) {
    const [a = 0, b = 0, c = 0, d = 0] = tail.split('.').map(Number);
    hex = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = hex.split('::');
  if (halves.length > 2) return undefined;
  const split = (part: string | undefined): string[] => (part === undefined || part === '' ? [] : part.split(':'));
  const head = split(halves[0]);
  const back = split(halves[1]);
  const groups = halves.length === 2 ? [...head, ...Array<string>(Math.max(0, 8 - head.length - back.length)).fill('0'), ...back] : head;
  if (groups.length !== 8) return undefined;
  const bytes = new Uint8Array(16);
  groups.forEach((group, i) => {
    const value = Number.parseInt(group, 16);
    bytes[i * 2] = value >> 8;
    bytes[i * 2 + 1] = value & 0xff;
  });
  return bytes;
}
