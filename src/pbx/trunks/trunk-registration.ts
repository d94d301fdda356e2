// One carrier registration (RFC 3261 §10.2, UAC side): REGISTER, answer 401/407 with digest (§22.2), refresh
// before the granted expiry (§10.2.4), back off after failures, and remove the binding with Expires 0 (§10.2.2).
import { randomBytes } from 'node:crypto';
import type { CancelTimer, Clock, Logger } from '../../shared/index.ts';
import { digestAuthorization, isStaleChallenge, newTag, pickChallenge, type SipStack } from '../../sip/index.ts';
import type { SipTrunkTarget } from '../dialplan/index.ts';
import type { ResolveHost } from './trunk-host.ts';
import type { TrunkState, TrunkStatus } from './trunk-ports.ts';
import { buildRegister, grantedExpires, minExpires, registrarUri, retryAfterMs, trunkContact } from './trunk-request.ts';

export interface TrunkRegistrationDeps {
  readonly stack: Pick<SipStack, 'sendRequest' | 'sentBy'>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly resolveHost: ResolveHost;
}

export interface TrunkTiming {
  /** Expires we ask for, in seconds. */
  readonly expiresSeconds: number;
  /** First retry after a failure; doubled per further failure up to backoffMaxMs. */
  readonly backoffInitialMs: number;
  readonly backoffMaxMs: number;
  /** How long stop() waits for the answer to the Expires 0 REGISTER. */
  readonly unregisterTimeoutMs: number;
}

type Exchange =
  | { readonly kind: 'registered'; readonly grantedSeconds: number }
  | { readonly kind: 'failed'; readonly status: string; readonly retryAfterMs?: number };

/** A challenge answered before, reused with the next nonce-count (§22.3: credentials are cached per realm). */
interface CachedAuth {
  readonly challenge: string;
  readonly name: 'Authorization' | 'Proxy-Authorization';
  nc: number;
  readonly cnonce: string;
}

/** Challenges answered within one exchange, a bound against a registrar that challenges forever. */
const MAX_ROUNDS = 4;

/**
 * When to refresh a binding granted for `seconds`: 60 s before it ends, but never earlier than half-way. A minute
 * covers a UDP retransmission cycle (Timer F is 32 s) plus a 401 round before the carrier drops us; half-way
 * keeps short grants (a carrier giving 90 s for NAT keep-alive) from being refreshed every few seconds.
 */
export function refreshDelayMs(seconds: number): number {
  return Math.max(1, Math.max(seconds / 2, seconds - 60)) * 1000;
}

/** 30 s, 60 s, 120 s, ... up to the maximum (10 minutes by default), after `failures` failures in a row. */
export function backoffMs(failures: number, initialMs: number, maxMs: number): number {
  return Math.min(maxMs, initialMs * 2 ** Math.max(0, Math.min(failures - 1, 30)));
}

export class TrunkRegistration {
  // §10.2.4: "UAs SHOULD use the same Call-ID for all registrations during a single boot cycle".
  private readonly callId = `${randomBytes(10).toString('hex')}@callgrid`;
  private readonly fromTag = newTag();
  private cseq = 0;
  private cached: CachedAuth | undefined;
  private timer: CancelTimer | undefined;
  private active = false;
  private inFlight = 0;
  private failures = 0;
  private state: TrunkState = 'unregistered';
  private statusText = 'Unregistered';
  private expiresAt: Date | null = null;
  private nextAttemptAt: Date | null = null;
  private changedAt: Date;

  constructor(readonly target: SipTrunkTarget, private readonly deps: TrunkRegistrationDeps, private readonly timing: TrunkTiming) {
    this.changedAt = deps.clock.now();
  }

  status(): TrunkStatus {
    return {
      providerId: this.target.providerId,
      name: this.target.name,
      registrar: registrarUri(this.target),
      username: this.target.auth?.username ?? '',
      state: this.state,
      status: this.statusText,
      expiresAt: this.expiresAt,
      nextAttemptAt: this.nextAttemptAt,
      failures: this.failures,
      changedAt: this.changedAt,
    };
  }

  /** Sends the first REGISTER now. */
  start(): void {
    if (this.active) return;
    this.active = true;
    this.set('registering', 'Registering');
    void this.attempt();
  }

  /** Stops refreshing; with `unregister`, removes the binding (Expires 0) if one may exist, waiting a bounded time. */
  async stop(unregister = true): Promise<void> {
    const wasBound = this.state === 'registered' || this.inFlight > 0;
    this.active = false;
    this.timer?.();
    this.timer = undefined;
    this.nextAttemptAt = null;
    if (unregister && wasBound) {
      let cancel: CancelTimer | undefined;
      const deadline = new Promise<Exchange>((resolve) => {
        cancel = this.deps.clock.setTimer(this.timing.unregisterTimeoutMs, () => resolve({ kind: 'failed', status: 'Request timeout' }));
      });
      const result = await Promise.race([this.exchange(0), deadline]);
      cancel?.();
      if (result.kind === 'failed') this.deps.logger.info({ provider: this.target.providerId, status: result.status }, 'trunk: unregistration not confirmed');
    }
    this.expiresAt = null;
    this.set('unregistered', 'Unregistered');
  }

