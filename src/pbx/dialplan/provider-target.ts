// A provider row (pr_providers, spec §3.4.7) as a SIP trunk: where INVITEs go (RFC 3263 host/port/transport
// without DNS), the digest credentials for a carrier's challenge (RFC 3261 §22), registration and caller id.
import { isIP } from 'node:net';
import type { ObjectRow } from '../../domain/index.ts';

export type TrunkTransport = 'udp' | 'tcp' | 'tls' | 'ws' | 'wss';

/** One further source address of a carrier (pr_match): an address or network, and a port when one is given. */
export interface TrunkSource {
  /** The address without brackets. */
  readonly address: string;
  /** CIDR prefix length; undefined = the address alone. */
  readonly prefixLength: number | undefined;
  /** Undefined = any source port. */
  readonly port: number | undefined;
}

export interface SipTrunkTarget {
  readonly providerId: number;
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly transport: TrunkTransport;
  /** `sip:host:port` (`sips:` for TLS/WSS), `;transport=tcp|ws` when not UDP/TLS: the Request-URI host part. */
  readonly uri: string;
  /** pr_username / pr_password, answered to a 401/407 challenge; undefined = IP-authenticated trunk. */
  readonly auth: { readonly username: string; readonly secret: string } | undefined;
  /** Whether Callgrid REGISTERs to the carrier (see registersTo). */
  readonly registers: boolean;
  /** The From host of outbound calls: the carrier's host (there is no pr_fromdomain column). */
  readonly fromDomain: string;
  /** pr_callerid / pr_calleridname: the provider's default presented identity ('' = none). */
  readonly callerId: { readonly number: string; readonly name: string };
  /** pr_sendrpid: how the asserted identity is sent (yes/rpid = Remote-Party-ID, pai = P-Asserted-Identity). */
  readonly identityHeader: 'none' | 'rpid' | 'pai';
  /** pr_maxoutchannels; undefined = no limit. */
  readonly maxChannels: number | undefined;
  /** pr_allow or pr_codecs (`alaw:20` -> `alaw`), in order. */
  readonly codecs: readonly string[];
  /** OPTIONS keepalive period in seconds (pr_qualify / pr_qualifyfreq); undefined = no qualify. */
  readonly qualifySeconds: number | undefined;
  /** pr_match: addresses besides the host's that the carrier's requests come from (its other gateways); none when undefined. */
  readonly sources?: readonly TrunkSource[];
}

export type ProviderTargetResult = { readonly ok: true; readonly target: SipTrunkTarget } | { readonly ok: false; readonly why: string };

const text = (row: ObjectRow, column: string): string => {
  const value = row[column];
  return value === null || value === undefined ? '' : String(value).trim();
};
const isOn = (value: string) => ['on', 'yes', 'true', '1'].includes(value.toLowerCase());

/** pr_transport: `udp`, `TCP`, PJSIP transport names such as `transport-tls`; '' = UDP. */
export function parseTransport(value: string): TrunkTransport | undefined {
  const word = value.toLowerCase();
  if (word === '') return 'udp';
  for (const t of ['wss', 'ws', 'tls', 'tcp', 'udp'] as const) if (new RegExp(`(^|[^a-z])${t}($|[^a-z])`).test(word)) return t;
  return undefined;
}

/** pr_host: `host`, `host:port`, `[v6]:port`, or a `sip:`/`sips:` URI with `;transport=`. */
export function parseHost(value: string): { host: string; port: number | undefined; transport: TrunkTransport | undefined; secure: boolean } | undefined {
  const uri = /^(sips?):(?:[^@;]*@)?(.*)$/i.exec(value);
  const secure = uri?.[1]?.toLowerCase() === 'sips';
  const [hostPort = '', ...params] = (uri?.[2] ?? value).split(';');
  const param = params.map((p) => p.split('=')).find(([k]) => k?.toLowerCase() === 'transport');
  const transport = param?.[1] === undefined ? undefined : parseTransport(param[1]);
  const match = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?$/.exec(hostPort);
  if (!match?.[1]) return undefined;
  const port = match[2] === undefined ? undefined : Number(match[2]);
  if (port !== undefined && (port < 1 || port > 65535)) return undefined;
  return { host: match[1], port, transport, secure };
}

/** At most this many pr_match entries are read (the column refuses more on writes). */
const MAX_SOURCES = 32;
const SOURCE_ENTRY = [
  /^(\d{1,3}(?:\.\d{1,3}){3})(?::(\d{1,5}))?(?:\/(\d{1,2}))?$/,
  /^\[([0-9A-Fa-f:.]+)\](?::(\d{1,5}))?(?:\/(\d{1,3}))?$/,
  /^([0-9A-Fa-f.]*:[0-9A-Fa-f:.]*)()(?:\/(\d{1,3}))?$/,
];

/**
 * pr_match, PJSIP identify's syntax: `addr[:port][/prefix]`, IPv6 with a port as `[addr]:port`, comma separated.
 * Entries that are no IP address, or whose port or prefix is out of range, are left out.
 */
