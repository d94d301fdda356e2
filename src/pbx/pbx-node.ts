// One node's live SIP side: the SipStack on its sockets, the registrar behind it, qualify rounds and the
// failed-digest ban. main.ts builds the store-backed ports and hands them in; tests may pass FakeTransports.
import type { MediaRelayControl } from '../media/index.ts';
import type { Clock, Logger } from '../shared/index.ts';
import { B2bua, type B2buaDeps, type B2buaOptions } from './calls/b2bua.ts';
import type { AdmissionPolicy } from './calls/call-admission.ts';
import { TrunkRegistrar, type TrunkDirectory } from './trunks/index.ts';
import type { CallDirectory } from './calls/call-ports.ts';
import type { CarrierDirectory } from './calls/carrier-directory.ts';
import type { ForwardingDirectory, InboundDirectory, NumberDirectory, OutboundDirectory } from './dialplan/index.ts';
import { featureCodeCheck, nodeApplications, type FeatureCodePorts } from './node-applications.ts';
import type { RoutingStepPorts } from './routing-step-applications.ts';
import type { MediaFileDirectory } from './apps/playback/index.ts';
import type { IvrDirectory, IvrLog } from './apps/ivr/index.ts';
import type { DisaDirectory } from './apps/disa/index.ts';
import type { HuntlistDirectory } from './apps/huntlist/index.ts';
import type { FollowMeDirectory } from './apps/ring-extension/index.ts';
import type { ConditionDirectory } from './apps/condition/index.ts';
import { MusicOnHold, type MohDirectory } from './calls/index.ts';
import type { ChannelRegistry } from './calls/channel-registry.ts';
import type { IdentitySettings } from './calls/connected-line.ts';
import type { CdrWriter } from './cdr/index.ts';
import type { LiveCallRepository } from '../store/index.ts';
import { LiveCallJournal } from './calls/live-call-journal.ts';
import { recoverOrphanedCalls } from './recovery/orphaned-calls.ts';
import { Presence, type FlowStateSource } from './presence/index.ts';
import { Messaging, type MessageStore, type MessagingLimits } from './messaging/index.ts';
import { Dialog, DigestAuthenticator, SipStack, type ServerInviteTransaction, type SipStackOptions, type TransportFactory } from '../sip/index.ts';
import {
  AuthBan,
  Qualifier,
  Registrar,
  sendCheckSync,
  type Binding,
  type BindingStore,
  type CheckSyncOutcome,
  type ExpiryLimits,
  type SipAccountDirectory,
  type SipDomainPolicy,
} from './registrar/index.ts';

export interface PbxNodePorts {
  readonly accounts: SipAccountDirectory;
  readonly domains: SipDomainPolicy;
  readonly bindings: BindingStore;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Calls: the tenants' extensions and contacts, the live channels, the RTP relay and the CDR writer. */
  readonly calls: {
    readonly directory: CallDirectory;
    readonly routing: OutboundDirectory & InboundDirectory & ForwardingDirectory & Omit<NumberDirectory, 'findExtension'>;
    readonly carriers: CarrierDirectory;
    readonly channels: ChannelRegistry;
    readonly relay: MediaRelayControl;
    readonly cdrs: CdrWriter;
    /** Extensions' identity settings for connected-line updates after transfers (ex_applyalwaysrpid). */
    readonly identities?: IdentitySettings;
    /** Star codes answered by the PBX (DND, flows). */
    readonly featureCodes?: FeatureCodePorts;
    /** Tenants' media files, for PLAYBACK steps and IVR prompts. */
    readonly mediaFiles?: MediaFileDirectory;
    /** Tenants' voice menus (IVR steps). */
    readonly ivrs?: IvrDirectory;
    /** Where IVR choices are written (INFO ivrlogs). */
    readonly ivrLog?: IvrLog;
    /** Tenants' DISAs (DISA steps). */
    readonly disas?: DisaDirectory;
    /** System prompts (media/prompts SystemPrompts) for the steps that speak (DISA). */
    readonly prompts?: { path(name: string): string | undefined };
    /** Tenants' ring groups (HUNTLIST steps). */
    readonly huntlists?: HuntlistDirectory;
    /** Extensions' follow-me numbers (apps/ring-extension StoreFollowMeDirectory); none = follow-me is not rung. */
    readonly followMe?: FollowMeDirectory;
    /** How long a party asked to confirm its answer has to press a key; default 15 s. */
    readonly confirmSeconds?: number;
    /** Tenants' conditions (CONDITION steps). */
    readonly conditions?: ConditionDirectory;
    /** Tenants' music-on-hold classes: a party put on hold hears its tenant's default class. */
    readonly moh?: MohDirectory;
    /** Tenants' flows, phonebooks and DIDs (FLOW, PHONEBOOK, CLIDNAMEBYPHONEBOOK, the DID forward switches). */
    readonly routingSteps?: RoutingStepPorts;
  };
  /** Providers this node registers to (outbound trunk registration); none = no trunk registers. */
  readonly trunks?: TrunkDirectory;
  /** Numbered flows' lamps for subscribers of a flow number. */
  readonly flows?: FlowStateSource;
  /** Where SIP MESSAGEs for offline phones are kept; none = MESSAGE between phones is not offered. */
  readonly messages?: MessageStore;
  /** The live-call journal's table: calls in progress are kept there and, on start, the node's lost ones ended; none = not kept. */
  readonly liveCalls?: LiveCallRepository;
}

