// SIP MESSAGE between a tenant's extensions (RFC 3428): the sender is authenticated as calls are (407), the
// Request-URI's number is looked up in the sender's tenant only, and the message is forked to every registered
// contact of that extension. A phone that is offline gets it when it registers again (until it expires); is-composing
// indications (RFC 3994) are passed on or dropped, never kept. PbxNode routes out-of-dialog MESSAGEs here. A MESSAGE from
// a carrier's address (once trunks are attached) is an SMS to a DID instead: inbound/trunk-message.ts.
import type { CancelTimer, Clock, Logger } from '../../shared/index.ts';
import type { InboundSource, ServerTransaction, SipRequest, SipStack } from '../../sip/index.ts';
import { authenticatePhone, phoneRequestParties, type Binding, type PhoneAuthDeps, type RegistrarListener } from '../registrar/index.ts';
import { receiveFromTrunk, type TrunkMessaging } from './inbound/trunk-message.ts';
import { deliver, type OutgoingMessage } from './message-delivery.ts';
import { isComposing, mediaType, messagingLimits, type MessagingLimits } from './message-policy.ts';
import type { MessageStore, MessagingDirectory } from './ports.ts';
import { SenderRate } from './sender-rate.ts';

/** The sender's digest check (PhoneAuthDeps, as for calls) and what messaging needs beyond it. */
export interface MessagingDeps extends PhoneAuthDeps {
  readonly stack: SipStack;
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

/** A text the PBX sends to a tenant's extension (Messaging.sendFromPbx). */
export interface PbxMessageOrder {
  readonly tenantId: number;
  /** The extension's number, in `tenantId` only. */
  readonly toExtension: string;
  /** Shown as the From (sip:<fromNumber>@domain) and its display name. */
  readonly fromNumber: string;
  readonly fromName: string;
  readonly text: string;
}

/** delivered: a contact took it; kept: waiting for the phone to register; refused: never will be, and why. */
export type PbxMessageOutcome = { readonly kind: 'delivered' } | { readonly kind: 'kept' } | { readonly kind: 'refused'; readonly reason: string };

/** The port through which the rest of the application sends texts to extensions (Messaging fits it). */
export interface ExtensionMessenger {
  sendFromPbx(order: PbxMessageOrder): Promise<PbxMessageOutcome>;
}

/** How one message fared; `failed` carries the SIP answer (status undefined: no contact was online, 480). */
type RelayOutcome =
  | { readonly kind: 'delivered' }
  | { readonly kind: 'kept'; readonly id: number }
  | { readonly kind: 'failed'; readonly status: number | undefined; readonly reason: string };

const UNAVAILABLE: RelayOutcome = { kind: 'failed', status: undefined, reason: 'Temporarily Unavailable' };

export class Messaging implements RegistrarListener, ExtensionMessenger {
  private readonly limits: MessagingLimits;
  private readonly rate: SenderRate;
  /** Extensions whose kept messages are being sent, and whether another REGISTER asked again meanwhile. */
  private readonly delivering = new Map<string, boolean>();
  /** When each extension's kept messages were last looked for on a refresh (REFRESH_CHECK_MS), by `tenant/extension`. */
  private readonly lastRefreshCheck = new Map<string, number>();
  private cancelPurge: CancelTimer | undefined;
  private detach: (() => void) | undefined;
  /** Carriers whose MESSAGEs are SMS to DIDs (main.ts attaches them); none = every MESSAGE is a phone's. */
  private trunks: TrunkMessaging | undefined;

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

  /** MESSAGEs from a carrier's address become inbound SMS on the tenants' DIDs (undefined: no longer). */
  attachTrunks(trunks: TrunkMessaging | undefined): void {
    this.trunks = trunks;
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
    // Looked at now, so this phone's refreshes in the next minute need not look again (one query per new phone, not two).
    this.noteCheck(binding, this.deps.clock.now().getTime());
    this.online(binding);
  }

