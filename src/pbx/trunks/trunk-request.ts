// The REGISTER Callgrid sends to a carrier (RFC 3261 §10.2) and what it reads back from the answer: the
// registrar's Request-URI, our Contact, the granted expiry (§10.2.4), Min-Expires (§10.2.8) and Retry-After.
import { Headers, parseNameAddr, parseUri, type SipRequest, type SipResponse, type SipStack } from '../../sip/index.ts';
import type { SipTrunkTarget } from '../dialplan/index.ts';

const secure = (target: SipTrunkTarget): boolean => target.transport === 'tls' || target.transport === 'wss';
const transportParam = (target: SipTrunkTarget): string =>
  target.transport === 'tcp' ? ';transport=tcp' : target.transport === 'ws' || target.transport === 'wss' ? ';transport=ws' : '';

/** A user part written as §25.1 allows (unreserved and user-unreserved characters as they are, the rest %XX). */
export function escapeUser(user: string): string {
  return user.replace(/[^A-Za-z0-9\-_.!~*'()&=+$,;?/]/gu, (ch) => encodeURIComponent(ch));
}

/**
 * §10.2: "Request-URI: The Request-URI names the domain of the location service ... The "userinfo" and "@"
 * components of the SIP URI MUST NOT be present." The port only when it is not the scheme's default, so a
 * carrier comparing the digest uri with its own domain sees `sip:host`.
 */
export function registrarUri(target: SipTrunkTarget): string {
  const port = target.port === (secure(target) ? 5061 : 5060) ? '' : `:${target.port}`;
  return `${secure(target) ? 'sips' : 'sip'}:${target.host}${port}${transportParam(target)}`;
}

/** The address of record we register: `sip:username@fromDomain` (§10.2 To and From). */
export function addressOfRecord(target: SipTrunkTarget, username: string): string {
  return `${secure(target) ? 'sips' : 'sip'}:${escapeUser(username)}@${target.fromDomain}`;
}

/**
 * Our Contact for the trunk: the sent-by of the transport the REGISTER leaves on, so the carrier's INVITEs come
 * back to the socket it knows. §8.1.1.8: with a SIPS Request-URI "the Contact header field MUST contain a SIPS
 * URI as well". Undefined when no transport of the trunk's kind is open.
 */
export function trunkContact(stack: Pick<SipStack, 'sentBy'>, target: SipTrunkTarget, username: string): string | undefined {
  const sentBy = stack.sentBy(target.transport);
  if (sentBy === undefined) return undefined;
  const host = sentBy.host.includes(':') ? `[${sentBy.host}]` : sentBy.host;
  return `<${secure(target) ? 'sips' : 'sip'}:${escapeUser(username)}@${host}:${sentBy.port}${transportParam(target)}>`;
}

export interface RegisterFields {
  readonly target: SipTrunkTarget;
  readonly username: string;
  readonly callId: string;
  readonly fromTag: string;
  readonly cseq: number;
  /** Seconds; 0 removes our binding (§10.2.2). */
  readonly expires: number;
  readonly contact: string;
  readonly authorization?: { readonly name: 'Authorization' | 'Proxy-Authorization'; readonly value: string };
}

export function buildRegister(fields: RegisterFields): SipRequest {
  const aor = addressOfRecord(fields.target, fields.username);
  // §10.2: To and From carry the address of record (a third-party registration would differ; ours does not).
  // The stack adds Via and Max-Forwards; Content-Length is the serializer's.
  const headers = new Headers([
    ['From', `<${aor}>;tag=${fields.fromTag}`],
    ['To', `<${aor}>`],
    ['Call-ID', fields.callId],
    ['CSeq', `${fields.cseq} REGISTER`],
    ['Contact', fields.contact],
    ['Expires', String(fields.expires)],
  ]);
  if (fields.authorization) headers.append(fields.authorization.name, fields.authorization.value);
  return { type: 'request', method: 'REGISTER', uri: registrarUri(fields.target), version: 'SIP/2.0', headers, body: Buffer.alloc(0) };
}

const seconds = (value: string | null | undefined): number | undefined => {
  const match = /^\s*(\d{1,10})/.exec(value ?? '');
  return match?.[1] === undefined ? undefined : Number(match[1]);
};

/** scheme:user@host:port of a URI, for telling our Contact among the registrar's list; undefined if unparseable. */
function contactKey(uri: string): string | undefined {
  const parsed = parseUri(uri);
  if (!parsed.ok) return undefined;
  const u = parsed.value;
  return `${u.scheme}:${u.user ?? ''}@${u.host.toLowerCase()}:${u.port ?? (u.scheme === 'sips' ? 5061 : 5060)}`;
}

/**
 * The seconds the registrar granted our binding. §10.2.4: the 200 lists the bindings with expires parameters,
 * and the UA uses its own Contact's, else the Expires header, else (a registrar saying nothing) what it asked.
 */
export function grantedExpires(response: SipResponse, contact: string, requested: number): number {
  const ourName = parseNameAddr(contact);
  const ours = ourName.ok ? contactKey(ourName.value.uri) : undefined;
  for (const value of response.headers.getAll('contact')) {
    const parsed = parseNameAddr(value);
    if (!parsed.ok || ours === undefined || contactKey(parsed.value.uri) !== ours) continue;
    const granted = seconds(parsed.value.params.get('expires'));
    if (granted !== undefined) return granted;
  }
  return seconds(response.headers.get('expires')) ?? requested;
}

/** §10.2.8: the Min-Expires of a 423 (Interval Too Brief). */
export function minExpires(response: SipResponse): number | undefined {
  return seconds(response.headers.get('min-expires'));
}

/** §20.33 Retry-After: `delta-seconds [comment] *(;params)`, in ms. */
export function retryAfterMs(response: SipResponse): number | undefined {
  const value = seconds(response.headers.get('retry-after'));
  return value === undefined ? undefined : value * 1000;
}
