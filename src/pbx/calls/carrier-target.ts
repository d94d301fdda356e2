// A carrier (provider) as a party to ring: the INVITE towards its host (Request-URI, From with the presented caller,
// the asserted identity its pr_sendrpid asks for, its digest credentials) and the channel named after it.
import type { SipTrunkTarget } from '../dialplan/index.ts';
import { callerNameAddr, callerUser } from './caller-identity.ts';
import type { ChannelRegistry } from './channel-registry.ts';
import type { RingTarget } from './runner/step.ts';

/** The INVITE to `number` through `target`, sent to `address` (its host, resolved). */
export function carrierRingTarget(target: SipTrunkTarget, address: string, number: string, callerId: { readonly number: string; readonly name: string }): RingTarget {
  const hostPort = `${target.host}:${target.port}`;
  const transport = target.transport === 'udp' ? '' : `;transport=${target.transport}`;
  return {
    requestUri: `sip:${callerUser(number)}@${hostPort}${transport}`,
    endpoint: { protocol: target.transport, address, port: target.port },
    flowId: undefined,
    from: callerNameAddr(callerId.name, callerId.number, target.fromDomain),
    to: `<sip:${callerUser(number)}@${target.host}>`,
    extraHeaders: identityHeaders(target, callerId),
    ...(target.auth ? { credentials: { username: target.auth.username, password: target.auth.secret } } : {}),
    channel: { base: channelBase(target), extension: '', account: '', callerIdNum: number, callerIdName: '', exten: number },
  };
}

/** pr_maxoutchannels: the provider has that many calls up on this node (its channels), so it is skipped like a failed one. */
export function carrierFull(channels: ChannelRegistry, target: SipTrunkTarget): boolean {
  if (target.maxChannels === undefined) return false;
  const prefix = `PJSIP/${channelBase(target)}-`;
  return channels.list().filter((c) => c.name.startsWith(prefix)).length >= target.maxChannels;
}

/**
 * The asserted identity a trunk asks for (pr_sendrpid): P-Asserted-Identity (RFC 3325 §9.1) or the older
 * Remote-Party-ID (draft-ietf-sip-privacy-04, still what many carriers read), naming the presented caller.
 */
function identityHeaders(target: SipTrunkTarget, callerId: { readonly number: string; readonly name: string }): Array<[string, string]> {
  const identity = callerNameAddr(callerId.name, callerId.number, target.fromDomain);
  if (target.identityHeader === 'pai') return [['P-Asserted-Identity', identity]];
  if (target.identityHeader === 'rpid') return [['Remote-Party-ID', `${identity};party=calling;screen=yes;privacy=off`]];
  return [];
}

/** A provider's channels are named after it (`PJSIP/Telco_One-0000002a`), as Asterisk names a trunk's. */
function channelBase(target: SipTrunkTarget): string {
  return target.name.replace(/[^A-Za-z0-9_.-]/g, '_') || `provider${target.providerId}`;
}
