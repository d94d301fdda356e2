// Test support for messaging: a real SipStack over FakeTransport on a FakeClock with the Registrar and Messaging
// behind it (routed as PbxNode routes them), messages kept in a real SQLite file, the registrar tests' two
// tenants (ACME 100 and 101, GLOBEX 100), and phones that REGISTER (the registrar tests' FakePhone) and send
// MESSAGEs answering the 407 challenge with node:crypto MD5, independently of the product's digest code.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock, silentLogger } from '../../shared/index.ts';
import { Dialog, DigestAuthenticator, FakeTransport, SipStack, parseMessage, type Endpoint, type SipMessage, type SipRequest, type SipResponse } from '../../sip/index.ts';
import { openStore, type Store } from '../../store/index.ts';
import type { ExtensionTarget } from '../calls/call-ports.ts';
import { InMemoryBindingStore, Registrar } from '../registrar/index.ts';
import { PBX, REALM, SHARED_DOMAIN, directory as accounts, domainPolicy, type Rig as RegistrarRig } from '../registrar/registrar-rig.test-support.ts';
import type { MessagingLimits } from './message-policy.ts';
import { Messaging } from './messaging.ts';
import type { MessagingDirectory } from './ports.ts';
import { StoreMessageStore } from './store-message-store.ts';

export { FakePhone } from '../registrar/registrar-rig.test-support.ts';
export { SHARED_DOMAIN };

/** The registrar rig's extensions, with names (the From's display name). */
const EXTENSIONS = [
  { tenantId: 1, extensionId: 11, number: '100', name: 'Reception' },
  { tenantId: 1, extensionId: 12, number: '101', name: 'Sales' },
  { tenantId: 2, extensionId: 21, number: '100', name: 'Globex desk' },
];

export interface Rig extends RegistrarRig {
  readonly messages: Store;
  readonly messaging: Messaging;
}