export interface PbxNodeOptions {
  readonly nodeName: string;
  /** Address the SIP sockets bind; UDP and TCP share the port. */
  readonly host: string;
  readonly port: number;
  /** WebSocket (RFC 7118) port; undefined = none. */
  readonly wsPort?: number;
  readonly realm: string;
  /** Signs nonces; any node sharing it accepts the others' nonces. */
  readonly nonceSecret: string;
  /**
   * Challenges offered, in order. Several WWW-Authenticate headers are legal (RFC 8760 §2.4), but some phones
   * give up on the first algorithm they do not know (baresip 1.0's libre answers 'Function not implemented' to
   * SHA-256), so the default is MD5 alone, as Asterisk and Kamailio do.
   */
  readonly digestAlgorithms: ReadonlyArray<'MD5' | 'SHA-256'>;
  /** Refuse digest credentials whose uri is not the Request-URI (DigestAuthenticatorOptions.strictUri); default off. */
  readonly digestUriStrict?: boolean;
  readonly limits?: Partial<ExpiryLimits>;
  readonly qualifyIntervalMs: number;
  readonly ban: { readonly maxFailures: number; readonly windowMs: number; readonly banMs: number; readonly trusted: readonly string[] };
  /**
   * Inbound TCP/TLS/WebSocket connections: at most `maxConnections` per transport and `maxConnectionsPerAddress` per
   * source, each closed unless it sends a SIP request within `firstMessageTimeoutMs`. Defaults: 1024, 100, 10 s.
   */
  readonly connections?: { readonly maxConnections?: number; readonly maxConnectionsPerAddress?: number; readonly firstMessageTimeoutMs?: number };
  readonly userAgent: string;
  readonly forceRport?: boolean;
  /** The address our SDP gives for the RTP relay (what phones send media to). Default: the SIP Via address. */
  readonly mediaAddress?: string;
  /** The relay listens on every interface with no public address set: callers get the address they reached (b2bua.ts). */
  readonly mediaAddressFromFlow?: boolean;
  /** How long a callee rings before no answer. */
  readonly ringTimeoutMs?: number;
  /** Longest answered call; undefined = no limit. */
  readonly maxCallMs?: number;
  /** Limits on new calls beyond te_maxchannels: a tenant's share of the media ports, one extension's calls. */
  readonly admission?: AdmissionPolicy;
  /** Where recorded calls go (ex_recording, di_recording); none = calls are not recorded. */
  readonly recordings?: B2buaOptions['recordings'];
  /** Told of finished recordings (the recordings list the API serves). */
  readonly recordingLog?: B2buaOptions['recordingLog'];
  /** How often the live-call journal's heartbeat is written while calls run; default 5 s (live-call-journal.ts). */
  readonly heartbeatMs?: number;
  /** Replaces the sockets (tests). */
  readonly transports?: readonly TransportFactory[];
  /** SIP MESSAGE limits (sizes, expiry, per-tenant store cap, per-sender rate); defaults in messaging/message-policy.ts. */
  readonly messaging?: Partial<MessagingLimits>;
}

export class PbxNode {
  private constructor(
    readonly stack: SipStack,
    readonly registrar: Registrar,
    readonly qualifier: Qualifier,
    readonly b2bua: B2bua,
    readonly presence: Presence,
    /** Outbound registrations to carriers: `trunks.list()` tells their state. */
    readonly trunks: TrunkRegistrar | undefined,
    readonly nodeName: string,
    /** SIP MESSAGE between phones; undefined when the node has no message store. */
    readonly messaging?: Messaging,
    /** The live-call journal; undefined when the node keeps none. */
    private readonly journal?: LiveCallJournal,
  ) {}

