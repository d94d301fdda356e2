// Test support for presence: a real SipStack over FakeTransport on a FakeClock with Presence behind it, two tenants
// owning the same number 101 (ACME and GLOBEX), and a fake phone that SUBSCRIBEs and answers NOTIFYs, computing its
// digest answers with node:crypto MD5, independently of the product's digest code.
import { createHash, randomBytes } from 'node:crypto';
import { FakeClock, silentLogger } from '../../shared/index.ts';
import { DigestAuthenticator, FakeTransport, SipStack, parseMessage, type Endpoint, type SipMessage, type SipRequest, type SipResponse } from '../../sip/index.ts';
import { ChannelRegistry, type LiveChannel } from '../calls/channel-registry.ts';
import type { ExtensionTarget } from '../calls/call-ports.ts';
import { InMemoryBindingStore, type Binding, type SipAccountDirectory } from '../registrar/index.ts';
import { Presence } from './presence.ts';
import type { PresenceDirectory } from './ports.ts';

export const DOMAIN = 'pbx.example.com';
export const REALM = 'callgrid';
const PBX: Endpoint = { protocol: 'udp', address: '192.0.2.1', port: 5060 };
const TENANTS = [{ id: 1, code: 'ACME' }, { id: 2, code: 'GLOBEX' }];
const EXTENSIONS = [
  { tenantId: 1, extensionId: 11, number: '100', password: 'acme-100-pw' },
  { tenantId: 1, extensionId: 12, number: '101', password: 'acme-101-pw' },
  { tenantId: 2, extensionId: 21, number: '100', password: 'globex-100-pw' },
  { tenantId: 2, extensionId: 22, number: '101', password: 'globex-101-pw' },
];

const code = (tenantId: number) => TENANTS.find((t) => t.id === tenantId)?.code;
const target = (e: (typeof EXTENSIONS)[number]): ExtensionTarget => ({
  tenantId: e.tenantId, extensionId: e.extensionId, number: e.number, account: `${e.number}-${code(e.tenantId) ?? ''}`, name: `Ext ${e.number}`, dnd: false, ringSeconds: undefined,
});

const accounts: SipAccountDirectory = {
  async findByUsername(username, domain) {
    const match = /^(\d+)-([A-Z]+)$/.exec(username);
    const tenant = TENANTS.find((t) => t.code === match?.[2]);
    const e = EXTENSIONS.find((x) => x.tenantId === tenant?.id && x.number === match?.[1]);
    return domain !== DOMAIN || e === undefined ? undefined : { tenantId: e.tenantId, extensionId: e.extensionId, number: e.number, username, password: e.password };
  },
};

export interface Rig {
  readonly clock: FakeClock;
  readonly fake: FakeTransport;
  readonly stack: SipStack;
  readonly channels: ChannelRegistry;
  readonly bindings: InMemoryBindingStore;
  readonly presence: Presence;
  sent(): SipMessage[];
  /** Registers a (reachable) binding for the extension and tells the tracker, as the registrar would. */
  register(tenantId: number, extensionId: number): Promise<Binding>;
  close(): Promise<void>;
}

