// The SIP registrar (RFC 3261 §10.3): authenticates REGISTER requests, keeps each extension's Contact bindings in
// the BindingStore, answers with the current bindings, and sweeps expired ones on the injected clock.
import type { CancelTimer, Clock, Logger } from '../../shared/index.ts';
import { parseCSeq, parseNameAddr, parseUri, serializeNameAddr, type DigestAuthenticator, type InboundSource, type SipRequest, type SipStack, type ServerTransaction } from '../../sip/index.ts';
import type { AuthBan } from './auth-ban.ts';
import type { Binding, BindingStore, SipAccountDirectory, SipDomainPolicy } from './ports.ts';
import { authenticateRegister } from './register-auth.ts';
import { planRegister, type BindingChange, type ExpiryLimits, type RegisterPlan } from './register-plan.ts';
import { RegistrarEvents, type BindingRemovalReason, type RegistrarListener } from './registrar-events.ts';

export interface RegistrarDeps {
  readonly stack: Pick<SipStack, 'respond'>;
  readonly authenticator: DigestAuthenticator;
  readonly accounts: SipAccountDirectory;
  readonly store: BindingStore;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Served domains and their realms; without it every domain is served in `options.realm`. */
  readonly domains?: SipDomainPolicy;
  /** Failed-answer counting and bans; without it nobody is banned. */
  readonly ban?: AuthBan;
}

export interface RegistrarOptions extends Partial<ExpiryLimits> {
  /** The digest realm (when no SipDomainPolicy says otherwise). */
  readonly realm: string;
  /** This node's name, written into its bindings. */
  readonly nodeName: string;
  /** How often expired bindings are removed. Default 10 s. */
  readonly sweepIntervalMs?: number;
}

type HeaderPairs = Array<[string, string]>;

const DEFAULT_LIMITS: ExpiryLimits = { minExpires: 60, maxExpires: 3600, defaultExpires: 3600, maxContacts: 5 };

export class Registrar {
  private readonly events: RegistrarEvents;
  private readonly limits: ExpiryLimits;
  /** Per-account queues: steps 6-8 read, decide and write, so two REGISTERs of one AOR must not interleave. */
  private readonly queues = new Map<string, Promise<void>>();
  private cancelSweep: CancelTimer | undefined;

  constructor(private readonly deps: RegistrarDeps, private readonly options: RegistrarOptions) {
    this.events = new RegistrarEvents(deps.logger);
    this.limits = {
      minExpires: options.minExpires ?? DEFAULT_LIMITS.minExpires,
      maxExpires: Math.max(options.maxExpires ?? DEFAULT_LIMITS.maxExpires, options.minExpires ?? DEFAULT_LIMITS.minExpires),
      defaultExpires: options.defaultExpires ?? DEFAULT_LIMITS.defaultExpires,
      maxContacts: Math.max(1, options.maxContacts ?? DEFAULT_LIMITS.maxContacts),
    };
  }

  addListener(listener: RegistrarListener): () => void {
    return this.events.add(listener);
  }

  /** Handles one REGISTER the SipStack delegate received. Never rejects: a failure is logged and answered 500. */
  async handleRegister(transaction: ServerTransaction, request: SipRequest, source: InboundSource): Promise<void> {
    try {
      await this.process(transaction, request, source);
    } catch (error) {
      this.deps.logger.error({ err: error, source: source.endpoint }, 'registrar: REGISTER failed');
      this.deps.stack.respond(transaction, 500, 'Server Internal Error');
    }
  }

  /** The live bindings, of one tenant when given (an expired one is gone even before the sweep removes it). */
  async bindings(tenantId?: number): Promise<Binding[]> {
    return this.live(await this.deps.store.list(tenantId));
  }

  async bindingsFor(tenantId: number, extensionId: number): Promise<Binding[]> {
    return this.live(await this.deps.store.listForAccount(tenantId, extensionId));
  }

  /** Removes the bindings of one extension, or of every extension of the tenant (an operator's action). */
  async unregister(tenantId: number, extensionId: number | 'all'): Promise<Binding[]> {
    const extensions = extensionId === 'all' ? [...new Set((await this.deps.store.list(tenantId)).map((b) => b.extensionId))] : [extensionId];
    const removed: Binding[] = [];
    for (const extension of extensions) removed.push(...(await this.exclusive(tenantId, extension, () => this.deps.store.removeAll(tenantId, extension))));
    for (const binding of removed) this.events.emit('bindingRemoved', binding, 'admin');
    return removed;
  }

