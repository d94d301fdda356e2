// What a new INVITE becomes. From a phone: authenticate the caller (407 challenge, RFC 3261 §22.3), then the
// tenant's dialplan: an extension (every registered contact rings) or, for other numbers, the routing profile's
// carriers. From a carrier (its host's address and port, or an address it lists; IP-authenticated): the DID's destination.
import type { SessionDescription } from '../../media/index.ts';
import type { ServerInviteTransaction } from '../../sip/index.ts';
import { routeInbound, targetsForNumber, type NumberDirectory, type SipTrunkTarget } from '../dialplan/index.ts';
import { authenticatePhone, phoneRequestParties } from '../registrar/index.ts';
import type { Call } from './call.ts';
import type { SetupDeps, SetupHooks, SetupOptions } from './call-setup-types.ts';
import { startCall, type InviteCall } from './call-start.ts';
import type { InboundLeg } from './inbound-leg.ts';
import { readSdp } from './media-plan.ts';
import { refusedCallRecord, type RefusedCall } from './refused-call.ts';

export type { SetupDeps, SetupHooks, SetupOptions } from './call-setup-types.ts';

export class CallSetup {
  /** INVITEs cancelled while their setup was still reading the store. */
  private readonly cancelledInvites = new WeakSet<ServerInviteTransaction>();

  constructor(private readonly deps: SetupDeps & { readonly numbers: NumberDirectory }, private readonly options: SetupOptions, private readonly hooks: SetupHooks) {}

  cancelled(invite: ServerInviteTransaction): void {
    this.cancelledInvites.add(invite);
  }

  async start(leg: InboundLeg): Promise<Call | undefined> {
    try {
      return await this.run(leg);
    } catch (error) {
      this.deps.logger.error({ err: error }, 'call: setup failed');
      leg.reject(500, 'Server Internal Error');
      return undefined;
    }
  }

  private async run(leg: InboundLeg): Promise<Call | undefined> {
    const request = leg.invite;
    const source = leg.source.endpoint;
    // The carrier is recognised before the ban is checked: the ban counts per address, and what phones (or forged
    // packets) do from a carrier's address must never shut out the carrier's calls to the DIDs.
    const carrier = await this.deps.carriers.carrierAt(source);
    if (carrier === undefined && this.deps.ban?.isBanned(source.address)) return void leg.reject(403, 'Forbidden');
    const parties = phoneRequestParties(request);
    if (!parties.ok) return void leg.reject(parties.error.status, parties.error.reason);
    const { requestUri, from, fromUri } = parties.value;
    const dialled = decodeURIComponent(requestUri.user);
    const caller = { number: fromUri.user === undefined ? '' : decodeURIComponent(fromUri.user), name: from.displayName ?? '' };
    if (carrier !== undefined) return this.fromCarrier(leg, carrier, dialled, caller);

    // Every INVITE that is not a carrier's is a phone's: challenged, as Asterisk does, with the SIP password.
    const auth = await authenticatePhone(request, parties.value, source.address, this.deps, this.options.realm);
    if (!auth.ok) return void leg.reject(auth.error.status, auth.error.reason, auth.error.headers);
    const { tenantId, extensionId } = auth.value;
    const [extension, tenantCode] = await Promise.all([this.deps.directory.extensionById(tenantId, extensionId), this.deps.directory.tenantCode(tenantId)]);
    if (extension === undefined || tenantCode === undefined) return void leg.reject(403, 'Forbidden');
    const offer = this.offer(leg);
    if (offer === undefined) return undefined;
    const party = { number: extension.number, name: caller.name || extension.name, extension: extension.number, account: extension.account };
    const sipCallId = request.headers.get('call-id') ?? '';
    // A star code for the PBX itself (docs/feature-codes.md) is checked before the dialplan, as Asterisk's are.
    const feature = (await this.deps.featureCodes?.isFeatureCode(tenantId, dialled)) === true;
    const targets = feature ? [{ tag: 'FEATURECODE', id: 0, number: dialled }] : await targetsForNumber(this.deps.numbers, tenantId, dialled);
    if (targets.length === 0) {
      this.refused({ tenantId, tenantCode, caller: party, dialled, direction: 'LOCAL', sipCallId, status: 404 });
      return void leg.reject(404, 'Not Found');
    }
    const direction = targets[0]?.tag === 'OUT' ? 'OUT' : 'LOCAL';
    return this.begin(leg, offer, { tenantId, tenantCode, caller: party, callerExtensionId: extensionId, sipCallId, domain: requestUri.host, dialled, direction, targets, recording: extension.recording === true });
  }

