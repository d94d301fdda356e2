// Where every call that arrives as an INVITE begins once its caller and its destination list are known: the limits
// (call-admission.ts), the relay session, the caller's channel and the Call; then the destination runner takes the
// list. Nothing here decides what a number reaches: that is the list's and its applications'.
import type { SessionDescription } from '../../media/index.ts';
import type { CallDirection } from '../../domain/index.ts';
import type { CallParty } from '../cdr/index.ts';
import { LIMIT_COUNTERS, refuseCall } from './call-admission.ts';
import { Call } from './call.ts';
import { callerChannel } from './caller-channel.ts';
import { InviteCaller } from './caller-side.ts';
import { openCallMedia } from './media-offload.ts';
import type { SetupDeps, SetupHooks, SetupOptions } from './call-setup-types.ts';
import type { InboundLeg } from './inbound-leg.ts';
import { refusedCallRecord } from './refused-call.ts';
import type { Target } from './runner/step.ts';

/** A phone's or a carrier's INVITE with its caller and destination list known. */
export interface InviteCall {
  readonly tenantId: number;
  readonly tenantCode: string;
  readonly caller: CallParty;
  /** The calling extension's id (its routes and permissions for numbers dialled out); none for a carrier's call. */
  readonly callerExtensionId?: number;
  /** The caller's channel name base: its account (`100-ACME`), or the carrier's name for inbound calls. */
  readonly channelEndpoint?: string;
  readonly sipCallId: string;
  /** The host the callee sees the call come from. */
  readonly domain: string;
  /** The number as dialled (a DID for inbound calls). */
  readonly dialled: string;
  readonly direction: CallDirection;
  readonly targets: readonly Target[];
  /** The calling extension's ex_recording or the DID's di_recording asks for the call to be recorded. */
  readonly recording?: boolean;
}

export async function startCall(deps: SetupDeps, options: SetupOptions, hooks: SetupHooks, leg: InboundLeg, offer: SessionDescription, request: InviteCall, cancelled: () => boolean): Promise<Call | undefined> {
  if (cancelled()) return undefined;
  // te_maxchannels, the tenant's share of the media ports, the calling extension's own limit; a call between two of
  // the tenant's phones counts once.
  const refused = await refuseCall(deps, options.admission, request.tenantId, request.caller.account);
  if (refused !== undefined) {
    deps.counters[LIMIT_COUNTERS[refused.limit]]++;
    deps.logger.warn({ tenantId: request.tenantId, account: request.caller.account, limit: refused.limit }, 'call: refused at a limit');
    refusedRow(options, hooks, request);
    return void leg.reject(503, 'Service Unavailable', [['Warning', `399 callgrid "${refused.reason}"`]]);
  }
  // A plain two-party call may have its media on the node's rtpengine (media-offload.ts); any other on the relay.
  const session = await openCallMedia(deps.relay, options.context.recordings, {
    tenantId: request.tenantId,
    callerAccount: request.caller.account,
    ...(request.direction === 'IN' && request.caller.account === '' ? { did: request.dialled } : {}),
    recording: request.recording === true,
    targets: request.targets,
    offer,
  });
  if (!session.ok) {
    deps.logger.warn({ error: session.error }, 'call: no relay ports');
    refusedRow(options, hooks, request);
    return void leg.reject(503, 'Service Unavailable', [['Retry-After', '5']]);
  }
  // A CANCEL may have come while the ports were being bound: the caller already has its 487.
  if (cancelled()) {
    session.value.close();
    return undefined;
  }
  const { ids, nodeName, context } = options;
  const channel = callerChannel(ids, nodeName, context.clock, {
    tenantId: request.tenantId,
    tenantCode: request.tenantCode,
    account: request.channelEndpoint ?? request.caller.account,
    number: request.caller.number,
    name: request.caller.name,
    connectedNum: request.dialled,
    connectedName: '',
    exten: request.dialled,
    sipCallId: request.sipCallId,
    originateId: '',
    direction: 'IN',
  });
  const call: Call = new Call(
    context,
    new InviteCaller(leg, offer),
    session.value,
    channel,
    {
      tenantId: request.tenantId,
      tenantCode: request.tenantCode,
      linkedId: channel.linkedId,
      direction: request.direction,
      originateId: '',
      sipCallId: request.sipCallId,
      caller: request.caller,
      dialled: request.dialled,
      startedAt: channel.createdAt,
      // The first step names what the call reached (ring-extension: EXT:101); until then, the number dialled.
      destination: request.dialled,
      calleeAccount: '',
      landed: { kind: request.direction === 'OUT' ? 'PROVIDER' : 'EXT', label: request.dialled },
    },
    { presented: { number: request.caller.number, name: request.caller.name }, domain: request.domain, ...(request.callerExtensionId === undefined ? {} : { callerExtensionId: request.callerExtensionId }) },
  );
  deps.channels.add(channel, { hangup: (cause) => call.hangup(cause), blindTransfer: (to) => hooks.transfer(call, to) });
  hooks.track(call);
  if (request.recording === true) call.recordCall();
  void hooks.run(call, request.targets);
  return call;
}

/** A call refused with 503 before it started (a limit, no relay ports): its one CONGESTION row (refused-call.ts). */
function refusedRow(options: SetupOptions, hooks: SetupHooks, request: InviteCall): void {
  const { tenantId, tenantCode, caller, dialled, direction, sipCallId } = request;
  hooks.record(refusedCallRecord(options.ids, options.context.clock, { tenantId, tenantCode, caller, dialled, direction, sipCallId, status: 503 }));
}
