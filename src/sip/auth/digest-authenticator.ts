// Server side of SIP digest authentication (RFC 3261 §22.4 on RFC 2617, with SHA-256 from RFC 8760 / RFC 7616):
// challenges, and verification of Authorization / Proxy-Authorization credentials.
import { digestsEqual, PbxError, type Clock } from '../../shared/index.ts';
import { computeDigestResponse, DIGEST_HEX_LENGTH, type DigestAlgorithm } from './digest-algorithm.ts';
import { parseCredentials } from './digest-credentials.ts';
import { NonceSigner } from './digest-nonce.ts';
import { parseDigestParams, quote } from './digest-params.ts';
import { sameResource } from './digest-uri.ts';
import { NonceCountTracker } from './nonce-count-tracker.ts';

export interface DigestAuthenticatorOptions {
  /** Key for the nonce HMAC, at least 16 bytes. Share it across a cluster so any node accepts any node's nonces. */
  readonly secret: string | Buffer;
  readonly clock: Clock;
  /** How long a nonce is fresh; later it is answered with stale=true. Default 5 minutes. */
  readonly nonceLifetimeMs?: number;
  /** Bound on the nonce-count map. Default 10,000 nonces. */
  readonly maxTrackedNonces?: number;
  /** Challenges to offer, in this order. Default MD5 first for phones that read only the first, then SHA-256. */
  readonly algorithms?: readonly DigestAlgorithm[];
  /**
   * Refuse credentials whose digest `uri` is not the Request-URI's resource (RFC 2617 §3.2.2.5 "SHOULD return a 400").
   * Default false, as Kamailio, Asterisk and FreeSWITCH: SIPp's default uri, phones behind an SBC and requests whose
   * Request-URI a dispatcher rewrote all name another uri. The response is hashed over the uri the client sent
   * either way, so it stays bound to that uri, and the nonce stays single-use and tied to the source address.
   */
  readonly strictUri?: boolean;
}

/** The password of a user in a realm, or undefined when there is no such user. */
export type PasswordLookup = (username: string, realm: string) => string | undefined | Promise<string | undefined>;

export interface DigestVerifyRequest {
  /** One Authorization or Proxy-Authorization header value. */
  readonly authorization: string;
  readonly method: string;
  readonly requestUri: string;
  /** The realm this server challenges with for the request (e.g. the tenant's domain). */
  readonly realm: string;
  readonly lookup: PasswordLookup;
  /**
   * The address the request came from. When given, only a nonce challenge() issued to this same address is usable:
   * a wrong answer then shows that the sender received our challenge, so it is no forged source address.
   */
  readonly source?: string;
}

/** Why a nonce cannot be used: not ours (or not for this realm), too old, issued to another address, or replayed. */
export type StaleReason = 'expired' | 'unknown-nonce' | 'other-source' | 'replayed';

/**
 * `stale`: the nonce cannot be used; challenge again with stale=true (RFC 2617 §3.2.1). Only a `replayed` answer was
 * checked against the password (and was right); the others were not checked at all, so they say nothing about it and
 * count as no failure. `wrong-credentials`: a wrong digest for a fresh nonce we issued (to this source): a failure.
 * `malformed`: `countable` when the broken answer still names a fresh nonce we issued (to this source).
 */
export type DigestVerification =
  | { readonly outcome: 'ok'; readonly username: string; readonly algorithm: DigestAlgorithm }
  | { readonly outcome: 'stale'; readonly username: string; readonly reason: StaleReason }
  | { readonly outcome: 'wrong-credentials'; readonly username: string }
  | { readonly outcome: 'malformed'; readonly reason: string; readonly countable: boolean };

/** The malformed reason (and, behind "Digest ", the 400's reason phrase) of a uri refused in strict mode. */
export const URI_MISMATCH = 'uri does not match';
const DEFAULT_LIFETIME_MS = 5 * 60_000;
// Hashed for unknown users, so they cost what a wrong password costs.
const NO_PASSWORD = '\0no such user\0';

export class DigestAuthenticator {
  private readonly signer: NonceSigner;
  private readonly counts: NonceCountTracker;
  private readonly clock: Clock;
  private readonly lifetimeMs: number;
  private readonly algorithms: readonly DigestAlgorithm[];
  private readonly strictUri: boolean;

  constructor(options: DigestAuthenticatorOptions) {
    const secret = typeof options.secret === 'string' ? Buffer.from(options.secret, 'utf8') : options.secret;
    if (secret.length < 16) throw new PbxError('invalid_config', 'the digest nonce secret needs at least 16 bytes');
    this.signer = new NonceSigner(secret);
    this.counts = new NonceCountTracker(options.maxTrackedNonces ?? 10_000);
    this.clock = options.clock;
    this.lifetimeMs = options.nonceLifetimeMs ?? DEFAULT_LIFETIME_MS;
    this.algorithms = options.algorithms ?? ['MD5', 'SHA-256'];
    this.strictUri = options.strictUri ?? false;
  }

