// SIP MESSAGE between a tenant's extensions (RFC 3428): the sender is authenticated as calls are (407), the
// Request-URI's number is looked up in the sender's tenant only, and the message is forked to every registered
// contact of that extension. A phone that is offline gets it when it registers again (until it expires); is-composing
// indications (RFC 3994) are passed on or dropped, never kept. PbxNode routes out-of-dialog MESSAGEs here.
import type { CancelTimer, Clock, Logger } from '../../shared/index.ts';
import { parseNameAddr, parseUri, type DigestAuthenticator, type InboundSource, type ServerTransaction, type SipRequest, type SipStack } from '../../sip/index.ts';
import { authenticateDigest, type AuthBan, type Binding, type RegistrarListener, type SipAccountDirectory, type SipDomainPolicy } from '../registrar/index.ts';
import { deliver, type OutgoingMessage } from './message-delivery.ts';
import { isComposing, mediaType, messagingLimits, type MessagingLimits } from './message-policy.ts';
import type { MessageStore, MessagingDirectory } from './ports.ts';
import { SenderRate } from './sender-rate.ts';

export interface MessagingDeps {
  readonly stack: SipStack;
  readonly authenticator: DigestAuthenticator;
  readonly accounts: SipAccountDirectory;
  readonly domains: SipDomainPolicy;
  readonly ban?: AuthBan;
  readonly directory: MessagingDirectory;
  readonly store: MessageStore;
  readonly clock: Clock;
  readonly logger: Logger;
}

export interface MessagingOptions {
  readonly realm: string;
  /** Only phones that registered on this node are sent kept messages from here: it holds their flows. */
  readonly nodeName: string;
  readonly limits?: Partial<MessagingLimits>;
}

type Respond = (status: number, reason: string, headers?: Array<[string, string]>) => void;

export class Messaging implements RegistrarListener {
  private readonly limits: MessagingLimits;
  private readonly rate: SenderRate;
  /** Extensions whose kept messages are being sent, and whether another REGISTER asked again meanwhile. */
  private readonly delivering = new Map<string, boolean>();
  private cancelPurge: CancelTimer | undefined;
  private detach: (() => void) | undefined;

  constructor(private readonly deps: MessagingDeps, private readonly options: MessagingOptions) {
    this.limits = messagingLimits(options.limits);
    this.rate = new SenderRate(deps.clock, this.limits.burst, this.limits.ratePerSecond);
  }

  /** Follows the registrar (a phone back online gets what waits for it) and purges old messages periodically. */
  start(registrar: { addListener(listener: RegistrarListener): () => void }): void {
    this.detach ??= registrar.addListener(this);
    if (this.cancelPurge !== undefined) return;
    const tick = (): void => {
      this.cancelPurge = this.deps.clock.setTimer(this.limits.purgeIntervalMs, tick);
      this.deps.store.purge(this.deps.clock.now()).catch((error: unknown) => this.deps.logger.error({ err: error }, 'messaging: purge failed'));
    };
    this.cancelPurge = this.deps.clock.setTimer(this.limits.purgeIntervalMs, tick);
  }

  stop(): void {
    this.detach?.();
    this.detach = undefined;
    this.cancelPurge?.();
    this.cancelPurge = undefined;
  }

  /** An out-of-dialog MESSAGE. Never throws: a failure is answered 500. */
  handleMessage(transaction: ServerTransaction, request: SipRequest, source: InboundSource): void {
    const respond: Respond = (status, reason, headers) => void this.deps.stack.respond(transaction, status, reason, headers);
    this.receive(request, source, respond).catch((error: unknown) => {
      this.deps.logger.error({ err: error }, 'messaging: MESSAGE failed');
      respond(500, 'Server Internal Error');
    });
  }

  bindingAdded(binding: Binding): void {
    this.online(binding);
  }

  bindingRefreshed(binding: Binding): void {
    this.online(binding);
  }