  static async start(ports: PbxNodePorts, options: PbxNodeOptions): Promise<PbxNode> {
    const authenticator = new DigestAuthenticator({ secret: options.nonceSecret, clock: ports.clock, algorithms: options.digestAlgorithms, strictUri: options.digestUriStrict ?? false });
    const ban = new AuthBan({ clock: ports.clock, ...options.ban });
    let registrar: Registrar | undefined;
    let b2bua: B2bua | undefined;
    let presence: Presence | undefined;
    let messaging: Messaging | undefined;
    // The stack hands its `tcp` and `ws` options on to the transports whole (TcpTransportOptions, WsTransportOptions),
    // so the connection limits ride along, though SipStackOptions names only host, port and tls.
    const limits = options.connections ?? {};
    const sockets: Partial<SipStackOptions> = options.transports
      ? { transports: options.transports }
      : {
          udp: { host: options.host, port: options.port },
          tcp: { host: options.host, port: options.port, ...limits },
          ...(options.wsPort ? { ws: { host: options.host, port: options.wsPort, ...limits } } : {}),
        };
    const stack = await SipStack.start(
      { ...sockets, clock: ports.clock, logger: ports.logger, allow: ['REGISTER', 'OPTIONS', 'INVITE', 'BYE', 'UPDATE', 'INFO', 'REFER', 'NOTIFY', 'SUBSCRIBE', ...(ports.messages ? ['MESSAGE'] : [])],
        supported: ['replaces'], userAgent: options.userAgent, forceRport: options.forceRport ?? true, readPendingInputFirst: true },
      {
        onRequest(transaction, request, source) {
          if (request.method === 'REGISTER' && registrar) void registrar.handleRegister(transaction, request, source);
          else if (request.method === 'INVITE' && b2bua) b2bua.handleInvite(transaction as ServerInviteTransaction, request, source);
          // SUBSCRIBE refreshes and unsubscribes come in-dialog too: they are presence's, never a call's.
          else if (request.method === 'SUBSCRIBE' && presence) presence.handleSubscribe(transaction, request, source);
          // MESSAGE outside a dialog is an instant message between phones (RFC 3428); inside a call it stays the call's.
          else if (request.method === 'MESSAGE' && messaging && Dialog.keyOfRequest(request) === undefined) messaging.handleMessage(transaction, request, source);
          else if (request.method !== 'OPTIONS' && b2bua) b2bua.handleInDialog(transaction, request);
          // An OPTIONS inside a call's dialog is the call's keep-alive (RFC 4028 style probes): answered the same way.
          // OPTIONS to the PBX itself: a keep-alive or a probe; §11.2 answers it like an INVITE would be, with 200.
          else stack.respond(transaction, 200, 'OK', stack.capabilityHeaders());
        },
        onAck(request) {
          b2bua?.handleAck(request);
        },
        onCancel(invite) {
          b2bua?.handleCancel(invite);
        },
        onResponse(response, transaction) {
          b2bua?.handleResponse(response, transaction);
        },
        onFlowClosed(flowId) {
          presence?.flowClosed(flowId);
          void registrar?.flowClosed(flowId);
        },
      },
    );
    registrar = new Registrar(
      { stack, authenticator, accounts: ports.accounts, domains: ports.domains, store: ports.bindings, clock: ports.clock, logger: ports.logger, ban },
      { realm: options.realm, nodeName: options.nodeName, ...options.limits },
    );
    const qualifier = new Qualifier({ stack, store: ports.bindings, clock: ports.clock, logger: ports.logger }, { nodeName: options.nodeName, intervalMs: options.qualifyIntervalMs });
    const journal = ports.liveCalls === undefined ? undefined : new LiveCallJournal(ports.liveCalls, ports.clock, ports.logger, { nodeName: options.nodeName, ...(options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs }) });
    b2bua = new B2bua(
      {
        stack,
        ...(journal === undefined ? {} : { journal }),
        authenticator,
        accounts: ports.accounts,
        domains: ports.domains,
        ban,
        ...ports.calls,
        featureCodes: ports.calls.featureCodes === undefined ? undefined : featureCodeCheck(ports.calls.featureCodes),
        clock: ports.clock,
        logger: ports.logger,
        applications: (counters) =>
          nodeApplications(
            {
              ...ports.calls,
              // Numbered objects and short numbers, for numbers dialled inside an IVR or a DISA.
              numbers: ports.calls.routing,
              logger: ports.logger,
              clock: ports.clock,
              // Messaging too is started after the B2BUA: the SMS step reaches it through this closure.
              messenger: {
                sendFromPbx: (order) => messaging?.sendFromPbx(order) ?? Promise.resolve({ kind: 'refused', reason: 'SIP messaging is not running on this node' }),
              },
              // Presence is started after the B2BUA; the closure reads it only while a call runs.
              extensionStates: {
                extensionState: async (tenantId, number) => {
                  const seen = await presence?.tracker.snapshot(tenantId, number);
                  return seen?.kind === 'extension' ? seen.state : undefined;
                },
              },
            },
            counters,
          ),
      },
      {
        nodeName: options.nodeName,
        realm: options.realm,
        mediaAddress: options.mediaAddress ?? stack.sentBy('udp')?.host ?? options.host,
        ...(options.mediaAddressFromFlow === true ? { mediaAddressFromFlow: true } : {}),
        ...(options.ringTimeoutMs === undefined ? {} : { ringTimeoutMs: options.ringTimeoutMs }),
        ...(options.maxCallMs === undefined ? {} : { maxDurationMs: options.maxCallMs }),
        ...(options.admission === undefined ? {} : { admission: options.admission }),
        ...(options.recordings === undefined ? {} : { recordings: options.recordings }),
        ...(options.recordingLog === undefined ? {} : { recordingLog: options.recordingLog }),
        ...(ports.calls.moh === undefined ? {} : { moh: new MusicOnHold(ports.calls.relay, ports.calls.moh, ports.clock, ports.logger) }),
      },
    );
    presence = new Presence(
      {
        stack,
        authenticator,
        accounts: ports.accounts,
        domains: ports.domains,
        ban,
        channels: ports.calls.channels,
        directory: ports.calls.directory,
        ...(ports.flows ? { flows: ports.flows } : {}),
        clock: ports.clock,
        logger: ports.logger,
      },
      { realm: options.realm },
    );
    // The calls this node lost when it was last killed: CDRs and BYEs before it takes calls of its own.
    if (ports.liveCalls !== undefined) await recoverLostCalls(ports.liveCalls, ports, options.nodeName, stack);
    journal?.start();
    registrar.start();
    qualifier.start();
    presence.start({ registrar, qualifier });
    if (ports.messages) {
      messaging = new Messaging(
        { stack, authenticator, accounts: ports.accounts, domains: ports.domains, ban, directory: ports.calls.directory, store: ports.messages, clock: ports.clock, logger: ports.logger },
        { realm: options.realm, nodeName: options.nodeName, ...(options.messaging === undefined ? {} : { limits: options.messaging }) },
      );
      messaging.start(registrar);
    }
    const trunks = ports.trunks === undefined ? undefined : new TrunkRegistrar({ stack, directory: ports.trunks, clock: ports.clock, logger: ports.logger });
    await trunks?.start();
    return new PbxNode(stack, registrar, qualifier, b2bua, presence, trunks, options.nodeName, messaging, journal);
  }

  /** REBOOT: NOTIFY check-sync to a phone registered on this node. */
  checkSync(binding: Binding): CheckSyncOutcome {
    return sendCheckSync(this.stack, binding);
  }

  async stop(): Promise<void> {
    // Subscriptions end first (reason=deactivated), so the hang-ups below do not send a burst of NOTIFYs.
    this.presence.stop();
    this.messaging?.stop();
    this.b2bua.hangupAll('node-shutdown');
    // The ended calls' journal rows go once their CDRs are stored: a graceful stop leaves none to recover.
    await this.journal?.stop();
    // Carriers are told (Expires: 0) while the stack is still open.
    await this.trunks?.stop();
    this.qualifier.stop();
    this.registrar.stop();
    await this.registrar.flush();
    await this.stack.close();
  }
}

/** Recovery that fails (the store is down) is logged: the node still starts, and the rows wait for the next start. */
async function recoverLostCalls(rows: LiveCallRepository, ports: PbxNodePorts, nodeName: string, stack: SipStack): Promise<void> {
  try {
    await recoverOrphanedCalls({ journal: rows, cdrs: ports.calls.cdrs, sip: stack, logger: ports.logger }, nodeName);
  } catch (error) {
    ports.logger.error({ err: error }, 'recovery: the calls lost at the last stop could not be read');
  }
}