  /**
   * A connection closed (SipStackDelegate.onFlowClosed): requests can no longer reach the phones registered over it
   * (a NATed TCP/TLS/WebSocket phone is reachable only over its own connection, RFC 5626 §5.3, RFC 7118 §5), so
   * their bindings go; the phone re-registers when it reconnects.
   */
  async flowClosed(flowId: string): Promise<Binding[]> {
    const gone = (await this.deps.store.list()).filter((b) => b.flowId === flowId && b.node === this.options.nodeName);
    const removed: Binding[] = [];
    for (const b of gone) {
      const binding = await this.exclusive(b.tenantId, b.extensionId, () => this.deps.store.remove(b.tenantId, b.extensionId, b.contactUri));
      if (binding !== undefined) removed.push(binding);
    }
    for (const binding of removed) this.events.emit('bindingRemoved', binding, 'flow-closed');
    return removed;
  }

  /** Removes expired bindings now and reports them as bindingExpired. */
  async sweep(): Promise<Binding[]> {
    const expired = await this.deps.store.removeExpired(this.deps.clock.now());
    for (const binding of expired) this.events.emit('bindingExpired', binding);
    return expired;
  }

  /** Starts the periodic sweep on the clock. */
  start(): void {
    if (this.cancelSweep !== undefined) return;
    const interval = this.options.sweepIntervalMs ?? 10_000;
    const tick = (): void => {
      // Re-armed before the sweep runs, so a FakeClock advance fires every due sweep. Sweeps may overlap on a slow
      // store; removeExpired is atomic and hands each binding to one sweep only, so that is harmless.
      this.cancelSweep = this.deps.clock.setTimer(interval, tick);
      this.sweep().catch((error: unknown) => this.deps.logger.error({ err: error }, 'registrar: expiry sweep failed'));
    };
    this.cancelSweep = this.deps.clock.setTimer(interval, tick);
  }

  stop(): void {
    this.cancelSweep?.();
    this.cancelSweep = undefined;
  }

  /** The bindings held for writing behind reach the store (a graceful stop, before the store closes). */
  async flush(): Promise<void> {
    await this.deps.store.flush?.();
  }