export async function startRig(limits: Partial<MessagingLimits> = {}): Promise<Rig> {
  const clock = new FakeClock('2026-12-05T12:00:00Z');
  const fake = new FakeTransport(PBX);
  const bindings = new InMemoryBindingStore();
  const dir = mkdtempSync(join(tmpdir(), 'callgrid-messaging-'));
  const store = openStore(join(dir, 'messages.sqlite'));
  await store.migrate();
  // Tenant ids 1 and 2, as the account directory names them.
  await store.tenants.create({ te_code: 'ACME', te_name: 'Acme' }, '2026-12-01 00:00:00');
  await store.tenants.create({ te_code: 'GLOBEX', te_name: 'Globex' }, '2026-12-01 00:00:00');
  const target = (e: (typeof EXTENSIONS)[number]): ExtensionTarget => ({ tenantId: e.tenantId, extensionId: e.extensionId, number: e.number, account: `${e.number}-x`, name: e.name, dnd: false, ringSeconds: undefined });
  const extensions: MessagingDirectory = {
    async findExtension(tenantId, number) {
      const e = EXTENSIONS.find((x) => x.tenantId === tenantId && x.number === number);
      return e === undefined ? undefined : target(e);
    },
    async extensionById(tenantId, extensionId) {
      const e = EXTENSIONS.find((x) => x.tenantId === tenantId && x.extensionId === extensionId);
      return e === undefined ? undefined : target(e);
    },
    async contacts(tenantId, extensionId) {
      return (await bindings.listForAccount(tenantId, extensionId)).filter((b) => b.expiresAt.getTime() > clock.now().getTime());
    },
  };
  const authenticator = new DigestAuthenticator({ secret: 'messaging tests: a secret of enough bytes', clock, algorithms: ['MD5'] });
  let registrar: Registrar | undefined;
  let messaging: Messaging | undefined;
  const stack = await SipStack.start(
    { transports: [(listener) => fake.attach(listener)], clock, logger: silentLogger, allow: ['REGISTER', 'OPTIONS', 'MESSAGE'], userAgent: 'callgrid-test' },
    {
      onRequest(transaction, request, source) {
        if (request.method === 'REGISTER' && registrar) void registrar.handleRegister(transaction, request, source);
        else if (request.method === 'MESSAGE' && messaging && Dialog.keyOfRequest(request) === undefined) messaging.handleMessage(transaction, request, source);
        else stack.respond(transaction, 481, 'Call/Transaction Does Not Exist');
      },
    },
  );
  registrar = new Registrar({ stack, authenticator, accounts, domains: domainPolicy, store: bindings, clock, logger: silentLogger }, { realm: REALM, nodeName: 'node-a' });
  messaging = new Messaging(
    { stack, authenticator, accounts, domains: domainPolicy, directory: extensions, store: new StoreMessageStore(store), clock, logger: silentLogger },
    { realm: REALM, nodeName: 'node-a', limits },
  );
  messaging.start(registrar);
  const sent = (): SipMessage[] => fake.sent.flatMap((p) => {
    const parsed = parseMessage(p.data);
    return parsed.ok ? [parsed.value] : [];
  });
  return {
    clock, fake, stack, store: bindings, registrar, events: [], sent, messages: store, messaging,
    async close() {
      messaging?.stop();
      registrar?.stop();
      await stack.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Lets pending promise chains (store calls, transactions) run; bounded, never waits on real time. */
export async function settle(rounds = 30): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** A phone that sends MESSAGEs as `username` (e.g. `100-ACME`) and answers the ones the PBX sends it. */
export class MessagePhone {
  readonly source: Endpoint;
  private challenge: { realm: string; nonce: string; opaque: string | undefined } | undefined;
  private nc = 0;

  constructor(private readonly rig: Rig, readonly username: string, readonly password: string, address = '192.0.2.40', port = 5080) {
    this.source = { protocol: 'udp', address, port };
  }

  /** One MESSAGE to `target` (answering a 407 once) and its final answer. */
  async send(target: string, body: string | Buffer, contentType = 'text/plain;charset=UTF-8'): Promise<SipResponse> {
    const first = await this.once(target, body, contentType);
    if (first.status !== 407) return first;
    this.learn(first);
    return this.once(target, body, contentType);
  }

  /** Gets the PBX's challenge (a MESSAGE without credentials, answered 407) so the next MESSAGEs carry an answer. */
  async prime(): Promise<SipResponse> {
    this.challenge = undefined;
    const response = await this.answer(this.start('0', 'prime').callId);
    if (response.status !== 407) throw new Error(`expected 407, got ${response.status}`);
    this.learn(response);
    return response;
  }

  /** Sends without waiting for the answer (the PBX may wait for the callee); `answer()` then finds it. */
  start(target: string, body: string | Buffer, contentType = 'text/plain;charset=UTF-8'): { callId: string } {
    const callId = `${randomBytes(6).toString('hex')}@sender`;
    const uri = `sip:${target}@${SHARED_DOMAIN}`;
    const payload = Buffer.isBuffer(body) ? body : Buffer.from(body);
    const lines = [
      `MESSAGE ${uri} SIP/2.0`,
      `Via: SIP/2.0/UDP ${this.source.address}:${this.source.port};branch=z9hG4bK${randomBytes(6).toString('hex')};rport`,
      'Max-Forwards: 70',
      `From: <sip:${this.username}@${SHARED_DOMAIN}>;tag=s${randomBytes(3).toString('hex')}`,
      `To: <${uri}>`,
      `Call-ID: ${callId}`,
      'CSeq: 1 MESSAGE',
      `Content-Type: ${contentType}`,
      ...(this.challenge === undefined ? [] : [`Proxy-Authorization: ${this.answerDigest(uri)}`]),
      `Content-Length: ${payload.length}`,
      '',
      '',
    ];
    this.rig.fake.inject(Buffer.concat([Buffer.from(lines.join('\r\n')), payload]), this.source);
    return { callId };
  }

  /** The final answer to the MESSAGE with this Call-ID, once there is one. */
  async answer(callId: string): Promise<SipResponse> {
    for (let i = 0; i < 300; i++) {
      const found = this.rig.sent().find((m): m is SipResponse => m.type === 'response' && m.status >= 200 && m.headers.get('call-id') === callId);
      if (found !== undefined) return found;
      await new Promise((resolve) => setImmediate(resolve));
    }
    throw new Error(`no final answer to MESSAGE ${callId}`);
  }

  private async once(target: string, body: string | Buffer, contentType: string): Promise<SipResponse> {
    return this.answer(this.start(target, body, contentType).callId);
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

  /** RFC 2617 §3.2.2.1 with qop=auth over method MESSAGE. */
  private answerDigest(uri: string): string {
    const challenge = this.challenge;
    if (challenge === undefined) throw new Error('no challenge');
    const md5 = (text: string): string => createHash('md5').update(text).digest('hex');
    const nc = (++this.nc).toString(16).padStart(8, '0');
    const cnonce = randomBytes(4).toString('hex');
    const ha1 = md5(`${this.username}:${challenge.realm}:${this.password}`);
    const response = md5(`${ha1}:${challenge.nonce}:${nc}:${cnonce}:auth:${md5(`MESSAGE:${uri}`)}`);
    const opaque = challenge.opaque === undefined ? '' : `, opaque="${challenge.opaque}"`;
    return `Digest username="${this.username}", realm="${challenge.realm}", nonce="${challenge.nonce}", uri="${uri}", response="${response}", algorithm=MD5, qop=auth, nc=${nc}, cnonce="${cnonce}"${opaque}`;
  }
}

/** MESSAGEs the PBX sent to `destination` since the last call for it, each answered with `status` (0: left unanswered). */
export class Inbox {
  private seen = 0;

  constructor(private readonly rig: Rig, readonly destination: Endpoint) {}

  async take(status = 200): Promise<SipRequest[]> {
    await settle();
    const found = this.rig.fake.sent
      .filter((p) => p.destination.address === this.destination.address && p.destination.port === this.destination.port)
      .flatMap((p) => {
        const parsed = parseMessage(p.data);
        return parsed.ok && parsed.value.type === 'request' && parsed.value.method === 'MESSAGE' ? [parsed.value] : [];
      });
    // A retransmission is the same request again: one per branch.
    const unique = found.filter((m, i) => found.findIndex((o) => o.headers.get('via') === m.headers.get('via')) === i);
    const fresh = unique.slice(this.seen);
    this.seen = unique.length;
    if (status > 0) for (const request of fresh) this.rig.fake.inject(answerTo(request, status), this.destination);
    await settle();
    return fresh;
  }
}

/** A UAS answer to a request the PBX sent. */
export function answerTo(request: SipRequest, status: number): string {
  const h = request.headers;
  return [
    `SIP/2.0 ${status} ${status === 200 ? 'OK' : 'Refused'}`,
    ...h.getAll('via').map((v) => `Via: ${v}`),
    `From: ${h.get('from') ?? ''}`,
    `To: ${h.get('to') ?? ''};tag=ph${randomBytes(3).toString('hex')}`,
    `Call-ID: ${h.get('call-id') ?? ''}`,
    `CSeq: ${h.get('cseq') ?? ''}`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}