  bindingRefreshed(binding: Binding): void {
    // A phone that comes back gets a new binding (bindingAdded, always looked at). A refresh only catches a message
    // kept while its phone did not answer, so looking once a minute is enough, and a REGISTER storm costs no query.
    const key = `${binding.tenantId}/${binding.extensionId}`;
    const now = this.deps.clock.now().getTime();
    if (now - (this.lastRefreshCheck.get(key) ?? -Infinity) < REFRESH_CHECK_MS) return;
    this.noteCheck(binding, now);
    this.online(binding);
  }

  private noteCheck(binding: Binding, now: number): void {
    if (this.lastRefreshCheck.size >= REFRESH_CHECK_ENTRIES) this.lastRefreshCheck.clear();
    this.lastRefreshCheck.set(`${binding.tenantId}/${binding.extensionId}`, now);
  }

  private async receive(request: SipRequest, source: InboundSource, respond: Respond): Promise<void> {
    const { deps } = this;
    if (deps.ban?.isBanned(source.endpoint.address)) return respond(403, 'Forbidden');
    // A carrier is known by where it sends from, as for its INVITEs; it has no account to answer a digest with.
    const carrier = this.trunks === undefined ? undefined : await this.trunks.carriers.carrierAt(source.endpoint);
    if (carrier !== undefined && this.trunks !== undefined) return receiveFromTrunk(this.trunks, carrier.providerId, request, respond, this.limits, deps.logger);
    const parties = phoneRequestParties(request);
    if (!parties.ok) return respond(parties.error.status, parties.error.reason);
    const { requestUri } = parties.value;
    const auth = await authenticatePhone(request, parties.value, source.endpoint.address, deps, this.options.realm);
    if (!auth.ok) return respond(auth.error.status, auth.error.reason, auth.error.headers);
    const sender = auth.value;

    const type = mediaType(request.headers.get('content-type'));
    if (request.body.length === 0) return respond(400, 'Missing Message Body');
    if (type === undefined) return respond(400, 'Bad Content-Type');
    // RFC 3428 §7: a message too large to relay is refused with 513.
    if (request.body.length > this.limits.maxBodyBytes) return respond(513, 'Message Too Large');
    if (!this.rate.take(sender.tenantId, sender.extensionId)) return respond(503, 'Too Many Messages', [['Retry-After', String(this.rate.retryAfter())]]);

    // The number is one of the sender's own tenant, never another's: 101 means this tenant's 101.
    const number = safeDecode(requestUri.user);
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
    const outcome = await this.relay(sender.tenantId, target.extensionId, message, isComposing(type));
    if (outcome.kind === 'delivered') return respond(200, 'OK');
    if (outcome.kind === 'kept') return respond(202, 'Accepted');
    return outcome.status === undefined ? respond(480, outcome.reason) : respond(outcome.status, outcome.reason);
  }

