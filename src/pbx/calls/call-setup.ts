// What a new INVITE from a phone becomes: authenticate the caller (407 challenge, RFC 3261 §22.3), read its offer,
// ask the tenant's dialplan for the callee, open the relay session, then ring every registered contact (forking).
import type { MediaRelay, RelaySession } from '../../media/index.ts';
import type { Logger } from '../../shared/index.ts';
import { parseNameAddr, parseUri, type DigestAuthenticator, type ServerInviteTransaction, type SipStack } from '../../sip/index.ts';
import { authenticateDigest, type AuthBan, type SipAccountDirectory, type SipDomainPolicy } from '../registrar/index.ts';
import { resolveDialled } from '../dialplan/index.ts';
import { Call, type CallContext } from './call.ts';
import type { CallIds } from './call-ids.ts';
import type { CallDirectory, ExtensionTarget } from './call-ports.ts';
import { InviteCaller } from './caller-side.ts';
import type { ChannelRegistry } from './channel-registry.ts';
import { callerChannel } from './caller-channel.ts';
import { ringExtension } from './fork.ts';
import type { InboundLeg } from './inbound-leg.ts';
import { readSdp } from './media-plan.ts';
import type { OutboundLeg } from './outbound-leg.ts';

export interface SetupDeps {
  readonly stack: SipStack;
  readonly authenticator: DigestAuthenticator;
  readonly accounts: SipAccountDirectory;
  readonly domains: SipDomainPolicy;
  readonly ban?: AuthBan;
  readonly directory: CallDirectory;
  readonly relay: MediaRelay;
  readonly channels: ChannelRegistry;
  readonly logger: Logger;
}

export interface SetupOptions {
  readonly realm: string;
  readonly nodeName: string;
  readonly ids: CallIds;
  readonly context: CallContext;
}

export interface SetupHooks {
  track(call: Call): void;
  trackLeg(leg: OutboundLeg): void;
  established(call: Call): void;
  /** Blind transfer of the call's caller to a destination (API TRANSFER, a phone's REFER). */
  transfer(call: Call, destination: string): Promise<string | undefined>;
}

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
    const { stack, ban } = this.deps;
    const request = leg.invite;
    const source = leg.source.endpoint;
    if (ban?.isBanned(source.address)) return void leg.reject(403, 'Forbidden');
    const requestUri = parseUri(request.uri);
    const from = parseNameAddr(request.headers.get('from') ?? '');
    const fromUri = from.ok ? parseUri(from.value.uri) : undefined;
    if (!requestUri.ok || requestUri.value.user === undefined) return void leg.reject(404, 'Not Found');
    if (fromUri === undefined || !fromUri.ok) return void leg.reject(400, 'Bad From Header');
    const realm = (await this.deps.domains.realmFor(requestUri.value.host)) ?? this.options.realm;

    // Only our own phones place calls (carriers come in through DIDs, a later step): every INVITE is challenged.
    const auth = await authenticateDigest(request, { authenticator: this.deps.authenticator, accounts: this.deps.accounts, realm, domain: fromUri.value.host, header: 'proxy-authorization' });
    if (auth.kind === 'challenge') return void leg.reject(407, 'Proxy Authentication Required', this.challenge(realm, auth.stale));
    if (auth.kind === 'failed') {
      ban?.recordFailure(source.address);
      return void (auth.reason === 'malformed' ? leg.reject(400, 'Bad Request') : leg.reject(407, 'Proxy Authentication Required', this.challenge(realm, false)));
    }
    if (this.cancelledInvites.has(leg.transaction)) return undefined;
    const { tenantId, extensionId } = auth.account;
    const [caller, tenantCode] = await Promise.all([this.deps.directory.extensionById(tenantId, extensionId), this.deps.directory.tenantCode(tenantId)]);
    if (caller === undefined || tenantCode === undefined) return void leg.reject(403, 'Forbidden');

    const offer = readSdp(request.body);
    if (!offer.ok) return void leg.reject(488, 'Not Acceptable Here', [['Warning', `399 callgrid "${offer.error}"`]]);

    const dialled = decodeURIComponent(requestUri.value.user);
    const target = await resolveDialled(this.deps.directory, tenantId, dialled);
    if (target.kind === 'unknown') return void leg.reject(404, 'Not Found');
    if (target.kind === 'busy') return void leg.reject(486, 'Busy Here');
    const contacts = await this.deps.directory.contacts(tenantId, target.extension.extensionId);
    if (contacts.length === 0) return void leg.reject(480, 'Temporarily Unavailable');
    if (this.cancelledInvites.has(leg.transaction)) return undefined;

    const session = await this.deps.relay.openSession();
    if (!session.ok) {
      this.deps.logger.warn({ error: session.error }, 'call: no relay ports');
      return void leg.reject(503, 'Service Unavailable', [['Retry-After', '5']]);
    }
    // A CANCEL may have come while the ports were being bound: the caller already has its 487.
    if (this.cancelledInvites.has(leg.transaction)) {
      session.value.close();
      return undefined;
    }
    const call = this.newCall(new InviteCaller(leg, offer.value), session.value, caller, target.extension, tenantCode, request.headers.get('call-id') ?? '');
    this.hooks.track(call);
    const started = ringExtension(this.deps, this.options, call, {
      tenantCode,
      target: target.extension,
      contacts,
      callerId: { number: caller.number, name: from.ok && from.value.displayName ? from.value.displayName : caller.name },
      domain: requestUri.value.host,
      linkedId: call.callerChannel.linkedId,
      listener: {
        provisional: (l, r) => call.provisional(l, r),
        answered: (l, r) => {
          call.answered(l, r);
          this.hooks.established(call);
        },
        failed: (l, s, reason) => call.failed(l, s, reason),
      },
    });
    for (const fork of started) this.hooks.trackLeg(fork.leg);
    call.ring(started, target.extension.ringSeconds);
    if (started.length === 0) call.hangup('no-contact-reachable');
    return call;
  }

  private newCall(caller: InviteCaller, session: RelaySession, from: ExtensionTarget, to: ExtensionTarget, tenantCode: string, sipCallId: string): Call {
    const { ids, nodeName, context } = this.options;
    const channel = callerChannel(ids, nodeName, context.clock, {
      tenantId: from.tenantId,
      tenantCode,
      account: from.account,
      number: from.number,
      name: from.name,
      connectedNum: to.number,
      connectedName: to.name,
      exten: to.number,
      sipCallId,
      originateId: '',
      direction: 'IN',
    });
    const call: Call = new Call(context, caller, session, channel, {
      tenantId: from.tenantId,
      tenantCode,
      linkedId: channel.linkedId,
      direction: 'LOCAL',
      originateId: '',
      sipCallId,
      caller: { number: from.number, name: from.name, extension: from.number, account: from.account },
      dialled: to.number,
      startedAt: channel.createdAt,
      destination: to.number,
      calleeAccount: to.account,
      landed: { kind: 'EXT', label: to.number },
    });
    this.deps.channels.add(channel, { hangup: (cause) => call.hangup(cause), blindTransfer: (destination) => this.hooks.transfer(call, destination) });
    return call;
  }

  private challenge(realm: string, stale: boolean): Array<[string, string]> {
    return this.deps.authenticator.challenge(realm, { stale }).map((value) => ['Proxy-Authenticate', value]);
  }
}
