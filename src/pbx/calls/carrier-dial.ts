// Calls out through carriers: the routing profile's attempts are tried in order (failover), each an INVITE to the
// provider with the number as its routes rewrote it, answering the carrier's digest challenge with the trunk's
// credentials. A busy carrier ends the search (the callee is busy); any other failure moves to the next attempt.
import type { OutboundAttempt, SipTrunkTarget } from '../dialplan/index.ts';
import type { Call } from './call.ts';
import { callerNameAddr, callerUser } from './caller-identity.ts';
import type { CarrierDirectory } from './carrier-directory.ts';
import type { CallCounters } from './call-setup-types.ts';
import type { LiveChannel } from './channel-registry.ts';
import type { ForkDeps, ForkOptions } from './fork.ts';
import { OutboundLeg, type OutboundListener } from './outbound-leg.ts';
import type { ClientTransaction } from '../../sip/index.ts';

export interface CarrierDialRequest {
  readonly attempts: readonly OutboundAttempt[];
  /** The caller id when the route gives none: the calling extension's. */
  readonly callerId: { readonly number: string; readonly name: string };
  readonly listener: OutboundListener;
  readonly track: (transaction: ClientTransaction, leg: OutboundLeg) => void;
}

/** How dialling out went: a carrier rings, none could be sent to, or the only ones left take none of the caller's codecs. */
export type CarrierDialOutcome = 'ringing' | 'unreachable' | 'no-common-codec';

/** Starts the first attempt that can be sent; later ones run as the call's fallback. */
export async function dialCarriers(deps: ForkDeps & { readonly carriers: CarrierDirectory; readonly counters: CallCounters }, options: ForkOptions, call: Call, request: CarrierDialRequest, from = 0): Promise<CarrierDialOutcome> {
  let codecRefused = false;
  for (let index = from; index < request.attempts.length; index++) {
    if (call.state !== 'ringing') return 'unreachable';
    const attempt = request.attempts[index];
    if (attempt === undefined) break;
    const target = await deps.carriers.target(attempt.providerId);
    const address = target === undefined ? undefined : await deps.carriers.addressOf(target);
    if (target === undefined || address === undefined) continue;
    // pr_maxoutchannels: a full trunk is skipped like a failed one, so the next route gets the call.
    if (target.maxChannels !== undefined && deps.channels.list().filter((c) => c.name.startsWith(`PJSIP/${channelBase(target)}-`)).length >= target.maxChannels) {
      deps.counters.providerLimit++;
      continue;
    }
    // No transcoding: a carrier that takes none of the caller's codecs (pr_allow) is skipped like a failed one.
    const sdp = call.media.calleeOffer(target.codecs);
    if (sdp === undefined) {
      deps.logger.info({ provider: target.name, codecs: target.codecs }, 'call: no codec in common with the provider, trying the next route');
      codecRefused = true;
      continue;
    }
    const callerId = attempt.callerId ?? request.callerId;
    const hostPort = `${target.host}:${target.port}`;
    const transport = target.transport === 'udp' ? '' : `;transport=${target.transport}`;
    const leg = new OutboundLeg(
      deps.stack,
      {
        target: { requestUri: `sip:${callerUser(attempt.number)}@${hostPort}${transport}`, endpoint: { protocol: target.transport, address, port: target.port }, flowId: undefined },
        from: callerNameAddr(callerId.name, callerId.number, target.fromDomain),
        to: `<sip:${callerUser(attempt.number)}@${target.host}>`,
        sdp,
        extraHeaders: identityHeaders(target, callerId),
        ...(target.auth ? { credentials: { username: target.auth.username, password: target.auth.secret } } : {}),
      },
      request.listener,
      deps.logger,
      request.track,
    );
    if (!leg.start()) continue;
    const now = options.context.clock.now();
    const channel: LiveChannel = {
      name: options.ids.channelName(channelBase(target)),
      tenantId: call.record.tenantId,
      uniqueId: options.ids.uniqueId(now),
      linkedId: call.callerChannel.linkedId,
      node: options.nodeName,
      direction: 'OUT',
      extension: '',
      account: '',
      callerIdNum: attempt.number,
      callerIdName: '',
      connectedNum: callerId.number,
      connectedName: callerId.name,
      exten: attempt.number,
      context: call.record.tenantCode,
      state: 'Down',
      createdAt: now,
      answeredAt: undefined,
      bridgedTo: undefined,
      sipCallId: leg.callId,
      originateId: call.record.originateId,
    };
    deps.channels.add(channel, { hangup: (cause) => call.hangup(cause), blindTransfer: async () => 'only the calling party of a call can be transferred: give the channel bridged to this one' });
    // Failover on a carrier's failure; a busy callee or a ring time that ran out ends the search.
    call.setFallback(async (reason) => reason === 'failed' && (await dialCarriers(deps, options, call, request, index + 1)) === 'ringing');
    call.ring([{ leg, channel }]);
    return 'ringing';
  }
  return codecRefused ? 'no-common-codec' : 'unreachable';
}

/**
 * Ends a call no carrier could be asked to take: 488 when a codec was the obstacle (RFC 3261 §21.4.26: "the media
 * type ... was not acceptable"), else 503 as for a congested trunk group.
 */
export function refuseUndialled(call: Call, outcome: Exclude<CarrierDialOutcome, 'ringing'>): void {
  if (outcome === 'no-common-codec') call.unreachable('FAILED', 488, 'Not Acceptable Here');
  else call.unreachable('CONGESTION', 503, 'Service Unavailable');
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