  /**
   * A text the PBX itself sends to one of a tenant's extensions (the SMS reqtype to an own extension): delivered as
   * a phone's MESSAGE is (forked to the contacts, kept for an offline phone, same limits and expiry), From being
   * `fromNumber`/`fromName`. The number is looked up in `tenantId` only. Never throws for a refused message.
   */
  async sendFromPbx(order: PbxMessageOrder): Promise<PbxMessageOutcome> {
    const body = Buffer.from(order.text, 'utf8');
    if (body.length === 0) return { kind: 'refused', reason: 'the text is empty' };
    if (body.length > this.limits.maxBodyBytes) return { kind: 'refused', reason: `the text takes ${body.length} bytes, over the limit of ${this.limits.maxBodyBytes}` };
    const target = await this.deps.directory.findExtension(order.tenantId, order.toExtension);
    if (target === undefined) return { kind: 'refused', reason: `extension ${order.toExtension} not found` };
    const message: OutgoingMessage = {
      // An alphanumeric sender (SMS allows "ACME Ltd") goes in the From URI's user part, where a space must be escaped.
      fromNumber: order.fromNumber.replace(/[^A-Za-z0-9+\-_.!~*'()]/g, (c) => encodeURIComponent(c)),
      fromName: order.fromName,
      toNumber: target.number,
      contentType: 'text/plain;charset=UTF-8',
      body,
    };
    const outcome = await this.relay(order.tenantId, target.extensionId, message, false);
    if (outcome.kind === 'delivered' || outcome.kind === 'kept') return { kind: outcome.kind };
    return { kind: 'refused', reason: outcome.status === undefined ? outcome.reason : `${outcome.status} ${outcome.reason}` };
  }

  /**
   * Forks the message to the extension's contacts, keeping it when none takes it (an is-composing indication is
   * never kept). Shared by phones' MESSAGEs and the PBX's own texts so both are delivered the same way.
   */
  private async relay(tenantId: number, extensionId: number, message: OutgoingMessage, composing: boolean): Promise<RelayOutcome> {
    const { deps } = this;
    const contacts = await deps.directory.contacts(tenantId, extensionId);
    if (contacts.length === 0) return composing ? UNAVAILABLE : this.keep(tenantId, extensionId, message);
    const delivery = deliver(deps.stack, deps.clock, contacts, message, this.limits.answerTimeoutMs);
    const first = await delivery.first;
    if (first.kind === 'delivered') return { kind: 'delivered' };
    if (first.kind === 'refused') return { kind: 'failed', status: first.status, reason: first.reason };
    if (composing) return UNAVAILABLE;
    const kept = await this.keep(tenantId, extensionId, message);
    // A phone that answered after we stopped waiting took it after all: it must not get it twice. The sender has
    // its answer already, so this runs on (until Timer F) without holding it.
    if (kept.kind === 'kept') this.markIfTakenLate(delivery, tenantId, kept.id);
    return kept;
  }

  /**
   * Keeps the message for later (the sender hears 202 Accepted, RFC 3428 §7: accepted, not yet delivered), or
   * refuses it (480) when the tenant's store is full.
   */
  private async keep(tenantId: number, extensionId: number, message: OutgoingMessage): Promise<RelayOutcome> {
    const now = this.deps.clock.now();
    const kept = await this.deps.store.add(
      tenantId,
      { ...message, toExtensionId: extensionId, createdAt: now, expiresAt: new Date(now.getTime() + this.limits.expirySeconds * 1000) },
      this.limits.maxStoredPerTenant,
      now,
    );
    if (kept === undefined) {
      this.deps.logger.warn({ tenantId }, 'messaging: the tenant holds too many waiting messages; one refused');
      return { kind: 'failed', status: 480, reason: 'Message Store Full' };
    }
    return { kind: 'kept', id: kept.id };
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

  /** A phone that answers after we stopped waiting took the kept message after all: it must not get it twice. */
  private markIfTakenLate(delivery: { readonly eventually: Promise<boolean> }, tenantId: number, id: number): void {
    const { deps } = this;
    delivery.eventually
      .then((taken) => (taken ? deps.store.markDelivered(tenantId, id, deps.clock.now()) : false))
      .catch((error: unknown) => deps.logger.error({ err: error }, 'messaging: marking a late delivery failed'));
  }

  /** Sends the kept messages in order, one at a time; stops at the first the phone does not take. */
  private async deliverKept(tenantId: number, extensionId: number): Promise<void> {
    const { deps } = this;
    for (;;) {
      const batch = await deps.store.pending(tenantId, extensionId, deps.clock.now(), this.limits.deliverBatch);
      if (batch.length === 0) return;
      // The phone's contacts once per batch: one that went away meanwhile just does not answer.
      const contacts = await deps.directory.contacts(tenantId, extensionId);
      if (contacts.length === 0) return;
      for (const kept of batch) {
        const delivery = deliver(deps.stack, deps.clock, contacts, { ...kept, date: kept.createdAt }, this.limits.answerTimeoutMs);
        const first = await delivery.first;
        if (first.kind === 'delivered' || first.kind === 'refused') {
          // A phone that refuses a kept message (415, 488...) will refuse it next time too: it is done with.
          await deps.store.markDelivered(tenantId, kept.id, deps.clock.now());
          continue;
        }
        this.markIfTakenLate(delivery, tenantId, kept.id);
        return;
      }
      if (batch.length < this.limits.deliverBatch) return;
    }
  }
}

/** How often a binding's refresh looks for kept messages; the entries remembered for it at most. */
const REFRESH_CHECK_MS = 60_000;
const REFRESH_CHECK_ENTRIES = 100_000;

function safeDecode(user: string): string | undefined {
  try {
    return decodeURIComponent(user);
  } catch {
    return undefined;
  }
}
