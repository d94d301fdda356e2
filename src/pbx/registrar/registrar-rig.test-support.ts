// Test support for the registrar tests: a real SipStack over FakeTransport on a FakeClock with a Registrar behind
// it, a two-tenant account directory (ACME with its own domain, GLOBEX on the shared one), and a fake phone that
// computes its digest answers with node:crypto MD5, independently of the product's digest code.
import { createHash, randomBytes } from 'node:crypto';
import { FakeClock, silentLogger } from '../../shared/index.ts';
import { DigestAuthenticator, FakeTransport, SipStack, parseMessage, type Endpoint, type SipMessage, type SipResponse } from '../../sip/index.ts';
import type { AuthBan } from './auth-ban.ts';
import { InMemoryBindingStore } from './in-memory-binding-store.ts';
import type { BindingStore, SipAccount, SipAccountDirectory, SipDomainPolicy } from './ports.ts';
import { Registrar, type RegistrarOptions } from './registrar.ts';
import type { RegistrarListener } from './registrar-events.ts';

export const SHARED_DOMAIN = 'pbx.example.com';
export const ACME_DOMAIN = 'acme.example.com';
export const REALM = 'callgrid';
export const PBX: Endpoint = { protocol: 'udp', address: '192.0.2.1', port: 5060 };

const TENANTS = [
  { id: 1, code: 'ACME', domain: ACME_DOMAIN },
  { id: 2, code: 'GLOBEX', domain: undefined },
];
const EXTENSIONS = [
  { tenantId: 1, extensionId: 11, number: '100', password: 'acme-100-pw' },
  { tenantId: 1, extensionId: 12, number: '101', password: 'acme-101-pw' },
  { tenantId: 2, extensionId: 21, number: '100', password: 'globex-100-pw' },
];

/** MiRTA's `<ext>-<TENANTCODE>` at the shared domain, or `<ext>` at a tenant's own SIP domain. */
export const directory: SipAccountDirectory = {
  async findByUsername(username, domain) {
    let tenant: (typeof TENANTS)[number] | undefined;
    let number: string | undefined;
    if (domain === SHARED_DOMAIN) {
      const match = /^(\d+)-([A-Za-z][A-Za-z0-9]*)$/.exec(username);
      tenant = TENANTS.find((t) => t.code === match?.[2]);
      number = match?.[1];
    } else {
      tenant = TENANTS.find((t) => t.domain === domain);
      number = username;
    }
    const extension = EXTENSIONS.find((e) => e.tenantId === tenant?.id && e.number === number);
    if (extension === undefined) return undefined;
    const account: SipAccount = { tenantId: extension.tenantId, extensionId: extension.extensionId, number: extension.number, username, password: extension.password };
    return account;
  },
};

export const domainPolicy: SipDomainPolicy = {
  async realmFor(domain) {
    return domain === SHARED_DOMAIN || domain === ACME_DOMAIN || domain === PBX.address ? REALM : undefined;
  },
};

export interface RigOptions {
  readonly clock?: FakeClock;
  readonly store?: BindingStore;
  readonly ban?: AuthBan;
  readonly registrar?: Partial<RegistrarOptions>;
  readonly nonceLifetimeMs?: number;
  /** Another account directory than the fixed one above. */
  readonly accounts?: SipAccountDirectory;
  /** Refuse digest uris other than the Request-URI (DigestAuthenticatorOptions.strictUri). */
  readonly strictUri?: boolean;
}

export interface Rig {
  readonly clock: FakeClock;
  readonly fake: FakeTransport;
  readonly stack: SipStack;
  readonly store: BindingStore;
  readonly registrar: Registrar;
  readonly events: Array<{ event: keyof RegistrarListener; detail: unknown }>;
  /** What the stack sent, parsed. */
  sent(): SipMessage[];
  close(): Promise<void>;
}

