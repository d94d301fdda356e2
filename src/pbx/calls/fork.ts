// Ringing an extension: one INVITE per registered contact at once (parallel forking, RFC 3261 §16.7 as a B2BUA
// does it), each its own channel (`PJSIP/101-ACME-0000002b`), all offered the same anchored description.
import type { Binding } from '../registrar/index.ts';
import type { Call, CallContext } from './call.ts';
import { callerNameAddr } from './caller-identity.ts';
import type { CallIds } from './call-ids.ts';
import type { ExtensionTarget } from './call-ports.ts';
import type { ChannelRegistry, LiveChannel } from './channel-registry.ts';
import { OutboundLeg, type OutboundListener } from './outbound-leg.ts';
import type { SipStack } from '../../sip/index.ts';
import type { Logger } from '../../shared/index.ts';

export interface ForkDeps {
  readonly stack: SipStack;
  readonly channels: ChannelRegistry;
  readonly logger: Logger;
}

export interface ForkOptions {
  readonly nodeName: string;
  readonly ids: CallIds;
  readonly context: CallContext;
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

export function ringExtension(deps: ForkDeps, options: ForkOptions, call: Call, ring: RingRequest): Array<{ leg: OutboundLeg; channel: LiveChannel }> {
  const offer = ring.offer ?? call.media.calleeOffer();
  const started: Array<{ leg: OutboundLeg; channel: LiveChannel }> = [];
  for (const contact of ring.contacts) {
    const leg = new OutboundLeg(
      deps.stack,
      {
        target: { requestUri: contact.contactUri, endpoint: contact.source, flowId: contact.flowId ?? undefined },
        from: callerNameAddr(ring.callerId.name, ring.callerId.number, ring.domain),
        to: `<sip:${ring.target.number}@${ring.domain}>`,
        sdp: offer,
        ...(ring.extraHeaders ? { extraHeaders: ring.extraHeaders } : {}),
      },
      ring.listener,
      deps.logger,
    );
    if (!leg.start()) continue;
    const now = options.context.clock.now();
    const channel: LiveChannel = {
      name: options.ids.channelName(ring.target.account),
      tenantId: ring.target.tenantId,
      uniqueId: options.ids.uniqueId(now),
      linkedId: ring.linkedId,
      node: options.nodeName,
      direction: 'OUT',
      extension: ring.target.number,
      account: ring.target.account,
      callerIdNum: ring.target.number,
      callerIdName: ring.target.name,
      connectedNum: ring.callerId.number,
      connectedName: ring.callerId.name,
      exten: ring.target.number,
      context: ring.tenantCode,
      state: 'Down',
      createdAt: now,
      answeredAt: undefined,
      bridgedTo: undefined,
      sipCallId: leg.callId,
      originateId: '',
    };
    // The called party's channel: transferring it would need the caller's leg re-pointed; TRANSFER the caller's
    // channel (the party that moves) instead, as the API documents.
    deps.channels.add(channel, {
      hangup: (cause) => call.hangup(cause),
      blindTransfer: async () => 'only the calling party of a call can be transferred: give the channel bridged to this one',
      // The called party consults the target, then its caller is handed over (ATXTRANSFER of this channel).
      attendedTransfer: async (destination) => {
        if (call.answeredLeg !== leg) return 'this channel is not the answered party of its call';
        return options.context.attendedTransfer === undefined ? 'attended transfer is not available' : options.context.attendedTransfer(call, destination);
      },
    });
    started.push({ leg, channel });
  }
  return started;
}
