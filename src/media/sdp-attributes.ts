// SDP a= lines (RFC 8866 §6: rtpmap, fmtp, ptime, the four directions; RFC 3605 rtcp; RFC 5761
// §5.1.1 rtcp-mux): the text after "a=" to a typed attribute and back. Unknown names are kept.
import { err, ok, type Result } from '../shared/index.ts';
import type { Connection, Direction, SdpAttribute } from './sdp-types.ts';

const TOKEN = /^[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+$/;
const PORT = /^\d{1,5}$/;

/** A port 0-65535 from decimal digits, or undefined. */
export function parsePort(text: string): number | undefined {
  if (!PORT.test(text)) return undefined;
  const port = Number(text);
  return port <= 65535 ? port : undefined;
}

/** The three fields of c= or of a=rtcp's address part. */
export function parseConnectionFields(fields: readonly string[]): Connection | undefined {
  const [netType, addrType, address] = fields;
  if (fields.length !== 3 || netType === undefined || addrType === undefined || address === undefined) return undefined;
  if (!TOKEN.test(netType) || !TOKEN.test(addrType) || address.length === 0) return undefined;
  return { netType, addrType, address };
}

export function parseAttribute(text: string): Result<SdpAttribute, string> {
  const colon = text.indexOf(':');
  const name = colon < 0 ? text : text.slice(0, colon);
  const value = colon < 0 ? undefined : text.slice(colon + 1);
  if (!TOKEN.test(name)) return err('bad attribute name');
  // hasOwn: a name such as "constructor" must not reach Object.prototype.
  const parse = Object.hasOwn(TYPED, name) ? TYPED[name] : undefined;
  if (parse === undefined) return ok(value === undefined ? { kind: 'other', name } : { kind: 'other', name, value });
  return parse(value);
}

type AttributeParser = (value: string | undefined) => Result<SdpAttribute, string>;

const direction =
  (d: Direction): AttributeParser =>
  (value) =>
    value === undefined ? ok({ kind: 'direction', direction: d }) : err(`a=${d} takes no value`);

/** A typed table: one parser per attribute name the model understands. */
const TYPED: Readonly<Record<string, AttributeParser>> = {
  rtpmap: (value) => {
    // §6.6: a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>]
    const match = /^(\d{1,3}) ([^/\s]+)\/(\d{1,10})(?:\/(\d{1,3}))?$/.exec(value?.trim() ?? '');
    if (match === null) return err('bad a=rtpmap');
    const payloadType = Number(match[1]);
    const clockRate = Number(match[3]);
    if (payloadType > 127 || clockRate === 0 || !TOKEN.test(match[2] ?? '')) return err('bad a=rtpmap');
    const base = { kind: 'rtpmap', payloadType, encoding: match[2] ?? '', clockRate } as const;
    return ok(match[4] === undefined ? base : { ...base, channels: Number(match[4]) });
  },
  fmtp: (value) => {
    // §6.15: a=fmtp:<format> <format specific parameters>; the parameters belong to the format.
    const match = /^(\S+)(?: (.*))?$/.exec(value ?? '');
    if (match === null || !TOKEN.test(match[1] ?? '')) return err('bad a=fmtp');
    return ok({ kind: 'fmtp', format: match[1] ?? '', parameters: match[2] ?? '' });
  },
  ptime: (value) => {
    const text = value?.trim() ?? '';
    const milliseconds = Number(text);
    if (!/^\d{1,5}(\.\d{1,3})?$/.test(text) || milliseconds <= 0) return err('bad a=ptime');
    return ok({ kind: 'ptime', milliseconds });
  },
  rtcp: (value) => {
    // RFC 3605 §2.1: a=rtcp:<port> [<nettype> <addrtype> <connection-address>]
    const [portText = '', ...rest] = (value ?? '').trim().split(/ +/);
    const port = parsePort(portText);
    if (port === undefined) return err('bad a=rtcp port');
    if (rest.length === 0) return ok({ kind: 'rtcp', port });
    const connection = parseConnectionFields(rest);
    return connection === undefined ? err('bad a=rtcp address') : ok({ kind: 'rtcp', port, connection });
  },
  'rtcp-mux': (value) => (value === undefined ? ok({ kind: 'rtcp-mux' }) : err('a=rtcp-mux takes no value')),
  sendrecv: direction('sendrecv'),
  sendonly: direction('sendonly'),
  recvonly: direction('recvonly'),
  inactive: direction('inactive'),
};

/** The text after "a=". */
export function serializeAttribute(attribute: SdpAttribute): string {
  switch (attribute.kind) {
    case 'rtpmap': {
      const channels = attribute.channels === undefined ? '' : `/${attribute.channels}`;
      return `rtpmap:${attribute.payloadType} ${attribute.encoding}/${attribute.clockRate}${channels}`;
    }
    case 'fmtp':
      return attribute.parameters === '' ? `fmtp:${attribute.format}` : `fmtp:${attribute.format} ${attribute.parameters}`;
    case 'ptime':
      return `ptime:${attribute.milliseconds}`;
    case 'direction':
      return attribute.direction;
    case 'rtcp': {
      const c = attribute.connection;
      return c === undefined ? `rtcp:${attribute.port}` : `rtcp:${attribute.port} ${c.netType} ${c.addrType} ${c.address}`;
    }
    case 'rtcp-mux':
      return 'rtcp-mux';
    case 'other':
      return attribute.value === undefined ? attribute.name : `${attribute.name}:${attribute.value}`;
  }
}