export async function startRig(): Promise<Rig> {
  const clock = new FakeClock('2026-11-27T10:00:00Z');
  const fake = new FakeTransport(PBX);
  const bindings = new InMemoryBindingStore();
  const channels = new ChannelRegistry();
  const directory: PresenceDirectory = {
    async findExtension(tenantId, number) {
      const e = EXTENSIONS.find((x) => x.tenantId === tenantId && x.number === number);
      return e === undefined ? undefined : target(e);
    },
    async extensionById(tenantId, extensionId) {
      const e = EXTENSIONS.find((x) => x.tenantId === tenantId && x.extensionId === extensionId);
      return e === undefined ? undefined : target(e);
    },
    async tenantCode(tenantId) {
      return code(tenantId);
    },
    async contacts(tenantId, extensionId) {
      return (await bindings.listForAccount(tenantId, extensionId)).filter((b) => b.expiresAt.getTime() > clock.now().getTime());
    },
  };
  const authenticator = new DigestAuthenticator({ secret: 'presence tests: a secret of enough bytes', clock, algorithms: ['MD5'] });
  let presence: Presence | undefined;
  const stack = await SipStack.start(
    { transports: [(listener) => fake.attach(listener)], clock, logger: silentLogger, allow: ['SUBSCRIBE', 'NOTIFY', 'OPTIONS'], userAgent: 'callgrid-test' },
    {
      onRequest(transaction, request, source) {
        if (request.method === 'SUBSCRIBE' && presence) presence.handleSubscribe(transaction, request, source);
        else stack.respond(transaction, 200, 'OK');
      },
    },
  );
  presence = new Presence({ stack, authenticator, accounts, domains: { realmFor: async () => REALM }, channels, directory, clock, logger: silentLogger }, { realm: REALM });
  presence.start({ registrar: { addListener: () => () => undefined } });
  const sent = (): SipMessage[] => fake.sent.flatMap((p) => {
    const parsed = parseMessage(p.data);
    return parsed.ok ? [parsed.value] : [];
  });
  return {
    clock, fake, stack, channels, bindings, presence, sent,
    async register(tenantId, extensionId) {
      const now = clock.now();
      const binding: Binding = {
        tenantId, extensionId, aor: `sip:x@${DOMAIN}`, username: 'x', contactUri: `sip:x@192.0.2.${extensionId}:5060`, contact: `<sip:x@192.0.2.${extensionId}:5060>`,
        expiresAt: new Date(now.getTime() + 3_600_000), callId: 'reg', cseq: 1, q: null, source: { protocol: 'udp', address: '192.0.2.99', port: 5060 },
        flowId: null, userAgent: null, node: 'node-a', registeredAt: now, lastRttMs: null, reachable: true,
      };
      await bindings.put(binding);
      presence?.tracker.bindingAdded(binding);
      await settle();
      return binding;
    },
    async close() {
      presence?.stop();
      await stack.close();
    },
  };
}