export async function startRig(options: RigOptions = {}): Promise<Rig> {
  const clock = options.clock ?? new FakeClock();
  const fake = new FakeTransport(PBX);
  const store = options.store ?? new InMemoryBindingStore();
  const authenticator = new DigestAuthenticator({ secret: 'registrar tests: a secret of enough bytes', clock, nonceLifetimeMs: options.nonceLifetimeMs ?? 300_000, strictUri: options.strictUri ?? false });
  let registrar: Registrar | undefined;
  const stack = await SipStack.start(
    { transports: [(listener) => fake.attach(listener)], clock, logger: silentLogger, allow: ['REGISTER', 'OPTIONS'], userAgent: 'callgrid-test' },
    {
      onRequest(transaction, request, source) {
        if (request.method === 'REGISTER' && registrar !== undefined) void registrar.handleRegister(transaction, request, source);
        else stack.respond(transaction, 200, 'OK');
      },
      onFlowClosed(flowId) {
        void registrar?.flowClosed(flowId);
      },
    },
  );
  registrar = new Registrar(
    { stack, authenticator, accounts: options.accounts ?? directory, domains: domainPolicy, store, clock, logger: silentLogger, ...(options.ban ? { ban: options.ban } : {}) },
    { realm: REALM, nodeName: 'node-a', ...options.registrar },
  );
  const events: Rig['events'] = [];
  const record = (event: keyof RegistrarListener) => (...detail: unknown[]) => events.push({ event, detail: detail.length === 1 ? detail[0] : detail });
  registrar.addListener({
    bindingAdded: record('bindingAdded'),
    bindingRefreshed: record('bindingRefreshed'),
    bindingRemoved: record('bindingRemoved'),
    bindingExpired: record('bindingExpired'),
    authFailed: record('authFailed'),
  });
  const sent = (): SipMessage[] =>
    fake.sent.flatMap((packet) => {
      const parsed = parseMessage(packet.data);
      return parsed.ok ? [parsed.value] : [];
    });
  return {
    clock, fake, stack, store, registrar, events, sent,
    async close() {
      registrar?.stop();
      await stack.close();
    },
  };
}

/** Lets pending promise chains (the registrar's store calls) run; bounded, never waits on real time. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

export interface PhoneOptions {
  readonly username: string;
  readonly password: string;
  /** The AOR's domain and the Request-URI's. Default the shared domain. */
  readonly domain?: string;
  readonly source?: Endpoint;
  readonly contact?: string;
  readonly callId?: string;
}

export interface SendOptions {
  /** Contact header values; default the phone's one contact. Empty: a query. */
  readonly contacts?: readonly string[];
  readonly expires?: number | string;
  /** Answer the last challenge (default when one is known). */
  readonly authorize?: boolean;
  readonly password?: string;
  /** The AOR user in To (default the username). */
  readonly toUser?: string;
  readonly cseq?: number;
  /** The digest uri directive (default the Request-URI), e.g. SIPp's default sip:<server ip>:<port>. */
  readonly digestUri?: string;
  /** Rewrites the Authorization value before it is sent (broken answers). */
  readonly mangle?: (authorization: string) => string;
}

interface Challenge {
  readonly realm: string;
  readonly nonce: string;
  readonly opaque: string | undefined;
}

/** A phone on the FakeTransport: REGISTERs with one Call-ID and rising CSeq (§10.2.4), digest answered by hand. */
export class FakePhone {
  readonly callId: string;
  readonly source: Endpoint;
  readonly contact: string;
  readonly domain: string;
  cseq = 0;
  challenge: Challenge | undefined;
  private nc = 0;

  constructor(private readonly rig: Rig, readonly options: PhoneOptions) {
    this.domain = options.domain ?? SHARED_DOMAIN;
    this.source = options.source ?? { protocol: 'udp', address: '192.0.2.20', port: 5062 };
    this.contact = options.contact ?? `<sip:${options.username.split('@')[0]}@${this.source.address}:${this.source.port}>`;
    this.callId = options.callId ?? `${randomBytes(6).toString('hex')}@phone`;
  }