  private async process(transaction: ServerTransaction, request: SipRequest, source: InboundSource): Promise<void> {
    // A banned address gets 403 before any lookup or digest work. Not a silent drop: the stack has already created
    // the server transaction, and one never answered stays in its table for good, so dropping would let an attacker
    // fill memory; a 403 ends it through Timer J. Dropping would have to happen below the transaction layer.
    if (this.deps.ban?.isBanned(source.endpoint.address)) return this.reply(transaction, 403, 'Forbidden');

    // Step 1: "The registrar inspects the Request-URI to determine whether it has access to bindings for the domain
    // identified in the Request-URI." We are no proxy, so a foreign domain gets 404, which §21.4.5 gives "if the
    // domain in the Request-URI does not match any of the domains handled by the recipient of the request".
    const requestUri = parseUri(request.uri);
    if (!requestUri.ok || requestUri.value.scheme === 'tel') return this.reply(transaction, 400, 'Bad Request-URI');
    const realm = this.deps.domains === undefined ? this.options.realm : await this.deps.domains.realmFor(requestUri.value.host);
    if (realm === undefined) return this.reply(transaction, 404, 'Not Found');
    // Step 2 (Require) is the SipStack's: a REGISTER with an unknown option tag never gets here.

    // Step 5's address-of-record, read first because the account is looked up at its domain.
    const to = parseNameAddr(request.headers.get('to') ?? '');
    const aorUri = to.ok ? parseUri(to.value.uri) : undefined;
    if (aorUri === undefined || !aorUri.ok || aorUri.value.scheme === 'tel' || aorUri.value.user === undefined) return this.reply(transaction, 400, 'Bad To Header');
    const aor = aorUri.value;

    // Step 3: "A registrar SHOULD authenticate the UAC." Nonces are issued to the source address and only usable from
    // it, so the failures counted below come from where our challenges went, never from a forged address.
    const from = source.endpoint.address;
    const auth = await authenticateRegister(request, { authenticator: this.deps.authenticator, accounts: this.deps.accounts, realm, domain: aor.host, source: from });
    if (auth.kind === 'challenge') return this.reply(transaction, 401, 'Unauthorized', this.challenge(realm, auth.stale, from));
    if (auth.kind === 'failed') {
      const outcome = this.deps.ban?.recordFailure(source.endpoint.address);
      this.events.emit('authFailed', { source: source.endpoint, username: auth.username, reason: auth.reason, banned: outcome === 'banned' });
      if (outcome === 'banned') this.deps.logger.warn({ source: source.endpoint.address }, 'registrar: source banned after failed digest answers');
      // Unknown user and wrong password get the same fresh challenge, so the answer tells no one which it was.
      return auth.reason === 'malformed' ? this.reply(transaction, 400, auth.phrase) : this.reply(transaction, 401, 'Unauthorized', this.challenge(realm, false, from));
    }

    // Step 4: "If the authenticated user is not authorized to modify bindings, the registrar MUST return a 403
    // (Forbidden) and skip the remaining steps." A phone may write only its own AOR: To's user is its username.
    if (aor.user !== auth.username) return this.reply(transaction, 403, 'Forbidden');
    // Step 5 ("If the address-of-record ... does not exist within the domain ... MUST return a 404") cannot fail
    // here: the account was found at the AOR's domain under the AOR's user to authenticate at all.

    const cseq = parseCSeq(request.headers.get('cseq') ?? '');
    const callId = request.headers.get('call-id');
    if (!cseq.ok || callId === undefined) return this.reply(transaction, 400, cseq.ok ? 'Missing Call-ID' : 'Bad CSeq');
    const { tenantId, extensionId } = auth.account;
    const answer = await this.exclusive(tenantId, extensionId, async (): Promise<RegisterPlan> => {
      const current = this.live(await this.deps.store.listForAccount(tenantId, extensionId));
      const contacts = request.headers.getAll('contact');
      // §10.2.3: "If no Contact header field is present in a REGISTER request, the list of bindings is left unchanged."
      if (contacts.length === 0) return { ok: true, bindings: current, changes: [] };
      const plan = planRegister({
        contacts,
        expiresHeader: request.headers.get('expires'),
        now: this.deps.clock.now(),
        current,
        limits: this.limits,
        template: {
          tenantId,
          extensionId,
          aor: `${aor.scheme}:${aor.user}@${aor.host}`,
          username: auth.username,
          callId,
          cseq: cseq.value.seq,
          source: source.endpoint,
          flowId: source.flowId ?? null,
          userAgent: request.headers.get('user-agent') ?? null,
          node: this.options.nodeName,
        },
      });
      if (!plan.ok) return plan;
      // Step 7: "If any one of them fails (for example, because the back-end database commit failed), the request
      // MUST fail with a 500 (Server Error) response and all tentative binding updates MUST be removed."
      if (!(await this.commit(plan.changes))) return { ok: false, status: 500, reason: 'Server Internal Error', headers: [['Retry-After', '5']] };
      return plan;
    });
    if (!answer.ok) return this.reply(transaction, answer.status, answer.reason, [...answer.headers]);
    for (const change of answer.changes) this.announce(change);
    // Step 8: "The 200 (OK) response MUST contain Contact header field values enumerating all current bindings. Each
    // Contact value MUST feature an 'expires' parameter indicating its expiration interval chosen by the registrar.
    // The response SHOULD include a Date header field."
    const now = this.deps.clock.now().getTime();
    const headers: HeaderPairs = answer.bindings.map((binding) => ['Contact', withExpires(binding, Math.max(1, Math.ceil((binding.expiresAt.getTime() - now) / 1000)))]);
    headers.push(['Date', new Date(now).toUTCString()]);
    this.reply(transaction, 200, 'OK', headers);
  }

  /** Answers the REGISTER (a method, not a closure made per request: see sip/transaction/layer-events.ts). */
  private reply(transaction: ServerTransaction, status: number, reason: string, headers: HeaderPairs = []): void {
    this.deps.stack.respond(transaction, status, reason, headers);
  }