/** Lets pending promise chains run; bounded, never waits on real time. */
export async function settle(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

let seq = 0;
/** A channel of `tenantId`'s extension `number`, as the B2BUA registers them. */
export function channel(tenantId: number, number: string, direction: 'IN' | 'OUT', state: LiveChannel['state']): LiveChannel {
  seq += 1;
  const tenantCode = code(tenantId) ?? '';
  return {
    name: `PJSIP/${number}-${tenantCode}-${String(seq).padStart(8, '0')}`, tenantId, uniqueId: `node-a-1780000000.${seq}`, linkedId: `node-a-1780000000.${seq}`, node: 'node-a',
    direction, extension: number, account: `${number}-${tenantCode}`, callerIdNum: '200', callerIdName: 'Caller', connectedNum: '200', connectedName: 'Caller', exten: number,
    context: tenantCode, state, createdAt: new Date('2026-11-27T10:00:00Z'), answeredAt: undefined, bridgedTo: undefined, sipCallId: `call-${seq}@test`, originateId: '',
  };
}

export const noControl = { hangup: () => undefined, blindTransfer: async () => undefined };

/** A phone of the fake transport that subscribes with one Call-ID (one subscription dialog). */
export class Subscriber {
  readonly callId = `${randomBytes(6).toString('hex')}@phone`;
  readonly fromTag = `ph${randomBytes(3).toString('hex')}`;
  readonly source: Endpoint;
  cseq = 0;
  /** Our To tag once the notifier answered 200. */
  toTag: string | undefined;
  private challenge: { realm: string; nonce: string; opaque: string | undefined } | undefined;
  private nc = 0;
  private seen = 0;

  constructor(private readonly rig: Rig, readonly username: string, readonly password: string, port = 5070) {
    this.source = { protocol: 'udp', address: '192.0.2.30', port };
  }

  /** One SUBSCRIBE and its final answer. */
  async subscribe(target: string, options: { event?: string; expires?: number; authorize?: boolean; accept?: string } = {}): Promise<SipResponse> {
    this.cseq += 1;
    const uri = `sip:${target}@${DOMAIN}`;
    const lines = [
      `SUBSCRIBE ${uri} SIP/2.0`,
      `Via: SIP/2.0/UDP ${this.source.address}:${this.source.port};branch=z9hG4bK${randomBytes(6).toString('hex')};rport`,
      'Max-Forwards: 70',
      `From: <sip:${this.username}@${DOMAIN}>;tag=${this.fromTag}`,
      `To: <${uri}>${this.toTag === undefined ? '' : `;tag=${this.toTag}`}`,
      `Call-ID: ${this.callId}`,
      `CSeq: ${this.cseq} SUBSCRIBE`,
      `Contact: <sip:${this.username}@${this.source.address}:${this.source.port}>`,
      `Event: ${options.event ?? 'dialog'}`,
      ...(options.accept === undefined ? [] : [`Accept: ${options.accept}`]),
      ...(options.expires === undefined ? [] : [`Expires: ${options.expires}`]),
    ];
    if ((options.authorize ?? true) && this.challenge !== undefined) lines.push(`Proxy-Authorization: ${this.answer(uri)}`);
    const before = this.rig.fake.sent.length;
    this.rig.fake.inject([...lines, 'Content-Length: 0', '', ''].join('\r\n'), this.source);
    const response = await this.finalAnswer(before);
    if (response.status === 407) this.learn(response);
    if (response.status === 200) this.toTag ??= /;tag=([^;]+)/.exec(response.headers.get('to') ?? '')?.[1];
    return response;
  }

  /** NOTIFYs sent to this subscriber since the last call, each answered with `status` (default 200). */
  async notifies(status = 200): Promise<SipRequest[]> {
    await settle();
    const found = this.rig.sent().filter((m): m is SipRequest => m.type === 'request' && m.method === 'NOTIFY' && m.headers.get('call-id') === this.callId);
    const fresh = found.slice(this.seen);
    this.seen = found.length;
    for (const notify of fresh) this.rig.fake.inject(answer(notify, status), this.source);
    await settle();
    return fresh;
  }

  private learn(response: SipResponse): void {
    const value = response.headers.getAll('proxy-authenticate').find((v) => /algorithm=MD5\b/i.test(v)) ?? '';
    const field = (name: string): string | undefined => new RegExp(`${name}="([^"]*)"`).exec(value)?.[1];
    const realm = field('realm');
    const nonce = field('nonce');
    if (realm === undefined || nonce === undefined) throw new Error(`no MD5 challenge in: ${value}`);
    this.challenge = { realm, nonce, opaque: field('opaque') };
    this.nc = 0;
  }

  /** RFC 2617 §3.2.2.1 with qop=auth over method SUBSCRIBE. */
  private answer(uri: string): string {
    const challenge = this.challenge;
    if (challenge === undefined) throw new Error('no challenge');
    const md5 = (text: string): string => createHash('md5').update(text).digest('hex');
    const nc = (++this.nc).toString(16).padStart(8, '0');
    const cnonce = randomBytes(4).toString('hex');
    const ha1 = md5(`${this.username}:${challenge.realm}:${this.password}`);
    const response = md5(`${ha1}:${challenge.nonce}:${nc}:${cnonce}:auth:${md5(`SUBSCRIBE:${uri}`)}`);
    const opaque = challenge.opaque === undefined ? '' : `, opaque="${challenge.opaque}"`;
    return `Digest username="${this.username}", realm="${challenge.realm}", nonce="${challenge.nonce}", uri="${uri}", response="${response}", algorithm=MD5, qop=auth, nc=${nc}, cnonce="${cnonce}"${opaque}`;
  }

  private async finalAnswer(before: number): Promise<SipResponse> {
    for (let i = 0; i < 200; i++) {
      const found = this.rig.sent().slice(before).find((m): m is SipResponse => m.type === 'response' && m.status >= 200 && m.headers.get('cseq') === `${this.cseq} SUBSCRIBE` && m.headers.get('call-id') === this.callId);
      if (found !== undefined) return found;
      await new Promise((resolve) => setImmediate(resolve));
    }
    throw new Error(`no final answer to SUBSCRIBE CSeq ${this.cseq}`);
  }
}

/** The phone's answer to a request the notifier sent (its To already carries the phone's tag). */
function answer(request: SipRequest, status: number): string {
  const h = request.headers;
  return [
    `SIP/2.0 ${status} ${status === 200 ? 'OK' : 'Failed'}`,
    ...h.getAll('via').map((v) => `Via: ${v}`),
    `From: ${h.get('from') ?? ''}`,
    `To: ${h.get('to') ?? ''}`,
    `Call-ID: ${h.get('call-id') ?? ''}`,
    `CSeq: ${h.get('cseq') ?? ''}`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}