  /**
   * WWW-Authenticate (401) or Proxy-Authenticate (407) values, one per algorithm: RFC 8760 §2.4 has the server add
   * a separate challenge for each algorithm it supports, sharing one nonce here.
   */
  challenge(realm: string, options: { readonly stale?: boolean; readonly source?: string } = {}): string[] {
    const nonce = this.signer.issue(realm, this.now(), options.source);
    const opaque = this.signer.opaque(realm);
    const stale = options.stale ? ', stale=true' : '';
    return this.algorithms.map(
      (algorithm) => `Digest realm=${quote(realm)}, nonce="${nonce}", opaque="${opaque}", algorithm=${algorithm}, qop="auth"${stale}`,
    );
  }

  async verify(request: DigestVerifyRequest): Promise<DigestVerification> {
    const parsed = parseCredentials(request.authorization);
    if (!parsed.ok) return this.malformed(parsed.error, nonceOf(request.authorization), undefined, request);
    const credentials = parsed.value;
    const { username, nonce, opaque } = credentials;
    if (credentials.response.length !== DIGEST_HEX_LENGTH[credentials.algorithm]) return this.malformed('response has the wrong length', nonce, opaque, request);
    // §3.2.2.5: "if they are not [the same resource], the server SHOULD return a 400 Bad Request error". Only in
    // strict mode: otherwise the uri is just hashed as sent (computeDigestResponse below), so it cannot be swapped.
    if (this.strictUri && !sameResource(credentials.uri, request.requestUri)) return this.malformed(URI_MISMATCH, nonce, opaque, request);
    // Credentials for another realm answer no challenge of ours.
    if (credentials.realm !== request.realm) return { outcome: 'stale', username, reason: 'unknown-nonce' };

    // The nonce is checked before the password: an answer to a nonce that is not usable is never checked, so it can
    // neither count as a failure (anyone can make one up, or send one from a forged address) nor tell whether a
    // guessed password was right. stale=true then lets a phone retry on a fresh nonce without asking its user;
    // RFC 2617 §3.2.1 sets it only after a valid digest, but a wrong one fails on the fresh nonce, where it counts.
    const usable = this.usableNonce(nonce, opaque, request);
    if (typeof usable === 'string') return { outcome: 'stale', username, reason: usable };

    const password = await request.lookup(username, request.realm);
    // Fields written out: a spread of the credentials followed by more fields is a slow path in V8 (Node 20).
    const { algorithm, realm, uri, qop } = credentials;
    const expected = computeDigestResponse({ algorithm, username, realm, password: password ?? NO_PASSWORD, method: request.method, uri, nonce, ...(qop === undefined ? {} : { qop }) });
    // Compared in constant time; an unknown user and a wrong password take the same path and give the same result.
    const matches = digestsEqual(expected, credentials.response);
    if (!matches || password === undefined) return { outcome: 'wrong-credentials', username };

    // RFC 2069 form (no qop) has no nonce-count: only the nonce lifetime limits its replay.
    if (credentials.qop !== undefined && this.counts.check(nonce, credentials.qop.ncValue, usable.issuedAt, usable.issuedAt + this.lifetimeMs, this.now()) !== 'ok') {
      return { outcome: 'stale', username, reason: 'replayed' };
    }
    return { outcome: 'ok', username, algorithm: credentials.algorithm };
  }

  private malformed(reason: string, nonce: string | undefined, opaque: string | undefined, request: DigestVerifyRequest): DigestVerification {
    return { outcome: 'malformed', reason, countable: nonce !== undefined && typeof this.usableNonce(nonce, opaque, request) !== 'string' };
  }

  /** The issue time of a nonce that is ours, for this realm, fresh and (given a source) issued to it; else why not. */
  private usableNonce(nonce: string, opaque: string | undefined, request: DigestVerifyRequest): { readonly issuedAt: number } | StaleReason {
    const opened = this.signer.open(nonce, request.realm, request.source);
    // RFC 2617 §3.2.1: opaque "should be returned by the client unchanged"; a missing one is tolerated, another is not ours.
    if (opened === undefined || (opaque !== undefined && opaque !== this.signer.opaque(request.realm))) return 'unknown-nonce';
    const now = this.now();
    if (now >= opened.issuedAt + this.lifetimeMs || opened.issuedAt > now + this.lifetimeMs) return 'expired';
    if (request.source !== undefined && !opened.issuedToSource) return 'other-source';
    return { issuedAt: opened.issuedAt };
  }

  private now(): number {
    return this.clock.now().getTime();
  }
}

/** The nonce directive of credentials that did not parse as a whole, when their parameters still do. */
function nonceOf(authorization: string): string | undefined {
  const params = parseDigestParams(authorization);
  return params.ok ? params.value.get('nonce') : undefined;
}
