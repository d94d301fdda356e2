// The common end of call setup: once the caller and the destination are known, open the relay session, create
// the caller's channel and the Call, and ring the destination (an extension's contacts, or carriers in turn).
import type { SessionDescription } from '../../media/index.ts';
import { LIMIT_COUNTERS, refuseCall } from './call-admission.ts';
import { Call } from './call.ts';
import { callerChannel } from './caller-channel.ts';
import { InviteCaller } from './caller-side.ts';
import { dialCarriers, refuseUndialled } from './carrier-dial.ts';
import type { CallDestination, CallEnds, SetupDeps, SetupHooks, SetupOptions } from './call-setup-types.ts';
import { ringExtension } from './fork.ts';
import type { InboundLeg } from './inbound-leg.ts';
import type { OutboundListener } from './outbound-leg.ts';
import { forwardedDestination } from './forwarding.ts';

export async function connectCall(
  deps: SetupDeps,
  options: SetupOptions,
  hooks: SetupHooks,
  leg: InboundLeg,
  offer: SessionDescription,
  ends: CallEnds,
  cancelled: () => boolean,
): Promise<Call | undefined> {
  if (cancelled()) return undefined;
  // te_maxchannels, the tenant's share of the media ports, the calling extension's own limit; a call between two of
  // the tenant's phones counts once.
  const refused = await refuseCall(deps, options.admission, ends.tenantId, ends.caller.account);
  if (refused !== undefined) {
    deps.counters[LIMIT_COUNTERS[refused.limit]]++;
    deps.logger.warn({ tenantId: ends.tenantId, account: ends.caller.account, limit: refused.limit }, 'call: refused at a limit');
    return void leg.reject(503, 'Service Unavailable', [['Warning', `399 callgrid "${refused.reason}"`]]);
  }
  const session = await deps.relay.openSession();
  if (!session.ok) {
    deps.logger.warn({ error: session.error }, 'call: no relay ports');
    return void leg.reject(503, 'Service Unavailable', [['Retry-After', '5']]);
  }
  // A CANCEL may have come while the ports were being bound: the caller already has its 487.
  if (cancelled()) {
    session.value.close();
    return undefined;
  }
  const destination = ends.destination;
  const number = destination.kind === 'extension' ? destination.extension.number : destination.number;
  const { ids, nodeName, context } = options;
  const channel = callerChannel(ids, nodeName, context.clock, {
    tenantId: ends.tenantId,
    tenantCode: ends.tenantCode,
    account: ends.channelEndpoint ?? ends.caller.account,
    number: ends.caller.number,
    name: ends.caller.name,
    connectedNum: number,
    connectedName: destination.kind === 'extension' ? destination.extension.name : '',
    exten: ends.dialled ?? number,
    sipCallId: ends.sipCallId,
    originateId: '',
    direction: 'IN',
  });
  const call: Call = new Call(context, new InviteCaller(leg, offer), session.value, channel, {
    tenantId: ends.tenantId,
    tenantCode: ends.tenantCode,
    linkedId: channel.linkedId,
    direction: ends.direction,
    originateId: '',
    sipCallId: ends.sipCallId,
    caller: ends.caller,
    dialled: ends.dialled ?? number,
    startedAt: channel.createdAt,
    destination: number,
    calleeAccount: destination.kind === 'extension' ? destination.extension.account : '',
    landed: destination.kind === 'extension' ? { kind: 'EXT', label: number } : { kind: 'PROVIDER', label: number },
  });
  deps.channels.add(channel, { hangup: (cause) => call.hangup(cause), blindTransfer: (to) => hooks.transfer(call, to) });
  hooks.track(call);
  await ringDestination(deps, options, hooks, call, destination, ends);
  return call;
}

/** Rings a destination for a call still ringing: an extension's contacts (its busy and no-answer slots as the fallback) or carriers. */
async function ringDestination(deps: SetupDeps, options: SetupOptions, hooks: SetupHooks, call: Call, destination: CallDestination, ends: CallEnds): Promise<boolean> {
  const listener: OutboundListener = {
    provisional: (l, r) => call.provisional(l, r),
    answered: (l, r) => {
      call.answered(l, r);
      hooks.established(call);
    },
    failed: (l, s, reason) => call.failed(l, s, reason),
  };
  if (destination.kind === 'carriers') {
    const outcome = await dialCarriers({ ...deps }, options, call, {
      attempts: destination.attempts,
      callerId: { number: ends.caller.number, name: ends.caller.name },
      listener,
      track: (_transaction, l) => hooks.trackLeg(l),
    });
    if (outcome !== 'ringing') refuseUndialled(call, outcome);
    return outcome === 'ringing';
  }
  const extension = destination.extension;
  const forks = ringExtension(deps, options, call, {
    tenantCode: ends.tenantCode,
    target: extension,
    contacts: destination.contacts,
    callerId: { number: ends.caller.number, name: ends.caller.name },
    domain: ends.domain,
    linkedId: call.callerChannel.linkedId,
    listener,
  });
  for (const fork of forks) hooks.trackLeg(fork.leg);
  if (destination.forwarded !== true) {
    call.setFallback(async (reason) => {
      if (reason === 'failed') return false;
      const next = await forwardedDestination(deps, extension, reason === 'busy' ? 'busy' : 'noanswer');
      if (next === undefined || call.state !== 'ringing') return false;
      const number = next.kind === 'extension' ? next.extension.number : next.number;
      call.nextAttempt(reason === 'busy' ? 'BUSY' : 'NO ANSWER', number, next.kind === 'extension' ? next.extension.account : '', next.kind === 'extension' ? { kind: 'EXT', label: number } : { kind: 'PROVIDER', label: number });
      return ringDestination(deps, options, hooks, call, next, ends);
    });
  }
  call.ring(forks, extension.ringSeconds);
  if (forks.length === 0) call.hangup('no-contact-reachable');
  return forks.length > 0;
}
