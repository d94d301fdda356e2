// Server side of SIP digest authentication (RFC 3261 §22.4 on RFC 2617, with SHA-256 from RFC 8760 / RFC 7616):
// challenges, and verification of Authorization / Proxy-Authorization credentials.
import { digestsEqual, PbxError, type Clock } from '../../shared/index.ts';
import { computeDigestResponse, DIGEST_HEX_LENGTH, type DigestAlgorithm } from './digest-algorithm.ts';
import { parseCredentials, type DigestCredentials } from './digest-credentials.ts';
import { NonceSigner } from './digest-nonce.ts';
import { quote } from './digest-params.ts';
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
}

export type StaleReason = 'expired' | 'unknown-nonce' | 'replayed';

/** `stale`: the digest was right but the nonce cannot be used: challenge again with stale=true (RFC 2617 §3.2.1). */
export type DigestVerification =
  | { readonly outcome: 'ok'; readonly username: string; readonly algorithm: DigestAlgorithm }
  | { readonly outcome: 'stale'; readonly username: string; readonly reason: StaleReason }
  | { readonly outcome: 'wrong-credentials'; readonly username: string }
  | { readonly outcome: 'malformed'; readonly reason: string };

const DEFAULT_LIFETIME_MS = 5 * 60_000;
// Hashed for unknown users, so they cost what a wrong password costs.
const NO_PASSWORD = '\0no such user\0';

export class DigestAuthenticator {
  private readonly signer: NonceSigner;
  private readonly counts: NonceCountTracker;
  private readonly clock: Clock;
  private readonly lifetimeMs: number;
  private readonly algorithms: readonly DigestAlgorithm[];

  constructor(options: DigestAuthenticatorOptions) {
    const secret = typeof options.secret === 'string' ? Buffer.from(options.secret, 'utf8') : options.secret;
    if (secret.length < 16) throw new PbxError('invalid_config', 'the digest nonce secret needs at least 16 bytes');
    this.signer = new NonceSigner(secret);
    this.counts = new NonceCountTracker(options.maxTrackedNonces ?? 10_000);
    this.clock = options.clock;
    this.lifetimeMs = options.nonceLifetimeMs ?? DEFAULT_LIFETIME_MS;
    this.algorithms = options.algorithms ?? ['MD5', 'SHA-256'];
  }

  /**
   * WWW-Authenticate (401) or Proxy-Authenticate (407) values, one per algorithm: RFC 8760 §2.4 has the server add
   * a separate challenge for each algorithm it supports, sharing one nonce here.
   */
  challenge(realm: string, options: { readonly stale?: boolean } = {}): string[] {
    const nonce = this.signer.issue(realm, this.clock.now().getTime());
    const opaque = this.signer.opaque(realm);
    const stale = options.stale ? ', stale=true' : '';
    return this.algorithms.map(
      (algorithm) => `Digest realm=${quote(realm)}, nonce="${nonce}", opaque="${opaque}", algorithm=${algorithm}, qop="auth"${stale}`,
    );
  }

  async verify(request: DigestVerifyRequest): Promise<DigestVerification> {
    const parsed = parseCredentials(request.authorization);
    if (!parsed.ok) return { outcome: 'malformed', reason: parsed.error };
    const credentials = parsed.value;
    if (credentials.response.length !== DIGEST_HEX_LENGTH[credentials.algorithm]) return { outcome: 'malformed', reason: 'response has the wrong length' };
    // §3.2.2.5: "if they are not [the same resource], the server SHOULD return a 400 Bad Request error".
    if (!sameResource(credentials.uri, request.requestUri)) return { outcome: 'malformed', reason: 'uri does not match the Request-URI' };
    const { username } = credentials;
    // Credentials for another realm are not for us: answer with our challenge, as for any wrong credentials.
    if (credentials.realm !== request.realm) return { outcome: 'wrong-credentials', username };

    const password = await request.lookup(username, request.realm);
    const expected = computeDigestResponse({ ...credentials, password: password ?? NO_PASSWORD, method: request.method });
    // Compared in constant time; an unknown user and a wrong password take the same path and give the same result.
    const matches = digestsEqual(expected, credentials.response);
    if (!matches || password === undefined) return { outcome: 'wrong-credentials', username };

    const stale = this.nonceProblem(credentials, request.realm);
    if (stale) return { outcome: 'stale', username, reason: stale };
    return { outcome: 'ok', username, algorithm: credentials.algorithm };
  }

  /** Why a nonce with a correct digest cannot be accepted, or undefined when it can. */
  private nonceProblem(credentials: DigestCredentials, realm: string): StaleReason | undefined {
    const issuedAt = this.signer.open(credentials.nonce, realm);
    // RFC 2617 §3.2.1: opaque "should be returned by the client unchanged"; a missing one is tolerated, another is not ours.
    if (issuedAt === undefined || (credentials.opaque !== undefined && credentials.opaque !== this.signer.opaque(realm))) return 'unknown-nonce';
    const now = this.clock.now().getTime();
    const expiresAt = issuedAt + this.lifetimeMs;
    if (now >= expiresAt || issuedAt > now + this.lifetimeMs) return 'expired';
    // RFC 2069 form (no qop) has no nonce-count: only the nonce lifetime limits its replay.
    if (credentials.qop === undefined) return undefined;
    const check = this.counts.check(credentials.nonce, credentials.qop.ncValue, issuedAt, expiresAt, now);
    return check === 'ok' ? undefined : 'replayed';
  }
}
