// One node's live SIP side: the SipStack on its sockets, the registrar behind it, qualify rounds and the
// failed-digest ban. main.ts builds the store-backed ports and hands them in; tests may pass FakeTransports.
import type { Clock, Logger } from '../shared/index.ts';
import { DigestAuthenticator, SipStack, type SipStackOptions, type TransportFactory } from '../sip/index.ts';
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
  readonly limits?: Partial<ExpiryLimits>;
  readonly qualifyIntervalMs: number;
  readonly ban: { readonly maxFailures: number; readonly windowMs: number; readonly banMs: number; readonly trusted: readonly string[] };
  readonly userAgent: string;
  readonly forceRport?: boolean;
  /** Replaces the sockets (tests). */
  readonly transports?: readonly TransportFactory[];
}

export class PbxNode {
  private constructor(
    readonly stack: SipStack,
    readonly registrar: Registrar,
    readonly qualifier: Qualifier,
    readonly nodeName: string,
  ) {}

  static async start(ports: PbxNodePorts, options: PbxNodeOptions): Promise<PbxNode> {
    const authenticator = new DigestAuthenticator({ secret: options.nonceSecret, clock: ports.clock, algorithms: options.digestAlgorithms });
    const ban = new AuthBan({ clock: ports.clock, ...options.ban });
    let registrar: Registrar | undefined;
    const sockets: Partial<SipStackOptions> = options.transports
      ? { transports: options.transports }
      : { udp: { host: options.host, port: options.port }, tcp: { host: options.host, port: options.port }, ...(options.wsPort ? { ws: { host: options.host, port: options.wsPort } } : {}) };
    const stack = await SipStack.start(
      { ...sockets, clock: ports.clock, logger: ports.logger, allow: ['REGISTER', 'OPTIONS'], userAgent: options.userAgent, forceRport: options.forceRport ?? true },
      {
        onRequest(transaction, request, source) {
          if (request.method === 'REGISTER' && registrar) void registrar.handleRegister(transaction, request, source);
          // OPTIONS to the PBX itself: a keep-alive or a probe; §11.2 answers it like an INVITE would be, with 200.
          else stack.respond(transaction, 200, 'OK', stack.capabilityHeaders());
        },
        onFlowClosed(flowId) {
          void registrar?.flowClosed(flowId);
        },
      },
    );
    registrar = new Registrar(
      { stack, authenticator, accounts: ports.accounts, domains: ports.domains, store: ports.bindings, clock: ports.clock, logger: ports.logger, ban },
      { realm: options.realm, nodeName: options.nodeName, ...options.limits },
    );
    const qualifier = new Qualifier({ stack, store: ports.bindings, clock: ports.clock, logger: ports.logger }, { nodeName: options.nodeName, intervalMs: options.qualifyIntervalMs });
    registrar.start();
    qualifier.start();
    return new PbxNode(stack, registrar, qualifier, options.nodeName);
  }

  /** REBOOT: NOTIFY check-sync to a phone registered on this node. */
  checkSync(binding: Binding): CheckSyncOutcome {
    return sendCheckSync(this.stack, binding);
  }

  async stop(): Promise<void> {
    this.qualifier.stop();
    this.registrar.stop();
    await this.stack.close();
  }
}
