// The common end of call setup: once the caller and the destination are known, open the relay session, create
// the caller's channel and the Call, and ring the destination (an extension's contacts, or carriers in turn).
import type { SessionDescription } from '../../media/index.ts';
import type { CallDirection } from '../../domain/index.ts';
import type { Binding } from '../registrar/index.ts';
import type { OutboundAttempt } from '../dialplan/index.ts';
import type { CallParty } from '../cdr/index.ts';
import { Call } from './call.ts';
import type { ExtensionTarget } from './call-ports.ts';
import { callerChannel } from './caller-channel.ts';
import { InviteCaller } from './caller-side.ts';
import { dialCarriers } from './carrier-dial.ts';
import type { SetupDeps, SetupHooks, SetupOptions } from './call-setup.ts';
import { ringExtension } from './fork.ts';
import type { InboundLeg } from './inbound-leg.ts';
import type { OutboundListener } from './outbound-leg.ts';

export type CallDestination =
  | { readonly kind: 'extension'; readonly extension: ExtensionTarget; readonly contacts: readonly Binding[] }
  | { readonly kind: 'carriers'; readonly number: string; readonly attempts: readonly OutboundAttempt[] };

export interface CallEnds {
  readonly tenantId: number;
  readonly tenantCode: string;
  readonly caller: CallParty;
  /** The caller's channel name base: its account (`100-ACME`), or the carrier's name for inbound calls. */
  readonly channelEndpoint?: string;
  readonly sipCallId: string;
  /** The host the callee sees the call come from. */
  readonly domain: string;
  /** The number as dialled when it differs from the destination's (a DID). */
  readonly dialled?: string;
  readonly direction: CallDirection;
  readonly destination: CallDestination;
}

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
  const listener: OutboundListener = {
    provisional: (l, r) => call.provisional(l, r),
    answered: (l, r) => {
      call.answered(l, r);
      hooks.established(call);
    },
    failed: (l, s, reason) => call.failed(l, s, reason),
  };
  if (destination.kind === 'carriers') {
    const started = await dialCarriers({ ...deps }, options, call, {
      attempts: destination.attempts,
      callerId: { number: ends.caller.number, name: ends.caller.name },
      listener,
      track: (_transaction, l) => hooks.trackLeg(l),
    });
    if (!started) call.unreachable('CONGESTION', 503, 'Service Unavailable');
    return call;
  }
  const forks = ringExtension(deps, options, call, {
    tenantCode: ends.tenantCode,
    target: destination.extension,
    contacts: destination.contacts,
    callerId: { number: ends.caller.number, name: ends.caller.name },
    domain: ends.domain,
    linkedId: channel.linkedId,
    listener,
  });
  for (const fork of forks) hooks.trackLeg(fork.leg);
  call.ring(forks, destination.extension.ringSeconds);
  if (forks.length === 0) call.hangup('no-contact-reachable');
  return call;
}