  /** A carrier's INVITE to one of the tenants' DIDs (spec §3.3: the DID's destination slots). */
  private async fromCarrier(leg: InboundLeg, carrier: SipTrunkTarget, dialled: string, caller: { number: string; name: string }): Promise<Call | undefined> {
    const offer = this.offer(leg);
    if (offer === undefined) return undefined;
    const decision = await routeInbound(this.deps.routing, { called: dialled, caller: caller.number });
    const inbound = { caller: { number: caller.number, name: caller.name, extension: '', account: '' }, direction: 'IN' as const, sipCallId: leg.invite.headers.get('call-id') ?? '' };
    if (!decision.ok) {
      this.deps.logger.info({ carrier: carrier.name, dialled, reason: decision.reason }, 'call: inbound call refused');
      const [status, text] = decision.reason === 'blacklisted' ? [603, 'Decline'] : decision.reason === 'no-destination' ? [480, 'Temporarily Unavailable'] : [404, 'Not Found'];
      // A number no tenant holds (or a disabled tenant's) has nobody whose CDRs could show it: only the log does.
      leg.reject(status, text);
      if (decision.tenantId !== undefined) this.refusedOf(decision.tenantId, { ...inbound, dialled, status });
      return undefined;
    }
    // di_maxchannels: the DID's own limit, counted over the live calls that came in on its number.
    const didLimit = decision.did.maxCalls;
    if (didLimit !== undefined) {
      const onDid = new Set(this.deps.channels.list(decision.tenantId).filter((c) => c.direction === 'IN' && c.exten === decision.did.number).map((c) => c.linkedId));
      if (onDid.size >= didLimit) {
        this.deps.counters.didLimit++;
        leg.reject(503, 'Service Unavailable', [['Warning', `399 callgrid "the DID's limit of ${didLimit} simultaneous calls is reached"`]]);
        this.refusedOf(decision.tenantId, { ...inbound, dialled: decision.did.number, status: 503 });
        return undefined;
      }
    }
    const tenantCode = await this.deps.directory.tenantCode(decision.tenantId);
    if (tenantCode === undefined) return void leg.reject(480, 'Temporarily Unavailable');
    return this.begin(leg, offer, {
      tenantId: decision.tenantId,
      tenantCode,
      caller: { number: caller.number, name: caller.name, extension: '', account: '' },
      channelEndpoint: carrier.name,
      sipCallId: leg.invite.headers.get('call-id') ?? '',
      domain: leg.source.local.address,
      // The channel's exten is the DID as stored, which the DID's channel limit counts by.
      dialled: decision.did.number,
      direction: 'IN',
      targets: decision.targets,
      recording: decision.did.recording === true,
    });
  }

  /** The one CDR row of a call refused before it started (refused-call.ts). */
  private refused(call: RefusedCall): void {
    this.hooks.record(refusedCallRecord(this.options.ids, this.options.context.clock, call));
  }

  /** The same once the tenant's code is read; the caller already has its answer, so nothing here may delay or fail it. */
  private refusedOf(tenantId: number, call: Omit<RefusedCall, 'tenantId' | 'tenantCode'>): void {
    this.deps.directory.tenantCode(tenantId).then(
      (tenantCode) => {
        if (tenantCode !== undefined) this.refused({ tenantId, tenantCode, ...call });
      },
      (error: unknown) => this.deps.logger.error({ err: error, tenantId }, 'call: the CDR of a refused call could not be written'),
    );
  }

  private begin(leg: InboundLeg, offer: SessionDescription, request: InviteCall): Promise<Call | undefined> {
    return startCall(this.deps, this.options, this.hooks, leg, offer, request, () => this.cancelledInvites.has(leg.transaction));
  }

  /** The caller's SDP offer, or undefined after answering 488 (RFC 3261 §13.3.1.3). */
  private offer(leg: InboundLeg): SessionDescription | undefined {
    const offer = readSdp(leg.invite.body);
    if (offer.ok) return offer.value;
    leg.reject(488, 'Not Acceptable Here', [['Warning', `399 callgrid "${offer.error}"`]]);
    return undefined;
  }
}