  private challenge(realm: string, stale: boolean, source: string): HeaderPairs {
    return this.deps.authenticator.challenge(realm, { stale, source }).map((value) => ['WWW-Authenticate', value]);
  }

  /** Writes every change or, should one fail, undoes those written (best effort) and says false. */
  private async commit(changes: readonly BindingChange[]): Promise<boolean> {
    const { store } = this.deps;
    const undo: Array<() => Promise<unknown>> = [];
    try {
      for (const change of changes) {
        const { binding } = change;
        if (change.kind === 'removed') {
          await store.remove(binding.tenantId, binding.extensionId, binding.contactUri);
          undo.push(() => store.put(binding));
          continue;
        }
        // A refresh may spell the Contact URI differently (an equivalent URI, §19.1.4): the old key goes.
        if (change.kind === 'refreshed' && change.previous.contactUri !== binding.contactUri) {
          await store.remove(binding.tenantId, binding.extensionId, change.previous.contactUri);
          undo.push(() => store.put(change.previous));
        }
        await store.put(binding);
        undo.push(change.kind === 'refreshed' && change.previous.contactUri === binding.contactUri
          ? () => store.put(change.previous)
          : () => store.remove(binding.tenantId, binding.extensionId, binding.contactUri));
      }
      return true;
    } catch (error) {
      this.deps.logger.error({ err: error }, 'registrar: binding commit failed; rolling back');
      for (const step of undo.reverse()) await step().catch((e: unknown) => this.deps.logger.error({ err: e }, 'registrar: rollback step failed'));
      return false;
    }
  }

  private announce(change: BindingChange): void {
    if (change.kind === 'added') this.events.emit('bindingAdded', change.binding);
    else if (change.kind === 'refreshed') this.events.emit('bindingRefreshed', change.binding, change.previous);
    else this.events.emit('bindingRemoved', change.binding, change.reason satisfies BindingRemovalReason);
  }

  private live(bindings: readonly Binding[]): Binding[] {
    const now = this.deps.clock.now().getTime();
    return bindings.filter((b) => b.expiresAt.getTime() > now).sort((a, b) => a.registeredAt.getTime() - b.registeredAt.getTime() || a.contactUri.localeCompare(b.contactUri));
  }

  private async exclusive<T>(tenantId: number, extensionId: number, work: () => Promise<T>): Promise<T> {
    const key = `${tenantId}/${extensionId}`;
    const run = (this.queues.get(key) ?? Promise.resolve()).then(work);
    const tail = run.then(() => undefined, () => undefined);
    this.queues.set(key, tail);
    try {
      return await run;
    } finally {
      if (this.queues.get(key) === tail) this.queues.delete(key);
    }
  }
}

/**
 * Stored Contact values (without expires, as planRegister writes them) -> their serialized form, to which the granted
 * expires is appended: every 200 lists every binding, and parsing each one again per answer was a visible cost.
 * Bounded: emptied when full, so a flood of distinct contacts costs at most this many strings.
 */
const contactPrefixes = new Map<string, string>();
const MAX_CONTACT_PREFIXES = 20_000;

/** The stored Contact value with the expires parameter the registrar granted (step 8). */
function withExpires(binding: Binding, seconds: number): string {
  const prefix = contactPrefixes.get(binding.contact);
  if (prefix !== undefined) return `${prefix};expires=${seconds}`;
  const parsed = parseNameAddr(binding.contact);
  if (!parsed.ok) return `<${binding.contactUri}>;expires=${seconds}`;
  const params = new Map(parsed.value.params);
  // Without an expires of its own, setting one appends it last: the serialized contact plus ";expires=N", kept.
  if (!params.has('expires')) {
    if (contactPrefixes.size >= MAX_CONTACT_PREFIXES) contactPrefixes.clear();
    const serialized = serializeNameAddr(parsed.value);
    contactPrefixes.set(binding.contact, serialized);
    return `${serialized};expires=${seconds}`;
  }
  params.set('expires', String(seconds));
  return serializeNameAddr({ displayName: parsed.value.displayName, uri: parsed.value.uri, params });
}
