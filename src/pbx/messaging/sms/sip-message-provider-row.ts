// A SIP MESSAGE SMS provider row (pr_smsprotocol SIP / SIP-MESSAGE / MESSAGE): pr_smsurl is the carrier's SIP URI,
// `sip:host[:port][;transport=udp|tcp|tls]` or `sips:` (TLS), optionally with a user part holding the `{to}`
// placeholder (`sip:00{to}@host`); pr_smsuser/pr_smspassword answer the carrier's digest challenge.
import type { ObjectRow } from '../../../domain/index.ts';
import { err, ok, type Result } from '../../../shared/index.ts';
import { parseHost, type TrunkTransport } from '../../dialplan/index.ts';

/** pr_smsprotocol values answered by the SIP MESSAGE driver (upper-cased). */
export const SIP_SMS_PROTOCOLS: ReadonlySet<string> = new Set(['SIP', 'SIP-MESSAGE', 'MESSAGE']);

export interface SipSmsProvider {
  readonly providerId: number;
  readonly scheme: 'sip' | 'sips';
  /** As written (a name or a literal; IPv6 in brackets): the host of the Request-URI, From and To. */
  readonly host: string;
  /** The port as written in pr_smsurl, or undefined (then the transport's default is used and none is written). */
  readonly port: number | undefined;
  readonly transport: Exclude<TrunkTransport, 'ws' | 'wss'>;
  /** The Request-URI's user part with `{to}` in it; `{to}` alone when pr_smsurl has none. */
  readonly userTemplate: string;
  /** The URI parameters as written (`;transport=tcp;user=phone`), kept on the Request-URI. */
  readonly params: string;
  /** Digest credentials; undefined when pr_smsuser is empty (an IP-authenticated trunk). */
  readonly auth: { readonly username: string; readonly password: string } | undefined;
}

const URI = /^(sips?):(?:([^@]*)@)?([^@]+)$/i;
// RFC 3261 §25.1 user part characters (unreserved / escaped / user-unreserved), plus the placeholder's braces.
const USER = /^(?:[A-Za-z0-9\-_.!~*'()&=+$,;?/]|%[0-9A-Fa-f]{2}|\{to\})+$/;

export function parseSipSmsProvider(row: ObjectRow): Result<SipSmsProvider, string> {
  const id = Number(row.pr_id);
  const written = String(row.pr_smsurl ?? '').trim();
  if (written === '') return err(`Provider ${id} has no pr_smsurl: give the carrier's SIP URI, e.g. sip:sms.carrier.example:5060;transport=tcp`);
  const match = URI.exec(written);
  if (match === null) return err(`Provider ${id}: pr_smsurl must be a sip: or sips: URI such as sip:sms.carrier.example:5060, not ${written.slice(0, 80)}`);
  const scheme = (match[1] ?? 'sip').toLowerCase() as 'sip' | 'sips';
  const user = match[2];
  // A password in a URI would be listed and logged with the row: it belongs in pr_smspassword, which never is.
  if (user !== undefined && user.includes(':')) return err(`Provider ${id}: put the credentials in pr_smsuser/pr_smspassword, not in pr_smsurl`);
  if (user !== undefined && (!user.includes('{to}') || !USER.test(user))) {
    return err(`Provider ${id}: pr_smsurl's user part must hold the {to} placeholder (e.g. sip:{to}@host), or be left out`);
  }
  const rest = match[3] ?? '';
  const host = parseHost(`${scheme}:${rest}`);
  if (host === undefined) return err(`Provider ${id}: pr_smsurl has no valid host[:port] (${rest.slice(0, 80)})`);
  if (rest.includes('{')) return err(`Provider ${id}: pr_smsurl has a placeholder outside the user part (only {to} is known, as in sip:{to}@host)`);
  const params = rest.slice(rest.indexOf(';') === -1 ? rest.length : rest.indexOf(';'));
  if (/[\s<>"]/.test(params)) return err(`Provider ${id}: pr_smsurl's parameters hold characters a SIP URI may not carry`);
  const transportParam = /;transport=([^;]*)/i.exec(params);
  if (transportParam !== null && host.transport === undefined) return err(`Provider ${id}: pr_smsurl names an unknown transport ${transportParam[1] ?? ''} (udp, tcp or tls)`);
  // sips: means TLS (RFC 3261 §26.2.2) unless the URI says WSS.
  const transport = host.transport ?? (scheme === 'sips' ? 'tls' : 'udp');
  // The node opens connections to carriers over TCP and TLS; WebSocket is a transport phones dial in on.
  if (transport === 'ws' || transport === 'wss') return err(`Provider ${id}: pr_smsurl's transport ${transport} is not one a carrier is reached by here (udp, tcp or tls)`);
  const username = String(row.pr_smsuser ?? '').trim();
  return ok({
    providerId: id,
    scheme,
    host: host.host,
    port: host.port,
    transport,
    userTemplate: user ?? '{to}',
    params,
    auth: username === '' ? undefined : { username, password: String(row.pr_smspassword ?? '') },
  });
}

/** The port requests go to: the one written, else the transport's default (RFC 3263 §4.2 without SRV). */
export function sipSmsPort(provider: SipSmsProvider): number {
  if (provider.port !== undefined) return provider.port;
  return provider.transport === 'tls' ? 5061 : 5060;
}

/** A number (or an alphanumeric sender) as a SIP URI user part: anything outside the unreserved set escaped. */
export function sipUser(value: string): string {
  return value.replace(/[^A-Za-z0-9+\-_.!~*'()]/g, (c) => [...Buffer.from(c, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''));
}
