// SUBSCRIBE as notifier (RFC 6665 §4.2): Event dialog (RFC 4235, BLF keys) and presence (RFC 3856), authenticated
// as calls are (407, RFC 3261 §22.3), for an extension or flow of the subscriber's own tenant; NOTIFYs on change.
import type { Logger } from '../../shared/index.ts';
import { Dialog, type ClientOutcome, type InboundSource, type ServerTransaction, type SipRequest, type SipStack } from '../../sip/index.ts';
import { localContact } from '../calls/local-contact.ts';
import { authenticatePhone, phoneRequestParties, type PhoneAuthDeps } from '../registrar/index.ts';
import type { DeviceSnapshot, DeviceStateTracker } from './device-state-tracker.ts';
import type { PresenceDirectory } from './ports.ts';
import { DIALOG_INFO_TYPE, PIDF_TYPE } from './presence-bodies.ts';
import { Subscription, type EventPackage, type SubscriptionHost } from './subscription.ts';
import type { SubscriptionJournal } from './subscription-journal.ts';

/** The subscriber's digest check (PhoneAuthDeps, as for calls) and what presence needs beyond it. */
export interface SubscriptionManagerDeps extends PhoneAuthDeps {
  readonly stack: SipStack;
  readonly directory: PresenceDirectory;
  readonly tracker: DeviceStateTracker;
  readonly clock: SubscriptionHost['clock'];
  readonly logger: Logger;
}

export interface SubscriptionLimits {
  /** Shorter non-zero Expires get 423 Interval Too Brief (§4.2.1.1). Default 60. */
  readonly minExpires: number;
  /** Longer ones are cut to this (§4.2.1.1 "MAY shorten"). Default 3600. */
  readonly maxExpires: number;
  /** Without Expires: RFC 4235 §3.2 and RFC 3856 §6.4 both default to 3600 s. */
  readonly defaultExpires: number;
}

export interface SubscriptionManagerOptions extends Partial<SubscriptionLimits> {
  readonly realm: string;
}

const PACKAGES: Readonly<Record<EventPackage, string>> = { dialog: DIALOG_INFO_TYPE, presence: PIDF_TYPE };
const ALLOW_EVENTS: [string, string] = ['Allow-Events', 'dialog, presence'];

export class SubscriptionManager {
  private readonly byDialog = new Map<string, Subscription>();
  private readonly byTarget = new Map<string, Set<Subscription>>();
  private readonly limits: SubscriptionLimits;
  private readonly host: SubscriptionHost;
  private stopTracking: (() => void) | undefined;
  /** Where active subscriptions are kept for a restart (none = not kept): subscription-journal.ts. */
  private journal: Pick<SubscriptionJournal, 'saved' | 'notified' | 'removed'> | undefined;

  constructor(private readonly deps: SubscriptionManagerDeps, private readonly options: SubscriptionManagerOptions) {
    this.limits = { minExpires: options.minExpires ?? 60, maxExpires: options.maxExpires ?? 3600, defaultExpires: options.defaultExpires ?? 3600 };
    this.host = {
      clock: deps.clock,
      send: (request, subscription) => this.send(request, subscription),
      ended: (subscription) => this.forget(subscription),
    };
  }

  /** Keeps the active subscriptions' dialogs in `journal`, so a node killed without warning can end them when it starts. */
  attachJournal(journal: Pick<SubscriptionJournal, 'saved' | 'notified' | 'removed'>): void {
    this.journal = journal;
  }

  start(): void {
    this.stopTracking ??= this.deps.tracker.onChange(
      (snapshot) => this.changed(snapshot),
      (tenantId, number) => this.byTarget.has(targetKey(tenantId, number)),
    );
  }

  /** Ends every subscription with Subscription-State: terminated;reason=deactivated (§4.1.3: resubscribe at once). */
  stop(): void {
    this.stopTracking?.();
    this.stopTracking = undefined;
    for (const subscription of [...this.byDialog.values()]) subscription.end('deactivated');
    // Their final NOTIFYs are out: the rows go now, not when each NOTIFY's transaction ends (the stack closes first).
    for (const subscription of this.byDialog.values()) this.journal?.removed(subscription);
  }

