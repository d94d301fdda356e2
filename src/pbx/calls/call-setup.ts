// What a new INVITE becomes. From a phone: authenticate the caller (407 challenge, RFC 3261 §22.3), then the
// tenant's dialplan: an extension (every registered contact rings) or, for other numbers, the routing profile's
// carriers. From a carrier (its host's address and port, or an address it lists; IP-authenticated): the DID's destination.
import type { SessionDescription } from '../../media/index.ts';
import { parseNameAddr, parseUri, type ServerInviteTransaction } from '../../sip/index.ts';
import { resolveDialled, routeInbound, routeOutboundCall, type SipTrunkTarget } from '../dialplan/index.ts';
import { authenticateDigest } from '../registrar/index.ts';
import type { Call } from './call.ts';
import type { CallDestination, CallEnds, SetupDeps, SetupHooks, SetupOptions } from './call-setup-types.ts';
import type { ExtensionTarget } from './call-ports.ts';
import { connectCall } from './connect-call.ts';
import { featureCodeRecord } from './feature-code-record.ts';
import { forwardedDestination } from './forwarding.ts';
import type { InboundLeg } from './inbound-leg.ts';
import { readSdp } from './media-plan.ts';
import { looksLikeFeatureCode, matchFeatureCode, runFeatureCode } from '../apps/feature-codes/index.ts';

export type { SetupDeps, SetupHooks, SetupOptions } from './call-setup-types.ts';

export class CallSetup {
  /** INVITEs cancelled while their setup was still reading the store. */
  private readonly cancelledInvites = new WeakSet<ServerInviteTransaction>();

  constructor(private readonly deps: SetupDeps, private readonly options: SetupOptions, private readonly hooks: SetupHooks) {}

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
    const requestUri = parseUri(request.uri);
    const from = parseNameAddr(request.headers.get('from') ?? '');
    const fromUri = from.ok ? parseUri(from.value.uri) : undefined;
    if (!requestUri.ok || requestUri.value.user === undefined) return void leg.reject(404, 'Not Found');
    if (fromUri === undefined || !fromUri.ok) return void leg.reject(400, 'Bad From Header');
    const dialled = decodeURIComponent(requestUri.value.user);
    const caller = { number: fromUri.value.user === undefined ? '' : decodeURIComponent(fromUri.value.user), name: from.ok ? (from.value.displayName ?? '') : '' };
    if (carrier !== undefined) return this.fromCarrier(leg, carrier, dialled, caller);

    const realm = (await this.deps.domains.realmFor(requestUri.value.host)) ?? this.options.realm;
    // Every INVITE that is not a carrier's is a phone's: challenged, as Asterisk does, with the SIP password.
    // Nonces go to the source address and are usable from it only, so a counted failure is never a forged one.
    const auth = await authenticateDigest(request, { authenticator: this.deps.authenticator, accounts: this.deps.accounts, realm, domain: fromUri.value.host, header: 'proxy-authorization', source: source.address });
    if (auth.kind === 'challenge') return void leg.reject(407, 'Proxy Authentication Required', this.challenge(realm, auth.stale, source.address));
    if (auth.kind === 'failed') {
      this.deps.ban?.recordFailure(source.address);
      return void (auth.reason === 'malformed' ? leg.reject(400, 'Bad Request') : leg.reject(407, 'Proxy Authentication Required', this.challenge(realm, false, source.address)));
    }
    const { tenantId, extensionId } = auth.account;
    const [extension, tenantCode] = await Promise.all([this.deps.directory.extensionById(tenantId, extensionId), this.deps.directory.tenantCode(tenantId)]);
    if (extension === undefined || tenantCode === undefined) return void leg.reject(403, 'Forbidden');
    const offer = this.offer(leg);
    if (offer === undefined) return undefined;
    const ends: Omit<CallEnds, 'destination' | 'direction'> = {
      tenantId,
      tenantCode,
      caller: { number: extension.number, name: caller.name || extension.name, extension: extension.number, account: extension.account },
      sipCallId: request.headers.get('call-id') ?? '',
      domain: requestUri.value.host,
    };

