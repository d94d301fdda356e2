// Ringing SIP parties: one INVITE per target at once (parallel forking, RFC 3261 §16.7 as a B2BUA does it), each
// its own channel (`PJSIP/101-ACME-0000002b`, `PJSIP/Telco-0000002c`), all offered the same anchored description.
// What to ring is the applications' choice (ring-extension, dial-out); this is how.
import type { Clock, Logger } from '../../shared/index.ts';
import type { SipStack } from '../../sip/index.ts';
import type { Binding } from '../registrar/index.ts';
import { callerNameAddr, callerUser } from './caller-identity.ts';
import type { CallIds } from './call-ids.ts';
import type { ExtensionTarget } from './call-ports.ts';
import type { ChannelRegistry, LiveChannel } from './channel-registry.ts';
import { readdressedSdp } from './media-plan.ts';
import { OutboundLeg, type OutboundListener } from './outbound-leg.ts';
import type { RingTarget } from './runner/step.ts';

export interface ForkDeps {
  readonly stack: SipStack;
  readonly channels: ChannelRegistry;
  readonly logger: Logger;
  /**
   * On a node listening on every interface: the address of ours a party reaches us at (its REGISTER's flow), written
   * into the offer it gets instead of the node's main address; undefined = the offer as made.
   */
  readonly calleeMediaAddress?: (target: RingTarget) => string | undefined;
}

export interface ForkOptions {
  readonly nodeName: string;
  readonly ids: CallIds;
  readonly context: { readonly clock: Clock };
}

/** The call the forks ring for, as its channels' controls need it (the Call; kept an interface so fork.ts needs no Call). */
export interface ForkOwner {
  readonly answeredLeg: OutboundLeg | undefined;
  hangup(cause: string): void;
  /** ATXTRANSFER of the answered party's channel; undefined when the node has none. */
  consultTransfer?(destination: string): Promise<string | undefined>;
}

export interface ForkRequest {
  readonly targets: readonly RingTarget[];
  readonly offer: string;
  readonly tenantId: number;
  readonly tenantCode: string;
  readonly linkedId: string;
  /** Who the parties see calling (their channels' connected line). */
  readonly callerId: { readonly number: string; readonly name: string };
  readonly listener: OutboundListener;
  readonly originateId?: string;
  /** Told of each INVITE transaction a leg starts (a retry with credentials too), so the B2BUA routes its responses. */
  readonly track?: (leg: OutboundLeg) => void;
}

/** The forks started, each with its target (a target whose INVITE could not be sent is left out). */
export function startForks(deps: ForkDeps, options: ForkOptions, call: ForkOwner, ring: ForkRequest): Array<{ leg: OutboundLeg; channel: LiveChannel; target: RingTarget }> {
  const started: Array<{ leg: OutboundLeg; channel: LiveChannel; target: RingTarget }> = [];
  for (const target of ring.targets) {
    const leg = new OutboundLeg(
      deps.stack,
      {
        target: { requestUri: target.requestUri, endpoint: target.endpoint, flowId: target.flowId },
        from: target.from,
        to: target.to,
        sdp: offerFor(deps, ring.offer, target),
        ...(target.extraHeaders ? { extraHeaders: target.extraHeaders } : {}),
        ...(target.credentials ? { credentials: target.credentials } : {}),
      },
      ring.listener,
      deps.logger,
      (_transaction, started) => ring.track?.(started),
    );
    if (!leg.start()) continue;
    const now = options.context.clock.now();
    const spec = target.channel;
    const channel: LiveChannel = {
      name: options.ids.channelName(spec.base),
      tenantId: ring.tenantId,
      uniqueId: options.ids.uniqueId(now),
      linkedId: ring.linkedId,
      node: options.nodeName,
      direction: 'OUT',
      extension: spec.extension,
      account: spec.account,
      callerIdNum: spec.callerIdNum,
      callerIdName: spec.callerIdName,
      connectedNum: ring.callerId.number,
      connectedName: ring.callerId.name,
      exten: spec.exten,
      context: ring.tenantCode,
      state: 'Down',
      createdAt: now,
      answeredAt: undefined,
      bridgedTo: undefined,
      sipCallId: leg.callId,
      originateId: ring.originateId ?? '',
    };
    // The called party's channel: transferring it would need the caller's leg re-pointed; TRANSFER the caller's
    // channel (the party that moves) instead, as the API documents.
    deps.channels.add(channel, {
      hangup: (cause) => call.hangup(cause),
      blindTransfer: async () => 'only the calling party of a call can be transferred: give the channel bridged to this one',
      // The called party consults the target, then its caller is handed over (ATXTRANSFER of this channel).
      ...(target.attendedTransfer
        ? {
            attendedTransfer: async (destination: string) => {
              if (call.answeredLeg !== leg) return 'this channel is not the answered party of its call';
              return call.consultTransfer === undefined ? 'attended transfer is not available' : call.consultTransfer(destination);
            },
          }
        : {}),
    });
    started.push({ leg, channel, target });
  }
  return started;
}

/** An extension's registered contacts as ring targets: the INVITE to each contact, the channel named after its account. */
export function contactTargets(
  extension: ExtensionTarget,
  contacts: readonly Binding[],
  callerId: { readonly number: string; readonly name: string },
  domain: string,
  extraHeaders?: ReadonlyArray<readonly [string, string]>,
): RingTarget[] {
  return contacts.map((contact) => ({
    requestUri: contact.contactUri,
    endpoint: contact.source,
    flowId: contact.flowId ?? undefined,
    from: callerNameAddr(callerId.name, callerId.number, domain),
    to: `<sip:${callerUser(extension.number)}@${domain}>`,
    ...(extraHeaders ? { extraHeaders } : {}),
    channel: { base: extension.account, extension: extension.number, account: extension.account, callerIdNum: extension.number, callerIdName: extension.name, exten: extension.number },
    attendedTransfer: true,
  }));
}

export interface RingRequest {
  readonly tenantCode: string;
  readonly target: ExtensionTarget;
  readonly contacts: readonly Binding[];
  readonly callerId: { readonly number: string; readonly name: string };
  /** The host the caller dialled: the callee sees the call come from the same domain. */
  readonly domain: string;
  readonly linkedId: string;
  readonly listener: OutboundListener;
  /** The SDP offered (default: the call's offer for its callee on relay side b). */
  readonly offer?: string;
  /** Extra headers for every fork (auto-answer for click-to-call). */
  readonly extraHeaders?: ReadonlyArray<readonly [string, string]>;
}

/** The offer as `target` gets it: at the address it reaches us at, when that differs from the node's. */
function offerFor(deps: ForkDeps, offer: string, target: RingTarget): string {
  const address = deps.calleeMediaAddress?.(target);
  return address === undefined ? offer : readdressedSdp(offer, address);
}

/** Rings an extension's contacts outside a destination list: a consultation's target (ATXTRANSFER). */
export function ringExtension(deps: ForkDeps, options: ForkOptions, call: ForkOwner & { readonly media: { calleeOffer(): string } }, ring: RingRequest): Array<{ leg: OutboundLeg; channel: LiveChannel }> {
  return startForks(deps, options, call, {
    targets: contactTargets(ring.target, ring.contacts, ring.callerId, ring.domain, ring.extraHeaders),
    offer: ring.offer ?? call.media.calleeOffer(),
    tenantId: ring.target.tenantId,
    tenantCode: ring.tenantCode,
    linkedId: ring.linkedId,
    callerId: ring.callerId,
    listener: ring.listener,
  });
}