  private async receive(request: SipRequest, source: InboundSource, respond: Respond): Promise<void> {
    const { deps } = this;
    if (deps.ban?.isBanned(source.endpoint.address)) return respond(403, 'Forbidden');
    const requestUri = parseUri(request.uri);
    const from = parseNameAddr(request.headers.get('from') ?? '');
    const fromUri = from.ok ? parseUri(from.value.uri) : undefined;
    if (!requestUri.ok || requestUri.value.user === undefined) return respond(404, 'Not Found');
    if (fromUri === undefined || !fromUri.ok) return respond(400, 'Bad From Header');
    const realm = (await deps.domains.realmFor(requestUri.value.host)) ?? this.options.realm;
    const auth = await authenticateDigest(request, { authenticator: deps.authenticator, accounts: deps.accounts, realm, domain: fromUri.value.host, header: 'proxy-authorization', source: source.endpoint.address });
    // Nonces are bound to the address they were sent to, as for calls and SUBSCRIBE (register-auth.ts).
    const challenge = (stale: boolean): Array<[string, string]> => deps.authenticator.challenge(realm, { stale, source: source.endpoint.address }).map((value) => ['Proxy-Authenticate', value]);
    if (auth.kind === 'challenge') return respond(407, 'Proxy Authentication Required', challenge(auth.stale));
    if (auth.kind === 'failed') {
      deps.ban?.recordFailure(source.endpoint.address);
      return auth.reason === 'malformed' ? respond(400, auth.phrase) : respond(407, 'Proxy Authentication Required', challenge(false));
    }
    const sender = auth.account;

    const type = mediaType(request.headers.get('content-type'));
    if (request.body.length === 0) return respond(400, 'Missing Message Body');
    if (type === undefined) return respond(400, 'Bad Content-Type');
    // RFC 3428 §7: a message too large to relay is refused with 513.
    if (request.body.length > this.limits.maxBodyBytes) return respond(513, 'Message Too Large');
    if (!this.rate.take(sender.tenantId, sender.extensionId)) return respond(503, 'Too Many Messages', [['Retry-After', String(this.rate.retryAfter())]]);

    // The number is one of the sender's own tenant, never another's: 101 means this tenant's 101.
    const number = safeDecode(requestUri.value.user);
    const target = number === undefined ? undefined : await deps.directory.findExtension(sender.tenantId, number);
    if (target === undefined) return respond(404, 'Not Found');
    const me = await deps.directory.extensionById(sender.tenantId, sender.extensionId);
    const message: OutgoingMessage = {
      fromNumber: sender.number,
      fromName: me?.name ?? '',
      toNumber: target.number,
      // The whole value, parameters (charset) included: the phone needs them to show the text.
      contentType: request.headers.get('content-type') ?? type,
      body: request.body,
    };
    const contacts = await deps.directory.contacts(sender.tenantId, target.extensionId);
    const composing = isComposing(type);
    if (contacts.length === 0) {
      if (composing) respond(480, 'Temporarily Unavailable');
      else await this.keep(sender.tenantId, target.extensionId, message, respond);
      return;
    }

    const delivery = deliver(deps.stack, deps.clock, contacts, message, this.limits.answerTimeoutMs);
    const first = await delivery.first;
    if (first.kind === 'delivered') return respond(200, 'OK');
    if (first.kind === 'refused') return respond(first.status, first.reason);
    if (composing) return respond(480, 'Temporarily Unavailable');
    const kept = await this.keep(sender.tenantId, target.extensionId, message, respond);
    // A phone that answered after we stopped waiting took it after all: it must not get it twice.
    if (kept !== undefined && (await delivery.eventually)) await deps.store.markDelivered(sender.tenantId, kept, deps.clock.now());
  }

  /**
   * Keeps the message for later and answers 202 Accepted (RFC 3428 §7: accepted, not yet delivered), or 480 when
   * the tenant's store is full. The kept message's id, or undefined.
   */
  private async keep(tenantId: number, extensionId: number, message: OutgoingMessage, respond: Respond): Promise<number | undefined> {
    const now = this.deps.clock.now();
    const kept = await this.deps.store.add(
      tenantId,
      { ...message, toExtensionId: extensionId, createdAt: now, expiresAt: new Date(now.getTime() + this.limits.expirySeconds * 1000) },
      this.limits.maxStoredPerTenant,
      now,
    );
    if (kept === undefined) {
      this.deps.logger.warn({ tenantId }, 'messaging: the tenant holds too many waiting messages; one refused');
      respond(480, 'Message Store Full');
      return undefined;
    }
    respond(202, 'Accepted');
    return kept.id;
  }

  private online(binding: Binding): void {
    if (binding.node !== this.options.nodeName) return;
    const key = `${binding.tenantId}/${binding.extensionId}`;
    // One round per extension at a time, so two quick REGISTERs do not send the same messages twice.
    if (this.delivering.has(key)) return void this.delivering.set(key, true);
    this.delivering.set(key, false);
    const round = async (): Promise<void> => {
      do {
        this.delivering.set(key, false);
        await this.deliverKept(binding.tenantId, binding.extensionId);
      } while (this.delivering.get(key) === true);
    };
    round()
      .catch((error: unknown) => this.deps.logger.error({ err: error }, 'messaging: delivering kept messages failed'))
      .finally(() => this.delivering.delete(key));
  }

  /** Sends the kept messages in order, one at a time; stops at the first the phone does not take. */
  private async deliverKept(tenantId: number, extensionId: number): Promise<void> {
    const { deps } = this;
    for (;;) {
      const batch = await deps.store.pending(tenantId, extensionId, deps.clock.now(), this.limits.deliverBatch);
      if (batch.length === 0) return;
      for (const kept of batch) {
        const contacts = await deps.directory.contacts(tenantId, extensionId);
        if (contacts.length === 0) return;
        const delivery = deliver(deps.stack, deps.clock, contacts, { ...kept, date: kept.createdAt }, this.limits.answerTimeoutMs);
        const first = await delivery.first;
        if (first.kind === 'delivered' || first.kind === 'refused') {
          // A phone that refuses a kept message (415, 488...) will refuse it next time too: it is done with.
          await deps.store.markDelivered(tenantId, kept.id, deps.clock.now());
          continue;
        }
        void delivery.eventually.then((taken) => (taken ? deps.store.markDelivered(tenantId, kept.id, deps.clock.now()) : false)).catch(() => undefined);
        return;
      }
      if (batch.length < this.limits.deliverBatch) return;
    }
  }
}

function safeDecode(user: string): string | undefined {
  try {
    return decodeURIComponent(user);
  } catch {
    return undefined;
  }
}