export function parseSources(value: string): TrunkSource[] {
  const sources: TrunkSource[] = [];
  for (const entry of value.split(',').map((e) => e.trim()).filter((e) => e !== '').slice(0, MAX_SOURCES)) {
    const match = SOURCE_ENTRY.map((pattern) => pattern.exec(entry)).find((m) => m !== null);
    const address = match?.[1] ?? '';
    const family = isIP(address);
    if (match === undefined || family === 0) continue;
    const port = match[2] ? Number(match[2]) : undefined;
    const prefixLength = match[3] === undefined ? undefined : Number(match[3]);
    if ((port !== undefined && (port < 1 || port > 65535)) || (prefixLength !== undefined && prefixLength > (family === 4 ? 32 : 128))) continue;
    sources.push({ address, prefixLength, port });
  }
  return sources;
}

/**
 * Registration: providers have no register column, so Callgrid registers when the provider holds both a
 * username and a password and a fixed host (MiRTA's register line needs all three; a host of `dynamic`
 * means the carrier registers to us instead). An IP-authenticated trunk has no credentials and never registers.
 */
export function registersTo(row: ObjectRow): boolean {
  const host = text(row, 'pr_host').toLowerCase();
  return text(row, 'pr_username') !== '' && text(row, 'pr_password') !== '' && host !== '' && host !== 'dynamic';
}

function identityHeader(value: string): SipTrunkTarget['identityHeader'] {
  const word = value.toLowerCase();
  if (word === 'pai') return 'pai';
  if (word === 'rpid' || isOn(word)) return 'rpid';
  return 'none';
}

function qualifySeconds(row: ObjectRow): number | undefined {
  const qualify = text(row, 'pr_qualify').toLowerCase();
  const freq = Number(text(row, 'pr_qualifyfreq'));
  // chan_sip: qualify=yes|<ms>|no; qualifyfreq = the period (default 60 s).
  if (qualify === '' || qualify === 'no' || qualify === '0' || qualify === 'off') return undefined;
  return Number.isInteger(freq) && freq > 0 ? freq : 60;
}

/** The SIP target of a provider, or why it cannot be dialled. */
export function providerTarget(row: ObjectRow): ProviderTargetResult {
  const name = text(row, 'pr_name');
  if (isOn(text(row, 'pr_disabled'))) return { ok: false, why: `provider ${name} is disabled` };
  const tech = text(row, 'pr_tech').toUpperCase() || 'PJSIP';
  if (tech !== 'SIP' && tech !== 'PJSIP') return { ok: false, why: `provider ${name} uses ${tech}, which Callgrid does not dial` };
  const hostText = text(row, 'pr_host');
  if (hostText === '' || hostText.toLowerCase() === 'dynamic') return { ok: false, why: `provider ${name} has no fixed host` };
  const parsed = parseHost(hostText);
  if (parsed === undefined) return { ok: false, why: `provider ${name} has an invalid host ${hostText}` };
  const column = parseTransport(text(row, 'pr_transport'));
  if (column === undefined) return { ok: false, why: `provider ${name} has an unknown transport ${text(row, 'pr_transport')}` };
  // The URI's own transport wins over the column; sips: means TLS (RFC 3261 §26.2.2).
  const transport = parsed.transport ?? (parsed.secure ? 'tls' : column);
  const port = parsed.port ?? (transport === 'tls' ? 5061 : transport === 'ws' ? 80 : transport === 'wss' ? 443 : 5060);
  const scheme = transport === 'tls' || transport === 'wss' ? 'sips' : 'sip';
  const username = text(row, 'pr_username');
  const secret = text(row, 'pr_password');
  const max = Number(text(row, 'pr_maxoutchannels'));
  const codecs = (text(row, 'pr_allow') || text(row, 'pr_codecs'))
    .split(/[,&]/)
    .map((c) => c.trim().split(':')[0]?.toLowerCase() ?? '')
    .filter((c) => c !== '' && c !== 'all' && !c.startsWith('!'));
  return {
    ok: true,
    target: {
      providerId: Number(row.pr_id),
      name,
      host: parsed.host,
      port,
      transport,
      // RFC 7118 §5.2: WebSocket URIs say transport=ws; sips: marks the secure one.
      uri: `${scheme}:${parsed.host}:${port}${transport === 'udp' || transport === 'tls' ? '' : `;transport=${transport === 'wss' ? 'ws' : transport}`}`,
      auth: username !== '' ? { username, secret } : undefined,
      registers: registersTo(row),
      fromDomain: parsed.host,
      callerId: { number: text(row, 'pr_callerid'), name: text(row, 'pr_calleridname') },
      identityHeader: identityHeader(text(row, 'pr_sendrpid')),
      maxChannels: Number.isInteger(max) && max > 0 ? max : undefined,
      codecs: [...new Set(codecs)],
      qualifySeconds: qualifySeconds(row),
      sources: parseSources(text(row, 'pr_match')),
    },
  };
}
