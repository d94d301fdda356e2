// An inbound SMS handed to a URL (a DID-SMS target CUSTOM-<id> of custom type URL, cu_param1 the URL): one HTTP POST
// of a JSON body, bounded in time and in what is read of the answer. Redirects are never followed, so the text cannot
// be sent on to another host than the one configured; a 2xx answer is delivery, anything else a failure.
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

export interface SmsPost {
  readonly id: number;
  readonly from: string;
  readonly to: string;
  readonly text: string;
  /** When the PBX took it, 'YYYY-MM-DD HH:MM:SS' UTC. */
  readonly received: string;
}

export interface SmsUrlOptions {
  /** How long to wait for the answer (default 10 s). */
  readonly timeoutMs?: number;
  /** Loopback, private and link-local addresses allowed (CALLGRID_SMS_URL_INTERNAL_HOSTS); default refused. */
  readonly allowInternalHosts?: boolean;
}

// Addresses a tenant's URL must not reach unless the operator allows it: the node itself, its networks, link-local
// (cloud metadata services live there), carrier-grade NAT, and IPv4 mapped into IPv6 (a way around the IPv4 rules).
const INTERNAL = new BlockList();
for (const [network, prefix] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.168.0.0', 16], ['224.0.0.0', 4], ['240.0.0.0', 4]] as const) INTERNAL.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) INTERNAL.addSubnet(network, prefix, 'ipv6');
// Kept apart: a BlockList checks an IPv4 address against IPv6 rules as mapped, so this rule would match every IPv4.
const MAPPED = new BlockList();
MAPPED.addSubnet('::ffff:0:0', 96, 'ipv6');

function isInternal(address: string): boolean {
  return isIP(address) === 6 ? INTERNAL.check(address, 'ipv6') || MAPPED.check(address, 'ipv6') : INTERNAL.check(address, 'ipv4');
}

/** Why the URL's host may not be posted to (an internal address, or a name that does not resolve); undefined = it may. */
export async function internalHostRefusal(url: URL): Promise<string | undefined> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = isIP(host) !== 0 ? [host] : (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  } catch {
    return `its host ${host} does not resolve`;
  }
  const internal = addresses.find(isInternal);
  // The check and the post resolve the name apart: a name made to change between them is not caught (no DNS pinning).
  return internal === undefined ? undefined : `its host ${host} is an internal address (${internal}); the operator may allow it with CALLGRID_SMS_URL_INTERNAL_HOSTS`;
}

export type SmsPostResult = { readonly ok: true } | { readonly ok: false; readonly error: string };

/** Only http and https URLs, without credentials in them (a URL is shown in lists and logs). */
export function checkSmsUrl(text: string): { readonly ok: true; readonly url: URL } | { readonly ok: false; readonly error: string } {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return { ok: false, error: 'is not a URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, error: 'must be http:// or https://' };
  if (url.username !== '' || url.password !== '') return { ok: false, error: 'must not carry credentials' };
  return { ok: true, url };
}

/** POSTs the SMS as JSON; never throws. */
export async function postSms(url: URL, sms: SmsPost, options: SmsUrlOptions = {}): Promise<SmsPostResult> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (options.allowInternalHosts !== true) {
    const refusal = await internalHostRefusal(url);
    if (refusal !== undefined) return { ok: false, error: refusal };
  }
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: '*/*' },
      body: JSON.stringify({ id: sms.id, direction: 'in', from: sms.from, to: sms.to, text: sms.text, received: sms.received }),
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    // The answer is not needed: dropped unread so a large or endless one costs nothing.
    await response.body?.cancel().catch(() => {});
    if (response.status >= 300 && response.status < 400) return { ok: false, error: `answered a redirect (HTTP ${response.status}), which is not followed` };
    if (response.status < 200 || response.status >= 300) return { ok: false, error: `answered HTTP ${response.status}` };
    return { ok: true };
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    return { ok: false, error: name === 'TimeoutError' || name === 'AbortError' ? `did not answer within ${timeoutMs} ms` : 'unreachable' };
  }
}