    if (await this.featureCode(leg, offer, ends, extensionId, dialled)) return undefined;
    const target = await resolveDialled(this.deps.directory, tenantId, dialled);
    if (target.kind !== 'unknown') return this.toExtension(leg, offer, ends, target.extension, 'LOCAL');
    // Not an extension of the tenant: a number for the carriers, if the caller's routing profile has a route.
    const routed = await routeOutboundCall(this.deps.routing, tenantId, extensionId, dialled);
    if (!routed.ok) {
      if (routed.reason === 'not-allowed' || routed.reason === 'blacklisted') return void leg.reject(403, 'Forbidden', [['Warning', `399 callgrid "${routed.message}"`]]);
      return void leg.reject(404, 'Not Found');
    }
    return connectCall(this.deps, this.options, this.hooks, leg, offer, { ...ends, direction: 'OUT', destination: { kind: 'carriers', number: dialled, attempts: routed.attempts } }, () => this.cancelledInvites.has(leg.transaction));
  }

  /** A carrier's INVITE to one of the tenants' DIDs (spec §3.3: the DID's destination slots). */
  private async fromCarrier(leg: InboundLeg, carrier: SipTrunkTarget, dialled: string, caller: { number: string; name: string }): Promise<Call | undefined> {
    const offer = this.offer(leg);
    if (offer === undefined) return undefined;
    const decision = await routeInbound(this.deps.routing, { called: dialled, caller: caller.number });
    if (!decision.ok) {
      this.deps.logger.info({ carrier: carrier.name, dialled, reason: decision.reason }, 'call: inbound call refused');
      if (decision.reason === 'blacklisted') return void leg.reject(603, 'Decline');
      return void leg.reject(decision.reason === 'no-destination' ? 480 : 404, decision.reason === 'no-destination' ? 'Temporarily Unavailable' : 'Not Found');
    }
    // di_maxchannels: the DID's own limit, counted over the live calls that came in on its number.
    const didLimit = decision.did.maxCalls;
    if (didLimit !== undefined) {
      const onDid = new Set(this.deps.channels.list(decision.tenantId).filter((c) => c.direction === 'IN' && c.exten === decision.did.number).map((c) => c.linkedId));
      if (onDid.size >= didLimit) {
        this.deps.counters.didLimit++;
        return void leg.reject(503, 'Service Unavailable', [['Warning', `399 callgrid "the DID's limit of ${didLimit} simultaneous calls is reached"`]]);
      }
    }
    const first = decision.first;
    const [extension, tenantCode] = await Promise.all([
      first.kind === 'extension' ? this.deps.directory.extensionById(decision.tenantId, first.extensionId) : Promise.resolve(undefined),
      this.deps.directory.tenantCode(decision.tenantId),
    ]);
    // Other destination kinds (queues, IVRs, voicemail, external numbers) come with their applications.
    if (extension === undefined || tenantCode === undefined) return void leg.reject(480, 'Temporarily Unavailable');
    const ends: Omit<CallEnds, 'destination' | 'direction'> = {
      tenantId: decision.tenantId,
      tenantCode,
      caller: { number: caller.number, name: caller.name, extension: '', account: '' },
      channelEndpoint: carrier.name,
      sipCallId: leg.invite.headers.get('call-id') ?? '',
      domain: leg.source.local.address,
      // The channel's exten is the DID as stored, which the DID's channel limit counts by.
      dialled: decision.did.number,
    };
    return this.toExtension(leg, offer, ends, extension, 'IN');
  }

  /**
   * A call for an extension: its unconditional forward first; do-not-disturb reads as busy and an extension with
   * no registered phone as offline, each sent on by its slot when it has one (spec §3.3), else 486 / 480.
   */
  private async toExtension(leg: InboundLeg, offer: SessionDescription, ends: Omit<CallEnds, 'destination' | 'direction'>, extension: ExtensionTarget, direction: CallEnds['direction']): Promise<Call | undefined> {
    const connect = (destination: CallDestination) =>
      connectCall(this.deps, this.options, this.hooks, leg, offer, { ...ends, direction, destination }, () => this.cancelledInvites.has(leg.transaction));
    const unconditional = await forwardedDestination(this.deps, extension, 'incoming');
    if (unconditional !== undefined) return connect(unconditional);
    if (extension.dnd) {
      const busy = await forwardedDestination(this.deps, extension, 'busy');
      return busy === undefined ? void leg.reject(486, 'Busy Here') : connect(busy);
    }
    const contacts = await this.deps.directory.contacts(extension.tenantId, extension.extensionId);
    if (contacts.length === 0) {
      const offline = await forwardedDestination(this.deps, extension, 'offline');
      return offline === undefined ? void leg.reject(480, 'Temporarily Unavailable') : connect(offline);
    }
    return connect({ kind: 'extension', extension, contacts });
  }

  /**
   * A star code for the PBX itself (docs/feature-codes.md): performed and confirmed with a tone, then hung up.
   * True when `dialled` was one. Checked before the dialplan, as Asterisk's feature codes are.
   */
  private async featureCode(leg: InboundLeg, offer: SessionDescription, ends: Omit<CallEnds, 'destination' | 'direction'>, extensionId: number, dialled: string): Promise<boolean> {
    const tenantId = ends.tenantId;
    const features = this.deps.featureCodes;
    if (features === undefined || !looksLikeFeatureCode(dialled)) return false;
    const action = matchFeatureCode(dialled, await features.directory.featureCodes(tenantId));
    if (action === undefined || this.cancelledInvites.has(leg.transaction)) return action !== undefined;
    const summary = await runFeatureCode(
      { actions: features.actions, ports: features.ports, mediaAddress: this.options.context.mediaAddress, logger: this.deps.logger, clock: this.options.context.clock },
      { tenantId, extensionId, offer, answer: (sdp) => leg.answer(sdp), bye: () => leg.bye(), reject: (status, reason) => leg.reject(status, reason) },
      action,
    );
    this.deps.logger.info({ tenantId, extensionId, dialled, outcome: summary.outcome, detail: summary.detail }, 'call: feature code');
    this.hooks.record(featureCodeRecord(this.options.ids, ends, dialled, summary));
    return true;
  }

  /** The caller's SDP offer, or undefined after answering 488 (RFC 3261 §13.3.1.3). */
  private offer(leg: InboundLeg): SessionDescription | undefined {
    const offer = readSdp(leg.invite.body);
    if (offer.ok) return offer.value;
    leg.reject(488, 'Not Acceptable Here', [['Warning', `399 callgrid "${offer.error}"`]]);
    return undefined;
  }

  private challenge(realm: string, stale: boolean, source: string): Array<[string, string]> {
    return this.deps.authenticator.challenge(realm, { stale, source }).map((value) => ['Proxy-Authenticate', value]);
  }
}