  get size(): number {
    return this.byDialog.size;
  }

  /** A SUBSCRIBE, new or within a subscription's dialog. Never throws: a failure is answered 500. */
  async handleSubscribe(transaction: ServerTransaction, request: SipRequest, source: InboundSource): Promise<void> {
    try {
      await this.subscribe(transaction, request, source);
    } catch (error) {
      this.deps.logger.error({ err: error }, 'presence: SUBSCRIBE failed');
      this.deps.stack.respond(transaction, 500, 'Server Internal Error');
    }
  }

  /** A connection closed (RFC 5626): NOTIFYs can no longer reach the subscribers that used it. */
  flowClosed(flowId: string): void {
    for (const subscription of [...this.byDialog.values()]) if (subscription.dialog.peer.flowId === flowId) subscription.drop();
  }

  private async subscribe(transaction: ServerTransaction, request: SipRequest, source: InboundSource): Promise<void> {
    const { stack } = this.deps;
    const respond = (status: number, reason: string, headers?: Array<[string, string]>) => void stack.respond(transaction, status, reason, headers);
    const eventHeader = (request.headers.get('event') ?? '').trim();
    const event = eventPackage(eventHeader);
    // §4.2.1.1: a package the notifier does not support "MUST" get 489 Bad Event, with Allow-Events.
    if (event === undefined) return respond(489, 'Bad Event', [ALLOW_EVENTS]);
    if (!accepts(request.headers.getAll('accept'), PACKAGES[event])) return respond(406, 'Not Acceptable', [['Accept', PACKAGES[event]]]);
    const expires = this.expiresOf(request);
    if (expires === 'malformed') return respond(400, 'Bad Expires');
    // §4.2.1.1: "the notifier MAY return a 423 (Interval Too Brief) error response ... Min-Expires".
    if (expires > 0 && expires < this.limits.minExpires) return respond(423, 'Interval Too Brief', [['Min-Expires', String(this.limits.minExpires)]]);

    const key = Dialog.keyOfRequest(request);
    if (key !== undefined) return this.refresh(transaction, request, key, event, expires);

    if (this.deps.ban?.isBanned(source.endpoint.address)) return respond(403, 'Forbidden');
    const parties = phoneRequestParties(request);
    if (!parties.ok) return respond(parties.error.status, parties.error.reason);
    const { requestUri } = parties.value;
    const auth = await authenticatePhone(request, parties.value, source.endpoint.address, this.deps, this.options.realm);
    if (!auth.ok) return respond(auth.error.status, auth.error.reason, auth.error.headers);

    // The target is a number of the subscriber's own tenant, never another's: 101 means this tenant's 101.
    const tenantId = auth.value.tenantId;
    const snapshot = await this.target(tenantId, decodeURIComponent(requestUri.user));
    if (snapshot === undefined) return respond(404, 'Not Found');

    const dialog = Dialog.fromIncomingInvite(request, stack.toTag(transaction), localContact(stack, source.endpoint.protocol, source.local), { endpoint: source.endpoint, flowId: source.flowId });
    if (!dialog.ok) return respond(400, 'Cannot Create Dialog', [['Warning', `399 callgrid "${dialog.error}"`]]);
    dialog.value.confirm();
    // §4.2.1.1: 2xx responses to SUBSCRIBE "MUST contain an Expires header field" and, as dialog creators, a Contact.
    respond(200, 'OK', [['Expires', String(expires)], ['Contact', dialog.value.localContact]]);
    const subscription = new Subscription({ dialog: dialog.value, event, eventHeader, tenantId, number: snapshot.number, domain: requestUri.host, snapshot }, this.host);
    this.remember(subscription);
    // Expires 0 outside a subscription is a fetch (§4.4.3 of RFC 6665 keeps it): one NOTIFY with the state, terminated.
    if (expires === 0) subscription.end('timeout');
    else {
      subscription.activate(expires);
      this.journal?.saved(subscription);
    }
  }