  /** One REGISTER and its final answer. */
  async send(options: SendOptions = {}): Promise<SipResponse> {
    this.cseq = options.cseq ?? this.cseq + 1;
    const uri = `sip:${this.domain}`;
    const lines = [
      `REGISTER ${uri} SIP/2.0`,
      `Via: SIP/2.0/${this.source.protocol.toUpperCase()} ${this.source.address}:${this.source.port};branch=z9hG4bK${randomBytes(6).toString('hex')};rport`,
      'Max-Forwards: 70',
      `From: <sip:${options.toUser ?? this.options.username}@${this.domain}>;tag=ph${this.callId.slice(0, 6)}`,
      `To: <sip:${options.toUser ?? this.options.username}@${this.domain}>`,
      `Call-ID: ${this.callId}`,
      `CSeq: ${this.cseq} REGISTER`,
      'User-Agent: FakePhone/1.0',
      ...(options.contacts ?? [this.contact]).map((contact) => `Contact: ${contact}`),
      ...(options.expires === undefined ? [] : [`Expires: ${options.expires}`]),
    ];
    if ((options.authorize ?? true) && this.challenge !== undefined) {
      const authorization = this.answer(this.challenge, options.digestUri ?? uri, options.password ?? this.options.password);
      lines.push(`Authorization: ${options.mangle?.(authorization) ?? authorization}`);
    }
    const before = this.rig.fake.sent.length;
    this.rig.fake.inject([...lines, 'Content-Length: 0', '', ''].join('\r\n'), this.source);
    return this.await(before);
  }

  /** REGISTER as a phone does: with credentials when it has a challenge, and once more after a 401. */
  async register(options: SendOptions = {}): Promise<SipResponse> {
    const first = await this.send(options);
    if (first.status !== 401) return first;
    this.learn(first);
    return this.send(options);
  }

  /** Takes the MD5 challenge of a 401 for the next answers. */
  learn(response: SipResponse): void {
    const value = response.headers.getAll('www-authenticate').find((v) => /algorithm=MD5\b/i.test(v)) ?? '';
    const field = (name: string): string | undefined => new RegExp(`${name}="([^"]*)"`).exec(value)?.[1];
    const realm = field('realm');
    const nonce = field('nonce');
    if (realm === undefined || nonce === undefined) throw new Error(`no MD5 challenge in: ${value}`);
    this.challenge = { realm, nonce, opaque: field('opaque') };
    this.nc = 0;
  }

  /** RFC 2617 §3.2.2.1 with qop=auth, computed here with node:crypto. */
  private answer(challenge: Challenge, uri: string, password: string): string {
    const md5 = (text: string): string => createHash('md5').update(text).digest('hex');
    const nc = (++this.nc).toString(16).padStart(8, '0');
    const cnonce = randomBytes(4).toString('hex');
    const ha1 = md5(`${this.options.username}:${challenge.realm}:${password}`);
    const ha2 = md5(`REGISTER:${uri}`);
    const response = md5(`${ha1}:${challenge.nonce}:${nc}:${cnonce}:auth:${ha2}`);
    const opaque = challenge.opaque === undefined ? '' : `, opaque="${challenge.opaque}"`;
    return `Digest username="${this.options.username}", realm="${challenge.realm}", nonce="${challenge.nonce}", uri="${uri}", response="${response}", algorithm=MD5, qop=auth, nc=${nc}, cnonce="${cnonce}"${opaque}`;
  }

  private async await(before: number): Promise<SipResponse> {
    for (let i = 0; i < 200; i++) {
      const found = this.rig.sent().slice(before).find((m): m is SipResponse =>
        m.type === 'response' && m.status >= 200 && m.headers.get('call-id') === this.callId && m.headers.get('cseq') === `${this.cseq} REGISTER`);
      if (found !== undefined) return found;
      await new Promise((resolve) => setImmediate(resolve));
    }
    throw new Error(`no final answer to REGISTER CSeq ${this.cseq}`);
  }
}

/** The Contact values of a 200, as sent. */
export const contactsOf = (response: SipResponse): string[] => response.headers.getAll('contact');

/** A UAS answer to a request the stack sent (a phone answering OPTIONS). */
export function answerText(request: SipMessage, status: number, reason: string): string {
  const h = request.headers;
  return [
    `SIP/2.0 ${status} ${reason}`,
    ...h.getAll('via').map((v) => `Via: ${v}`),
    `From: ${h.get('from') ?? ''}`,
    `To: ${h.get('to') ?? ''};tag=phone1`,
    `Call-ID: ${h.get('call-id') ?? ''}`,
    `CSeq: ${h.get('cseq') ?? ''}`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}