  private async attempt(): Promise<void> {
    this.timer = undefined;
    this.nextAttemptAt = null;
    const result = await this.exchange(this.timing.expiresSeconds);
    if (!this.active) return; // stopped meanwhile: stop() owns the status now
    const now = this.deps.clock.now().getTime();
    if (result.kind === 'registered') {
      this.failures = 0;
      this.expiresAt = new Date(now + result.grantedSeconds * 1000);
      this.set('registered', 'Registered');
      this.schedule(refreshDelayMs(result.grantedSeconds));
      return;
    }
    this.failures++;
    this.expiresAt = null;
    this.set('failed', result.status);
    this.deps.logger.warn({ provider: this.target.providerId, name: this.target.name, status: result.status, failures: this.failures }, 'trunk: registration failed');
    const backoff = backoffMs(this.failures, this.timing.backoffInitialMs, this.timing.backoffMaxMs);
    // A Retry-After (503, 423 ...) is honoured when it asks for longer, within the same ceiling.
    this.schedule(Math.min(this.timing.backoffMaxMs, Math.max(backoff, result.retryAfterMs ?? 0)));
  }

  private schedule(delayMs: number): void {
    if (!this.active) return;
    this.timer?.();
    this.nextAttemptAt = new Date(this.deps.clock.now().getTime() + delayMs);
    this.timer = this.deps.clock.setTimer(delayMs, () => void this.attempt());
  }

  /** One REGISTER transaction chain: the request, then as many challenged or corrected retries as it takes. */
  private async exchange(expires: number): Promise<Exchange> {
    this.inFlight++;
    try {
      return await this.run(expires);
    } catch (error) {
      this.deps.logger.error({ err: error, provider: this.target.providerId }, 'trunk: REGISTER failed');
      return { kind: 'failed', status: 'Internal error' };
    } finally {
      this.inFlight--;
    }
  }

  private async run(initialExpires: number): Promise<Exchange> {
    const auth = this.target.auth;
    if (auth === undefined) return { kind: 'failed', status: 'No credentials' };
    const contact = trunkContact(this.deps.stack, this.target, auth.username);
    if (contact === undefined) return { kind: 'failed', status: `Not sent: no ${this.target.transport} transport` };
    const address = await this.deps.resolveHost(this.target.host);
    if (address === undefined) return { kind: 'failed', status: `Host not found: ${this.target.host}` };
    const destination = { protocol: this.target.transport, address, port: this.target.port };
    let expires = initialExpires;
    // True once we answered a challenge of this exchange: a second plain 401 then means wrong credentials.
    let answeredFresh = false;
    for (let round = 0; ; round++) {
      // A refresh cut short by stop() does not go on (the Expires 0 REGISTER is its own exchange).
      if (expires > 0 && !this.active) return { kind: 'failed', status: 'Stopped' };
      // §10.2: "A UA MUST increment the CSeq value by one for each REGISTER request with the same Call-ID", and
      // §22.2 a retry with credentials is such a new request.
      this.cseq++;
      const request = buildRegister({ target: this.target, username: auth.username, callId: this.callId, fromTag: this.fromTag, cseq: this.cseq, expires, contact, ...this.credentials(auth) });
      const sent = this.deps.stack.sendRequest(request, destination);
      if (!sent.ok) return { kind: 'failed', status: `Not sent: ${sent.error}` };
      const outcome = await sent.value.final;
      if (outcome.kind === 'timeout') return { kind: 'failed', status: 'Request timeout' };
      if (outcome.kind === 'transport-error') return { kind: 'failed', status: 'Transport error' };
      if (outcome.kind === 'terminated') return { kind: 'failed', status: 'Stopped' };
      const { response } = outcome;
      const rejected = { kind: 'failed', status: `Rejected: ${response.status} ${response.reason}` } as const;
      if (response.status >= 200 && response.status < 300) {
        const granted = grantedExpires(response, contact, expires);
        if (expires > 0 && granted <= 0) return { kind: 'failed', status: `Rejected: ${response.status} ${response.reason} without our binding` };
        return { kind: 'registered', grantedSeconds: granted };
      }
      if (round + 1 >= MAX_ROUNDS) return rejected;
      if (response.status === 401 || response.status === 407) {
        const name = response.status === 401 ? 'WWW-Authenticate' : 'Proxy-Authenticate';
        const challenge = pickChallenge(response.headers.getAll(name));
        if (challenge === undefined) return { kind: 'failed', status: `${rejected.status} (no challenge we can answer)` };
        // RFC 2617 §3.2.1 stale: "the client may wish to simply retry the request with a new encrypted response,
        // without reprompting the user"; a challenge to credentials we just computed from a fresh one is a refusal.
        if (answeredFresh && !isStaleChallenge(challenge)) return rejected;
        answeredFresh = true;
        this.cached = { challenge, name: response.status === 401 ? 'Authorization' : 'Proxy-Authorization', nc: 0, cnonce: randomBytes(12).toString('hex') };
        continue;
      }
      // §10.2.8: a 423 carries Min-Expires; the UA "MAY retry the registration" asking for at least that.
      const floor = response.status === 423 ? minExpires(response) : undefined;
      if (floor !== undefined && expires > 0 && floor > expires) {
        expires = floor;
        continue;
      }
      const retry = retryAfterMs(response);
      return retry === undefined ? rejected : { ...rejected, retryAfterMs: retry };
    }
  }

  /** Authorization for the next request from the cached challenge (nonce-count + 1), or nothing before any challenge. */
  private credentials(auth: { readonly username: string; readonly secret: string }): { authorization?: { name: CachedAuth['name']; value: string } } {
    const cached = this.cached;
    if (cached === undefined) return {};
    cached.nc++;
    const answer = digestAuthorization(cached.challenge, { username: auth.username, password: auth.secret }, { method: 'REGISTER', uri: registrarUri(this.target) }, { nc: cached.nc, cnonce: cached.cnonce });
    if (!answer.ok) {
      this.cached = undefined; // pickChallenge only keeps answerable challenges, so this is not expected
      return {};
    }
    return { authorization: { name: cached.name, value: answer.value.header } };
  }

  private set(state: TrunkState, status: string): void {
    if (state !== this.state || status !== this.statusText) this.changedAt = this.deps.clock.now();
    this.state = state;
    this.statusText = status;
  }
}