  private refresh(transaction: ServerTransaction, request: SipRequest, key: string, event: EventPackage, expires: number): void {
    const { stack } = this.deps;
    const subscription = this.byDialog.get(key);
    // §4.2.1.2: a refresh of a subscription the notifier does not know "MUST" get 481.
    if (subscription === undefined || subscription.ended || subscription.event !== event) return void stack.respond(transaction, 481, 'Subscription Does Not Exist');
    // RFC 3261 §12.2.2: "the request is out of order and MUST be rejected with a 500".
    if (!subscription.dialog.checkRemoteSeq(request)) return void stack.respond(transaction, 500, 'Server Internal Error');
    subscription.dialog.refreshTarget(request);
    stack.respond(transaction, 200, 'OK', [['Expires', String(expires)], ['Contact', subscription.dialog.localContact]]);
    // §4.2.1.4 unsubscribing (Expires: 0): the final NOTIFY says terminated.
    if (expires === 0) subscription.end('timeout');
    else {
      subscription.activate(expires);
      this.journal?.saved(subscription);
    }
  }

  /** The extension or flow `number`; `101-ACME` (a hint name) is accepted for the subscriber's own tenant code. */
  private async target(tenantId: number, number: string): Promise<DeviceSnapshot | undefined> {
    const found = await this.deps.tracker.snapshot(tenantId, number);
    if (found !== undefined) return found;
    const hint = /^(.+)-([A-Za-z0-9]+)$/.exec(number);
    if (hint?.[1] === undefined || hint[2] === undefined) return undefined;
    const code = await this.deps.directory.tenantCode(tenantId);
    return code !== undefined && code.toUpperCase() === hint[2].toUpperCase() ? this.deps.tracker.snapshot(tenantId, hint[1]) : undefined;
  }

  private expiresOf(request: SipRequest): number | 'malformed' {
    const text = request.headers.get('expires');
    if (text === undefined) return this.limits.defaultExpires;
    if (!/^\s*\d+\s*$/.test(text)) return 'malformed';
    return Math.min(Number(text), this.limits.maxExpires);
  }

  private changed(snapshot: DeviceSnapshot): void {
    for (const subscription of this.byTarget.get(targetKey(snapshot.tenantId, snapshot.number)) ?? []) subscription.update(snapshot);
  }

  private async send(request: SipRequest, subscription: Subscription): Promise<ClientOutcome> {
    // To where the SUBSCRIBE came from (a NATed phone's pinhole) and over its connection, not the Contact's host.
    const { endpoint, flowId } = subscription.dialog.peer;
    const sent = this.deps.stack.sendRequest(request, endpoint, flowId);
    if (!subscription.ended) this.journal?.notified(subscription);
    if (!sent.ok) {
      this.deps.logger.debug({ error: sent.error }, 'presence: NOTIFY not sent');
      return { kind: 'transport-error' };
    }
    return sent.value.final;
  }

  private remember(subscription: Subscription): void {
    this.byDialog.set(subscription.dialog.id, subscription);
    const key = targetKey(subscription.tenantId, subscription.number);
    const set = this.byTarget.get(key) ?? new Set<Subscription>();
    set.add(subscription);
    this.byTarget.set(key, set);
  }

  private forget(subscription: Subscription): void {
    this.journal?.removed(subscription);
    if (this.byDialog.get(subscription.dialog.id) === subscription) this.byDialog.delete(subscription.dialog.id);
    const key = targetKey(subscription.tenantId, subscription.number);
    const set = this.byTarget.get(key);
    set?.delete(subscription);
    if (set?.size === 0) this.byTarget.delete(key);
  }
}

const targetKey = (tenantId: number, number: string): string => `${tenantId}:${number}`;

/** The package of an Event value (`dialog;id=3` is `dialog`); event types compare as tokens, case-insensitively here. */
function eventPackage(value: string): EventPackage | undefined {
  const name = value.split(';')[0]?.trim().toLowerCase();
  return name === 'dialog' || name === 'presence' ? name : undefined;
}

/** No Accept means the package's default type (§4.2.1.1); otherwise one entry must cover ours. */
function accepts(values: readonly string[], type: string): boolean {
  const ranges = values.flatMap((v) => v.split(',')).map((v) => v.split(';')[0]?.trim().toLowerCase() ?? '').filter((v) => v !== '');
  if (ranges.length === 0) return true;
  const [major] = type.split('/');
  return ranges.some((r) => r === type || r === '*/*' || r === `${major}/*`);
}
